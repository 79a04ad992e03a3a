// bwtop's screen replaying a recorded scene (fixtures/session/NAME: capture.pcap, proc/ and, when
// recorded, events.json), as `bwtop --replay capture.pcap --proc-root proc --no-config` shows it,
// plus the scene's process events fed on the packets' clock (the replay reads a static /proc
// copy; the events make the short-lived processes appear and vanish when they really did), and
// the recorded host's name in the header rather than this machine's.
//
//   node dist/test/screenshots/scene-replay.js SCENE_DIR [--json]   (--json: the NDJSON lines instead)

import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/app.js';
import { parseLiveArgs } from '../../src/cli/args.js';
import { realDeps } from '../../src/cli/real-deps.js';
import { jsonSink } from '../../src/cli/json-sink.js';
import { screenSink } from '../../src/cli/screen-sink.js';
import { loadScene } from './scene-events.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: scene-replay.js SCENE_DIR\n');
  process.exit(2);
}
const scene = loadScene(dir);
// The screen names the host it runs on; a picture of a recorded scene names the recorded host.
// (node:os's named exports follow its default export once synced.)
os.hostname = () => scene.hostname;
syncBuiltinESMExports();

const json = process.argv.includes('--json') ? ['--json'] : [];
const o = parseLiveArgs(['--replay', join(dir, 'capture.pcap'), '--proc-root', join(dir, 'proc'), '--no-config', ...json], 'live');
const deps = realDeps(o.procRoot);
Object.assign(deps, scene.replayDeps(deps));
const code = await run(deps, o, o.json ? jsonSink(process.stdout, { allConnections: false }) : screenSink(false, o));
process.exit(code);
