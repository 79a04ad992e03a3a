// Bytes written to the terminal per refresh at steady state, 120x40, beside nethogs in the same
// terminal size. bwtop draws on a headless blessed screen whose output stream counts bytes, fed
// same-shaped snapshots whose numbers and histories change every refresh; nethogs runs in tmux
// (pipe-pane counts what it writes) on loopback while iperf3 sends through it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HISTORY_LENGTH, type Snapshot } from '../../src/core/model.js';
import { createScreenApp } from '../../src/ui/app.js';
import { createHeadlessScreen } from '../ui/headless.js';
import { conn, proc, snapshot } from '../ui/fixture.js';

const COLS = 120;
const ROWS = 40;
const WARMUP = 5;
const REFRESHES = 60;

/**
 * Refresh i of a session of `n` processes whose rates wobble by `amp` (0.3: busy, changing traffic;
 * 0.005: a steady transfer such as iperf3 at a fixed rate), histories advancing by one.
 */
function frame(i: number, n: number, amp: number): Snapshot {
  const base: Array<[number, string, number, number]> = [
    [5310, 'iperf3', 2.4e6, 4e3],
    [5201, 'iperf3', 4e3, 2.4e6],
    [4242, 'curl', 1.2e3, 9.8e5],
    [812, 'nginx', 9.8e5, 1.5e3],
    [733, 'sshd', 2.1e3, 3e2],
    [611, 'chronyd', 76, 76],
    [590, 'systemd-resolve', 300, 300],
    [1900, 'postgres', 5e4, 4e4],
    [1901, 'node', 7e4, 2e4],
    [2001, 'rsync', 3e5, 2e3],
    [2100, 'dnsmasq', 120, 90],
    [2200, 'firefox', 1.5e4, 2.2e5],
  ];
  const wob = (k: number): number => 1 + amp * Math.sin(i * 0.9 + k);
  const procs = base.slice(0, n).map(([pid, name, s, r]) => {
    const p = proc({
      pid,
      name,
      sentRate: Math.round(s * wob(pid)),
      receivedRate: Math.round(r * wob(pid + 1)),
      age: 30 + i,
      connections: [conn(`127.0.0.1:${40000 + (pid % 1000)}`, '127.0.0.1:5201', { sent: s, received: r })],
    });
    p.sentHistory = Array.from({ length: HISTORY_LENGTH }, (_, h) => Math.round(s * (1 + amp * Math.sin((i + h) * 0.9 + pid))));
    p.receivedHistory = Array.from({ length: HISTORY_LENGTH }, (_, h) => Math.round(r * (1 + amp * Math.sin((i + h) * 0.9 + pid + 1))));
    return p;
  });
  const snap = snapshot(procs, 1764121200000 + i * 1000);
  const sum = (f: (h: number) => number): number[] => Array.from({ length: HISTORY_LENGTH }, (_, h) => f(h));
  snap.totals.sentHistory = sum((h) => procs.reduce((a, p) => a + p.sentHistory[h]!, 0));
  snap.totals.receivedHistory = sum((h) => procs.reduce((a, p) => a + p.receivedHistory[h]!, 0));
  snap.capture.packets = 184467 + i * 3100;
  return snap;
}

