// The kernel's process events while a scene is recorded (record-scene.sh), as bwtop itself maps
// them (processes only, on the packets' wall clock), one JSON object a line in OUTFILE:
//   {"atMs":…,"kind":"born"|"exit","pid":…,"ppid":…,"exec":…}
// Says "ready" on stdout once subscribed; stops at SIGTERM. Needs root and a build.
//   node dist/test/fixtures-tools/record-scene-events.js OUTFILE

import { createWriteStream } from 'node:fs';
import { openProcEvents } from '../../src/adapters/netlink-events.js';
import { deliverProcEvent } from '../../src/cli/real-deps.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: record-scene-events.js OUTFILE');
  process.exit(2);
}
const file = createWriteStream(out);
const line = (o: object): void => void file.write(`${JSON.stringify(o)}\n`);
const source = openProcEvents(
  (e) =>
    deliverProcEvent(e, {
      born: (pid, ppid, exec, atMs) => line({ atMs, kind: 'born', pid, ppid, exec }),
      exited: (pid, atMs) => line({ atMs, kind: 'exit', pid, ppid: 0, exec: false }),
    }),
  (reason) => {
    console.error(`record-scene-events: ${reason}`);
    process.exitCode = 1;
  },
);
const keepAlive = setInterval(() => {}, 1000);
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  source.close();
  clearInterval(keepAlive);
  file.end();
});
