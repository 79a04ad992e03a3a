// Records the messages bwtop's own process events reader adds (src/native/young_sockets.c) for a
// real short-lived client: run as root after `npm run build`,
//   node dist/test/fixtures-tools/record-young-sockets.js OUTDIR
// It listens on 127.0.0.1, runs the short-lived python3 client of test/netlink/short-client.ts,
// and keeps every message of the client's pid (the kernel's fork, exec
// and exit, and the reader's identity and socket messages) in OUTDIR/young-sockets.bin, as the
// reader handed them to JavaScript; pids, port and namespace in OUTDIR/young-sockets.json.
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { parseProcEvents, procEventsSubscribe } from '../../src/core/netlink/proc-events.js';
import { shortClientScript } from '../netlink/short-client.js';

type Reader = {
  open(rcvbuf: number, subscribe: Buffer, onBatch: (data: Buffer | null) => void, delay: number): unknown;
  close(handle: unknown, unsubscribe: Buffer): void;
};
const reader = createRequire(import.meta.url)('../../../src/native/build/Release/proc_connector.node') as Reader;

/** Each message of a batch (NLMSG_ALIGN'ed, back to back). */
function messages(batch: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 16 <= batch.length; ) {
    const len = batch.readUInt32LE(at);
    if (len < 16 || at + len > batch.length) break;
    out.push(batch.subarray(at, at + len));
    at += (len + 3) & ~3;
  }
  return out;
}

const out = process.argv[2];
if (out === undefined) {
  console.error('usage: record-young-sockets.js OUTDIR');
  process.exit(2);
}
const server = net.createServer((c) => c.resume());
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as net.AddressInfo).port;
const all: Buffer[] = [];
const handle = reader.open(1 << 20, procEventsSubscribe('listen', 7), (d) => d && all.push(...messages(Buffer.from(d))), 0);
await new Promise((r) => setTimeout(r, 200));
const child = spawn('/usr/bin/python3', ['-c', shortClientScript(port)], { stdio: 'ignore' });
await new Promise((r) => child.once('exit', r));
await new Promise((r) => setTimeout(r, 300));
reader.close(handle, procEventsSubscribe('ignore', 8));
server.close();
const pid = child.pid!;
const kept = all.filter((m) =>
  parseProcEvents(m).some((e) => e.kind !== 'none' && (e.kind === 'fork' ? e.childTgid === pid : e.tgid === pid)),
);
writeFileSync(
  join(out, 'young-sockets.bin'),
  Buffer.concat(kept.map((m) => Buffer.concat([m, Buffer.alloc(((m.length + 3) & ~3) - m.length)]))),
);
const netns = statSync('/proc/self/ns/net').ino;
writeFileSync(
  join(out, 'young-sockets.json'),
  `${JSON.stringify({ recorder: process.pid, client: pid, port, netns, uid: process.getuid?.() }, null, 1)}\n`,
);
console.log(`${kept.length} messages of pid ${pid}`);
