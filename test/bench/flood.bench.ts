// CPU per packet under a 64-byte UDP flood on lo: bwtop against `nethogs -C`, side by side.
// Everything runs in a private network namespace (its own lo, socket tables and traffic). Three
// runs: both tools capturing the same flood at once (the headline ratio), then each alone (no
// competition for the 2nd core). Each tool's CPU (utime+stime of all its threads) is sampled over
// an idle window and over the flood window (flood + linger while its backlog drains); the idle
// rate times the flood window is subtracted, leaving the cost of the packets alone.
// A fourth run has bwtop's interactive screen drawing in tmux instead of --json (flood/screen.ts):
// rendering must not hold capture up, so it must see every packet without a drop at the same rate;
// a second flood at twice the rate, and one during which the terminal stops reading for 3 s (a
// stalled SSH link), are printed for information.
// Knobs: BWTOP_FLOOD_PPS (default 100000) and BWTOP_FLOOD_CPU_PROF=DIR (bwtop runs under
// node --cpu-prof, one profile per run, written when it exits).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { clockTicks, cpuSeconds } from './flood/cpu.js';
import { IP_PACKET_BYTES, startFlood, type FloodResult } from './flood/generator.js';
import { Netns } from './flood/netns.js';
import { measureScreen, printTerminalTable, type ScreenResult } from './flood/screen.js';
import { killAllScreens } from './flood/tmux-screen.js';
import { startTool, type ToolKind } from './flood/tools.js';

/** Sustainable on 2 cores with the generator (~0.8 core) and both tools running together. */
const PPS = Number(process.env.BWTOP_FLOOD_PPS ?? 100_000);
const FLOOD_SECS = 4;
const LINGER_SECS = 2.5;
const IDLE_SECS = 4;
const GOAL = 1.0;
const AIM = 0.33;

interface Row {
  run: string;
  tool: ToolKind;
  seen: number;
  drops: number | null;
  /** CPU seconds over the flood window minus the idle rate over the same length. */
  cpu: number;
  idleCpu: number;
}

interface Run {
  flood: FloodResult;
  rows: Row[];
  /** Printed, never failing the bench. */
  informational?: boolean;
}

async function measure(ns: Netns, run: string, kinds: ToolKind[]): Promise<Run> {
  const tools = kinds.map((k) => startTool(k, ns));
  try {
    await Promise.all(tools.map((t) => t.refreshes(1)));
    const cpuNow = () => tools.map((t) => cpuSeconds(t.pid));
    const idle0 = cpuNow();
    const tIdle0 = performance.now();
    await sleep(IDLE_SECS * 1000);
    const idle1 = cpuNow();
    const idleSecs = (performance.now() - tIdle0) / 1000;
    const packets0 = tools.map((t) => t.packets());
    const drops0 = tools.map((t) => t.drops());
    const busy0 = cpuNow();
    const tBusy0 = performance.now();
    const flood = await startFlood(ns, PPS, FLOOD_SECS, LINGER_SECS).done;
    const busy1 = cpuNow();
    const busySecs = (performance.now() - tBusy0) / 1000;
    const gone = tools.filter((_, i) => Number.isNaN(busy1[i]! + idle0[i]!));
    if (gone.length > 0) throw new Error(`${gone.map((t) => t.name).join(' and ')} exited during the measurement`);
    const rows = tools.map((t, i): Row => {
      const idleRate = (idle1[i]! - idle0[i]!) / idleSecs;
      const d0 = drops0[i] ?? null;
      const d1 = t.drops();
      return {
        run,
        tool: kinds[i]!,
        seen: t.packets() - packets0[i]!,
        drops: d1 === null || d0 === null ? null : d1 - d0,
        cpu: busy1[i]! - busy0[i]! - idleRate * busySecs,
        idleCpu: idleRate * busySecs,
      };
    });
    return { flood, rows };
  } finally {
    await Promise.all(tools.map((t) => t.stop()));
  }
}

function missing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespace, packet capture)';
  for (const [cmd, arg] of [
    ['nethogs', '-V'],
    ['python3', '-V'],
    ['ip', '-V'],
  ] as const) {
    const r = spawnSync(cmd, [arg], { stdio: 'ignore' });
    if (r.error) return `${cmd} is not installed`;
  }
  return null;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The screen's runs as table rows (tool bwtop, run named after the rate). */
function screenRuns(r: ScreenResult): Run[] {
  return r.runs.map((s) => ({
    flood: s.flood,
    informational: s.rate.informational,
    rows: [{ run: s.rate.label, tool: 'bwtop', seen: s.seen, drops: s.drops, cpu: s.cpu, idleCpu: s.idleCpu }],
  }));
}

