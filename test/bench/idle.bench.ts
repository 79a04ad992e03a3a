// What bwtop costs while little happens, beside nethogs in the same run, on the host's `lo`:
// - the interactive screen idle in a 120x40 tmux pane (a private tmux server), against nethogs
//   in a pane of the same size: CPU seconds over 20 s and resident memory;
// - `--json` idle, and `--json` while a helper process holds 10,000 loopback connections that
//   each carry one byte a second (two helper processes holding both ends of 5,000 each; nethogs in
//   trace mode beside it): CPU over 20 s and memory.
// CPU is utime+stime of all the tool's threads from /proc/PID/stat; memory is VmRSS. Run it under
// the live lock on an otherwise quiet machine: other work on `lo` is captured too.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { holdConnections, type Holder } from '../connections/hold-connections.js';
import { cpuSeconds } from './flood/cpu.js';
import type { Netns } from './flood/netns.js';
import { killAllScreens, TmuxScreen } from './flood/tmux-screen.js';

const BWTOP_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const WINDOW_S = Number(process.env.BWTOP_IDLE_WINDOW_S ?? 20);
/** Start-up (the first full scan of every process) is over well before this. */
const SETTLE_S = 5;
/** BWTOP_IDLE_CONNECTIONS: fewer, to try the bench out quickly. */
const CONNECTIONS = Number(process.env.BWTOP_IDLE_CONNECTIONS ?? 10_000);
/** Each helper holds both ends of its connections: two of them stay under the 20,000 descriptors a process may have here. */
const HOLDERS = 2;
/** Goals: an idle screen within 1% of a core, 80 MB idle, 150 MB with 10,000 active connections. */
const GOAL = { idleCpuS: 0.01 * WINDOW_S, idleMb: 80, busyMb: 150 };

/** The host's own namespace: the tools run as they would for an admin. */
const HOST = { wrap: (cmd: string, args: string[]): [string, string[]] => [cmd, args] } as unknown as Netns;

interface Cost {
  cpuS: number;
  rssMb: number;
}

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** CPU of each pid over the window (all at once, so they share the same seconds), then memory. */
async function measure(pids: number[]): Promise<Cost[]> {
  await sleep(SETTLE_S * 1000);
  const before = pids.map(cpuSeconds);
  await sleep(WINDOW_S * 1000);
  return pids.map((pid, i) => {
    const cpuS = cpuSeconds(pid) - before[i]!;
    if (Number.isNaN(cpuS)) throw new Error(`process ${pid} exited during the measurement`);
    return { cpuS, rssMb: rssMb(pid) };
  });
}

/** A tool with its output discarded (it must keep running; stderr is kept for the error). */
function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.once('exit', (code) => {
    if (code !== null && code !== 0) process.stderr.write(`${cmd} exited ${code}: ${err.trim()}\n`);
  });
  return child;
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }),
  );
}

/** nethogs in its own 120x40 pane of a private tmux server. */
function nethogsPane(): { pid: number; kill(): void } {
  const sock = `/tmp/bwtop-idle-bench-${process.pid}.sock`;
  const tmux = (...a: string[]) => spawnSync('tmux', ['-S', sock, ...a], { encoding: 'utf8' });
  const r = tmux('new-session', '-d', '-s', 'nh', '-x', '120', '-y', '40', 'nethogs -a -d 1 lo');
  if (r.status !== 0) throw new Error(`tmux failed: ${r.stderr.trim()}`);
  const pid = Number(tmux('display', '-p', '-t', 'nh', '#{pane_pid}').stdout.trim());
  return {
    pid,
    kill: () => {
      tmux('kill-server');
      rmSync(sock, { force: true }); // tmux leaves its socket file behind
    },
  };
}

function missing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (packet capture)';
  for (const cmd of ['nethogs', 'tmux']) if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `${cmd} is not installed`;
  return null;
}

const f1 = (n: number): string => n.toFixed(1);
const f2 = (n: number): string => n.toFixed(2);

function row(what: string, bw: Cost, nh: Cost | null): string {
  const cpu = `${f2(bw.cpuS)} s (${f1((100 * bw.cpuS) / WINDOW_S)}%)`;
  const ratio = nh ? `  ratio CPU ${f1(bw.cpuS / Math.max(0.01, nh.cpuS))}x, memory ${f1(bw.rssMb / nh.rssMb)}x` : '';
  const ref = nh ? `nethogs ${f2(nh.cpuS)} s, ${f1(nh.rssMb)} MB` : 'nethogs -';
  return `${what.padEnd(38)} bwtop ${cpu.padEnd(15)} ${f1(bw.rssMb).padStart(6)} MB   ${ref}${ratio}`;
}

export async function bench(): Promise<void> {
  const why = missing();
  if (why) {
    console.log(`skipped: ${why}`);
    return;
  }
  console.log(
    `CPU seconds over ${WINDOW_S} s and resident memory, on lo, after ${SETTLE_S} s of settling; ` +
      `load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  const failures: string[] = [];
  let screen: TmuxScreen | null = null;
  let nh: { pid: number; kill(): void } | null = null;
  const holders: Holder[] = [];
  const children: ChildProcess[] = [];
  try {
    screen = await TmuxScreen.start(HOST);
    nh = nethogsPane();
    const [bwIdle, nhIdle] = (await measure([screen.pid, nh.pid])) as [Cost, Cost];
    console.log(row('idle screen, tmux 120x40', bwIdle, nhIdle));
    screen.kill();
    nh.kill();
    screen = null;
    nh = null;
    if (bwIdle.cpuS > GOAL.idleCpuS) failures.push(`idle screen ${f2(bwIdle.cpuS)} s CPU (goal ${GOAL.idleCpuS} s)`);
    if (bwIdle.rssMb > GOAL.idleMb) failures.push(`idle screen ${f1(bwIdle.rssMb)} MB (goal ${GOAL.idleMb} MB)`);

    children.push(start(process.execPath, [BWTOP_MAIN, '--json', '-i', 'lo', '-d', '1']));
    children.push(start('nethogs', ['-a', '-t', '-d', '1', 'lo']));
    const [jsonIdle, nhTrace] = (await measure(children.map((c) => c.pid!))) as [Cost, Cost];
    console.log(row('idle --json (nethogs -t)', jsonIdle, nhTrace));
    await stop(children.splice(0));

    for (let i = 0; i < HOLDERS; i++) holders.push(await holdConnections(CONNECTIONS / HOLDERS, true));
    children.push(start(process.execPath, [BWTOP_MAIN, '--json', '-i', 'lo', '-d', '1']));
    children.push(start('nethogs', ['-a', '-t', '-d', '1', 'lo']));
    const [busy, nhBusy] = (await measure(children.map((c) => c.pid!))) as [Cost, Cost];
    console.log(row(`${CONNECTIONS} connections, 1 B/s each, --json`, busy, nhBusy));
    if (busy.rssMb > GOAL.busyMb) failures.push(`${CONNECTIONS} connections: ${f1(busy.rssMb)} MB (goal ${GOAL.busyMb} MB)`);
  } finally {
    screen?.kill();
    nh?.kill();
    killAllScreens();
    await stop(children);
    for (const h of holders) h.stop();
  }
  console.log(
    `goals: idle screen <= ${GOAL.idleCpuS} s per ${WINDOW_S} s (1% of a core), <= ${GOAL.idleMb} MB idle, <= ${GOAL.busyMb} MB busy`,
  );
  if (failures.length > 0) {
    process.exitCode = 1;
    console.log(`FAIL: ${failures.join('; ')}`);
  }
}
