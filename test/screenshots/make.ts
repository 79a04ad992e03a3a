// `npm run screenshots`: runs bwtop on a pseudo-terminal of 120x40 replaying a recorded scene,
// presses keys as a user would, feeds exactly the bytes bwtop wrote to a terminal emulator
// (xterm.js, headless) and draws each screen into a PNG in screenshots/.
//
//   node dist/test/screenshots/make.js [--scene DIR] [--out DIR] [--demo]
//
// --scene: a recorded scene (capture.pcap, proc/, events.json: see fixtures/session/README.md);
// fixtures/session/busy-host by default. --demo draws the hand-built test snapshots instead (to
// check this script, not for the README). --out: where the PNGs go (screenshots/ by default).

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { KEYS, PtySession } from './pty-session.js';
import { rasterize } from './raster.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const COLS = 120;
const ROWS = 40;
const DEFAULT_SCENE = join(ROOT, 'fixtures', 'session', 'busy-host');

function fail(sentence: string): never {
  process.stderr.write(`screenshots: ${sentence}\n`);
  process.exit(2);
}

function command(opts: { scene?: string; demo?: boolean }): string[] {
  if (opts.demo) return [process.execPath, join(ROOT, 'dist/test/screenshots/demo-screen.js')];
  const scene = resolve(opts.scene ?? DEFAULT_SCENE);
  if (!existsSync(join(scene, 'capture.pcap')) || !existsSync(join(scene, 'proc'))) {
    fail(`${scene} holds no recorded scene (capture.pcap and proc/); record one with test/fixtures-tools/record-scene.sh`);
  }
  return [process.execPath, join(ROOT, 'dist/test/screenshots/scene-replay.js'), scene];
}

async function main(argv: string[]): Promise<void> {
  const { values: opts } = parseArgs({
    args: argv,
    options: { scene: { type: 'string' }, out: { type: 'string' }, demo: { type: 'boolean' } },
  });
  const out = resolve(opts.out ?? join(ROOT, 'screenshots'));
  mkdirSync(out, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  delete env.NO_COLOR;
  const app = new PtySession(command(opts), COLS, ROWS, env);
  try {
    await app.waitFor((t) => /^\s*PID\S* +USER/m.test(t) && !/waiting for the first refresh/.test(t), 20000);
    await app.type(); // a few refreshes, or the end of the replay
    await new Promise((r) => setTimeout(r, 1000));
    const shoot = async (name: string, ...keys: string[]): Promise<void> => {
      await app.type(...keys);
      writeFileSync(join(out, `${name}.png`), PNG.sync.write(rasterize(await app.screen()), { colorType: 2 }));
      process.stdout.write(`${join(out, `${name}.png`)}\n`);
    };
    await shoot('list-received', 'r');
    await shoot('help', '?');
    await shoot('drill-down', '?', KEYS.home, KEYS.down, KEYS.enter); // the second row: a busy worker
    await shoot('kill-dialog', 'k');
    await shoot('grouped', 'n', KEYS.escape, 'g'); // by program: the burst of curls is one row
    await shoot('grouped-container', 'g'); // by container/service: the inventory container's API apart
    await app.type('q');
    const status = await Promise.race([app.exited, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    if (status === null) fail('bwtop did not exit within 5 s of q');
    if (status !== 0) fail(`bwtop exited with status ${status} after q; the screen shows:\n${await app.text()}`);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  } finally {
    app.kill();
  }
}

await main(process.argv.slice(2));