function version(cmd: string, arg: string): string {
  const r = spawnSync(cmd, [arg], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '?';
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (s: string, n: number) => s.padStart(n);

function printTable(runs: Run[]): void {
  console.log(
    pad('run', 10) +
      pad('tool', 9) +
      num('flood pps', 10) +
      num('sent', 9) +
      num('seen', 10) +
      num('missed', 8) +
      num('pcap drops', 12) +
      num('idle CPU s', 12) +
      num('CPU s', 8) +
      num('µs/packet', 11),
  );
  for (const { flood, rows } of runs) {
    for (const r of rows) {
      const approx = r.tool === 'nethogs' ? '≈' : '';
      console.log(
        pad(r.run, 10) +
          pad(r.tool, 9) +
          num(String(Math.round(flood.sent / flood.seconds)), 10) +
          num(String(flood.sent), 9) +
          num(approx + String(r.seen), 10) +
          num(approx + String(flood.sent - r.seen), 8) +
          num(r.drops === null ? 'n/a' : String(r.drops), 12) +
          num(r.idleCpu.toFixed(3), 12) +
          num(r.cpu.toFixed(3), 8) +
          num(((r.cpu / flood.sent) * 1e6).toFixed(3), 11),
      );
    }
  }
  console.log(
    'CPU s: utime+stime over the flood window minus "idle CPU s" (the idle rate over the same length); ' +
      'µs/packet = CPU s / packets sent. nethogs reports no drop count: its "seen" is its byte total / ' +
      `${14 + IP_PACKET_BYTES} (it counts the Ethernet header on lo), printed to 6 digits.`,
  );
}

/** bwtop's CPU per packet over nethogs', each from its own row (possibly different runs). */
function ratio(bw: Run, nh: Run): number {
  const per = (k: ToolKind, run: Run) => run.rows.find((r) => r.tool === k)!.cpu / run.flood.sent;
  return per('bwtop', bw) / per('nethogs', nh);
}

export async function bench(): Promise<void> {
  const why = missing();
  if (why) {
    console.log(`skipped: ${why}`);
    return;
  }
  const c = cpus();
  console.log(
    `machine: ${c.length} cores (${c[0]?.model.trim() ?? '?'}), node ${process.version}, ` +
      `nethogs ${version('nethogs', '-V')}, CLK_TCK ${clockTicks()}, ` +
      `load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  const ns = Netns.create();
  const onSignal = (): void => {
    killAllScreens();
    ns.delete();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  const runs: Run[] = [];
  let screen: ScreenResult | string = 'tmux is not installed';
  try {
    console.log(
      `flood: ${IP_PACKET_BYTES}-byte IP packets (UDP, 127.0.0.1 -> 127.0.0.1) in namespace ${ns.name}, ` +
        `${PPS} packets/s for ${FLOOD_SECS} s, then ${LINGER_SECS} s for backlogs to drain`,
    );
    runs.push(await measure(ns, 'together', ['bwtop', 'nethogs']));
    runs.push(await measure(ns, 'alone', ['bwtop']));
    runs.push(await measure(ns, 'alone', ['nethogs']));
    if (have('tmux')) {
      screen = await measureScreen(
        ns,
        [
          { label: 'screen', pps: PPS, informational: false },
          { label: 'screen 2x', pps: 2 * PPS, informational: true },
          // A terminal that stops reading must not stop capture (the screen skips frames instead).
          { label: 'tty stall', pps: PPS, informational: false, stallSecs: 3 },
        ],
        { idleSecs: IDLE_SECS, floodSecs: FLOOD_SECS, lingerSecs: LINGER_SECS },
      );
    }
  } finally {
    killAllScreens();
    process.removeListener('SIGINT', onSignal);
    ns.delete();
  }
  const [together, bwAlone, nhAlone] = runs as [Run, Run, Run];
  if (typeof screen !== 'string') runs.push(...screenRuns(screen));
  printTable(runs);
  if (typeof screen === 'string') console.log(`screen runs skipped: ${screen}`);
  else printTerminalTable(screen, { idle: IDLE_SECS, flood: FLOOD_SECS });
  const rt = ratio(together, together);
  console.log(
    `ratio bwtop / nethogs, CPU per packet: ${rt.toFixed(2)}x on the same flood, ` +
      `${ratio(bwAlone, nhAlone).toFixed(2)}x alone (goal <= ${GOAL.toFixed(1)}x, aim ${AIM}x)`,
  );
  const failures: string[] = [];
  const notes: string[] = [];
  for (const { flood, rows, informational } of runs) {
    for (const r of rows.filter((x) => x.tool === 'bwtop')) {
      if (informational) {
        if (r.drops !== 0 || r.seen !== flood.sent) notes.push(`${r.run}: ${r.drops} drops, ${r.seen} of ${flood.sent} packets counted`);
        continue;
      }
      if (r.drops !== 0) failures.push(`bwtop reported ${r.drops} pcap drops (${r.run})`);
      if (r.seen !== flood.sent) failures.push(`bwtop counted ${r.seen} of ${flood.sent} packets (${r.run})`);
    }
  }
  if (rt > GOAL) failures.push(`bwtop costs ${rt.toFixed(2)}x nethogs per packet`);
  if (notes.length > 0) console.log(`note (informational): ${notes.join('; ')}`);
  if (failures.length > 0) {
    process.exitCode = 1;
    console.log(`FAIL: ${failures.join('; ')}`);
  }
}