function measureBwtop(term: string, processes: number, amp: number): { bytes: number; ms: number } {
  const h = createHeadlessScreen({ cols: COLS, rows: ROWS, term, keep: false });
  const app = createScreenApp({
    screen: h.screen,
    hostname: 'bench',
    selfPid: process.pid,
    signal: () => {},
    processStartTime: () => null,
    names: () => null,
    env: { LANG: 'C.UTF-8' },
    mouse: false,
  });
  for (let i = 0; i < WARMUP; i++) app.update(frame(i, processes, amp));
  h.clearWritten();
  const t0 = process.hrtime.bigint();
  for (let i = WARMUP; i < WARMUP + REFRESHES; i++) {
    app.update(frame(i, processes, amp));
    h.bytes(); // flush this refresh's output now, as the next tick would
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const bytes = h.bytes();
  app.destroy();
  return { bytes: bytes / REFRESHES, ms: ms / REFRESHES };
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** nethogs -d 1 on lo in a 120x40 tmux pane; bytes it writes per refresh over `seconds`. */
async function measureNethogs(seconds: number): Promise<{ bytes: number; term: string } | string> {
  if (process.getuid?.() !== 0) return 'not root (nethogs needs root)';
  for (const c of ['tmux', 'nethogs', 'iperf3']) if (!have(c)) return `${c} not installed`;
  const dir = mkdtempSync(join(tmpdir(), 'bwtop-bench-'));
  const sock = join(dir, 'tmux.sock');
  const out = join(dir, 'nethogs.out');
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', sock, ...args], { encoding: 'utf8' });
  const kids: ChildProcess[] = [];
  try {
    // Loopback traffic for nethogs to show: an iperf3 pair at a modest fixed rate.
    kids.push(spawn('iperf3', ['-s', '-p', '5299', '-1'], { stdio: 'ignore' }));
    await sleep(300);
    kids.push(spawn('iperf3', ['-c', '127.0.0.1', '-p', '5299', '-t', String(seconds + 4), '-b', '20M'], { stdio: 'ignore' }));
    const started = tmux('new-session', '-d', '-s', 'nh', '-x', String(COLS), '-y', String(ROWS), 'nethogs -a -d 1 lo');
    if (started.status !== 0) return `tmux failed: ${started.stderr.trim()}`;
    await sleep(2500); // past nethogs's first full draw
    tmux('pipe-pane', '-t', 'nh', `cat > ${out}`);
    await sleep(seconds * 1000);
    tmux('pipe-pane', '-t', 'nh');
    await sleep(100);
    const term = tmux('show', '-gv', 'default-terminal').stdout.trim() || 'screen';
    return { bytes: statSync(out).size / seconds, term };
  } finally {
    tmux('kill-server');
    for (const k of kids) if (k.exitCode === null && k.signalCode === null) k.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  const nethogs = await measureNethogs(5);
  const term = typeof nethogs === 'string' ? 'screen' : nethogs.term;
  const bw = measureBwtop(term, 12, 0.3);
  const bwXterm = measureBwtop('xterm-256color', 12, 0.3);
  const bwPair = measureBwtop(term, 2, 0.005);
  const bwPairBusy = measureBwtop(term, 2, 0.3);
  const row = (name: string, bytes: string, extra: string): string => `${name.padEnd(34)} ${bytes.padStart(14)}   ${extra}`;
  console.log(`terminal ${COLS}x${ROWS}, steady state, bytes written per refresh`);
  console.log(row('tool', 'bytes/refresh', 'notes'));
  console.log(
    row(
      `bwtop, 2 steady (TERM=${term})`,
      bwPair.bytes.toFixed(0),
      `${bwPair.ms.toFixed(2)} ms/refresh; an iperf3 pair at a fixed rate, as nethogs sees`,
    ),
  );
  console.log(
    row(
      `bwtop, 2 wobbling ±30%`,
      bwPairBusy.bytes.toFixed(0),
      `${bwPairBusy.ms.toFixed(2)} ms/refresh; ` + 'every number and chart cell moves',
    ),
  );
  console.log(row(`bwtop, 12 wobbling ±30%`, bw.bytes.toFixed(0), `${bw.ms.toFixed(2)} ms/refresh`));
  console.log(row('  same, TERM=xterm-256color', bwXterm.bytes.toFixed(0), `${bwXterm.ms.toFixed(2)} ms/refresh`));
  if (typeof nethogs === 'string') {
    console.log(row('nethogs -d 1 lo (tmux)', 'skipped', nethogs));
  } else {
    console.log(row('nethogs -d 1 lo (tmux)', nethogs.bytes.toFixed(0), 'iperf3 pair on lo, 5 s'));
    const ratio = (b: number): string => (b / Math.max(1, nethogs.bytes)).toFixed(1);
    console.log(
      `ratio bwtop/nethogs: ${ratio(bwPair.bytes)}x steady pair, ${ratio(bwPairBusy.bytes)}x wobbling pair, ` +
        `${ratio(bw.bytes)}x 12 wobbling (bwtop also scrolls two charts)`,
    );
  }
}
