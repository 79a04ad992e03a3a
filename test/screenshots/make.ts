// `npm run screenshots`: runs bwtop in a real terminal (tmux, 120x40) on a replayed capture and
// its /proc fixture, presses keys as a user would, and turns each captured screen into a PNG in
// screenshots/. No image tool is needed: the pane's text and colours are drawn with a bitmap font.
//
//   node dist/test/screenshots/make.js [--pcap FILE --proc-root DIR] [--demo]
//
// Without --pcap, the first fixtures/session/<name>/{capture.pcap,proc} is used.
// --demo draws the hand-built test snapshots instead (to check this script, not for the README).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAnsiGrid } from './ansi-grid.js';
import { encodePng } from './png.js';
import { rasterize } from './raster.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const COLS = 120;
const ROWS = 40;

function fail(sentence: string): never {
  process.stderr.write(`screenshots: ${sentence}\n`);
  process.exit(2);
}

function findFixture(): { pcap: string; procRoot: string } | null {
  // A recorded session: a capture and the /proc copied from the same processes at the same time.
  const sessions = join(ROOT, 'fixtures', 'session');
  if (existsSync(sessions)) {
    for (const name of readdirSync(sessions).sort()) {
      const pcap = join(sessions, name, 'capture.pcap');
      const procRoot = join(sessions, name, 'proc');
      if (existsSync(pcap) && existsSync(procRoot)) return { pcap, procRoot };
    }
  }
  const procDir = join(ROOT, 'fixtures', 'proc');
  if (!existsSync(procDir)) return null;
  for (const name of readdirSync(procDir).sort()) {
    for (const ext of ['pcap', 'pcapng']) {
      const pcap = join(ROOT, 'fixtures', 'pcap', `${name}.${ext}`);
      if (existsSync(pcap)) return { pcap, procRoot: join(procDir, name) };
    }
  }
  return null;
}

function command(argv: string[]): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  if (argv.includes('--demo')) return `node ${q(join(ROOT, 'dist/test/screenshots/demo-screen.js'))}`;
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const given = at('--pcap') && at('--proc-root') ? { pcap: resolve(at('--pcap')!), procRoot: resolve(at('--proc-root')!) } : null;
  const fx = given ?? findFixture();
  if (!fx) fail('no replay fixture found (fixtures/pcap/<name>.pcap beside fixtures/proc/<name>); pass --pcap FILE --proc-root DIR');
  const main = join(ROOT, 'dist/src/cli/main.js');
  if (!existsSync(main)) fail(`${main} is missing; build first with npm run build`);
  // --no-config: the pictures show the defaults, whatever settings this machine remembers.
  return `node ${q(main)} --replay ${q(fx.pcap)} --proc-root ${q(fx.procRoot)} --no-config`;
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function main(argv: string[]): void {
  if (spawnSync('tmux', ['-V']).status !== 0) fail('tmux is not installed; install it (apt-get install tmux) and run again');
  const cmd = command(argv);
  const dir = mkdtempSync(join(tmpdir(), 'bwtop-shots-'));
  const conf = join(dir, 'tmux.conf');
  // No status line, so the pane is the whole 120x40; xterm-256color so colours are not reduced.
  writeFileSync(conf, 'set -g status off\nset -g default-terminal xterm-256color\nset -g remain-on-exit on\n');
  const sock = join(dir, 'sock');
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', sock, '-f', conf, ...args], { encoding: 'utf8' });
  const pane = (): string => tmux('capture-pane', '-p', '-t', 'shots').stdout;
  const out = join(ROOT, 'screenshots');
  mkdirSync(out, { recursive: true });
  try {
    // The exit status goes to a file: tmux does not always report it for a dead pane.
    const exitFile = join(dir, 'exit');
    const started = tmux(
      'new-session',
      '-d',
      '-s',
      'shots',
      '-x',
      String(COLS),
      '-y',
      String(ROWS),
      '-e',
      'LANG=C.UTF-8',
      '-e',
      'NO_COLOR=',
      `${cmd}; echo $? > '${exitFile}'`,
    );
    if (started.status !== 0) fail(`tmux could not start: ${started.stderr.trim()}`);
    const deadline = Date.now() + 20000;
    while (!/^\s*PID\S* USER/m.test(pane()) || /waiting for the first refresh/.test(pane())) {
      if (Date.now() > deadline) fail(`bwtop did not show its process list within 20 s; the pane shows:\n${pane()}`);
      if (existsSync(exitFile)) fail(`bwtop exited early:\n${pane()}`);
      sleep(200);
    }
    sleep(1500); // a few refreshes (or the end of the replay)
    const shoot = (name: string, ...keys: string[]): void => {
      for (const k of keys) {
        tmux('send-keys', '-t', 'shots', k);
        sleep(150);
      }
      sleep(500);
      const text = tmux('capture-pane', '-e', '-p', '-N', '-t', 'shots').stdout;
      const img = rasterize(parseAnsiGrid(text, COLS, ROWS));
      writeFileSync(join(out, `${name}.png`), encodePng(img.width, img.height, img.rgb));
      process.stdout.write(`screenshots/${name}.png\n`);
    };
    shoot('list-received', 'r');
    shoot('help', '?');
    shoot('drill-down', '?', 'Home', 'Enter');
    shoot('kill-dialog', 'k');
    tmux('send-keys', '-t', 'shots', 'n');
    sleep(200);
    tmux('send-keys', '-t', 'shots', 'q');
    const quitBy = Date.now() + 5000;
    while (!existsSync(exitFile) || readFileSync(exitFile, 'utf8').trim() === '') {
      if (Date.now() > quitBy) fail('bwtop did not exit within 5 s of q');
      sleep(100);
    }
    const status = readFileSync(exitFile, 'utf8').trim();
    if (status !== '0') fail(`bwtop exited with status ${status} after q; the pane shows:\n${pane()}`);
  } finally {
    tmux('kill-server');
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
