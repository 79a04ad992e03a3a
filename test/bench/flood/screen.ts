// The flood again, now with bwtop's interactive screen drawing in a real terminal (tmux, 120x40)
// instead of --json: does rendering hold capture up? One screen session serves every rate: an
// idle window first (its CPU rate, and the bytes an idle refresh writes), then one flood per rate.
// Packets and drops are read off the screen's own header before each flood and once the count has
// stopped changing after it. The terminal output is copied only while packets are being sent, and
// its draws are timed by watching the copy grow: a gap well over the 1 s refresh between two draws
// means bwtop's event loop (which also empties the capture ring) was held up. A rate may also
// stall the terminal for a while during its flood (TmuxScreen.stallTerminal), as a stalled SSH
// link would.
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds } from './cpu.js';
import { startFlood, type FloodResult } from './generator.js';
import type { Netns } from './netns.js';
import { countDraws, fileSize, TmuxScreen } from './tmux-screen.js';

export interface ScreenRate {
  label: string;
  pps: number;
  /** Printed but never failing the bench. */
  informational: boolean;
  /** The terminal stops reading for this long, from 0.5 s into the flood. */
  stallSecs?: number;
}

export interface TerminalOutput {
  draws: number;
  bytes: number;
  /** Longest time without a draw starting, window edges included, in ms (±20 ms); ~1000 at -d 1. */
  maxGapMs: number;
}

export interface ScreenRun {
  rate: ScreenRate;
  flood: FloodResult;
  seen: number;
  drops: number;
  cpu: number;
  idleCpu: number;
  output: TerminalOutput;
  /** With a stall: bytes that filled the pty buffer, and where bwtop's main thread then waited. */
  stall?: { fillBytes: number; kernelWait: string };
}

export interface ScreenResult {
  term: string;
  idle: TerminalOutput;
  runs: ScreenRun[];
  /** bwtop's exit status after `q` (null: it did not exit). */
  quitStatus: number | null;
}

export interface ScreenTimes {
  idleSecs: number;
  floodSecs: number;
  lingerSecs: number;
}

/** Polls a growing copy file; growth after a quiet spell of over 150 ms starts a new draw. */
class DrawClock {
  private starts: number[] = [performance.now()];
  private lastGrowth = -Infinity;
  private size = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly file: string) {
    this.timer = setInterval(() => this.poll(), 20);
  }

  private poll(): void {
    const size = fileSize(this.file);
    if (size === this.size) return;
    const now = performance.now();
    if (now - this.lastGrowth > 150) this.starts.push(now);
    this.lastGrowth = now;
    this.size = size;
  }

  stop(): TerminalOutput {
    clearInterval(this.timer);
    this.poll();
    this.starts.push(performance.now());
    let maxGapMs = 0;
    for (let i = 1; i < this.starts.length; i++) maxGapMs = Math.max(maxGapMs, this.starts[i]! - this.starts[i - 1]!);
    return { draws: countDraws(this.file), bytes: fileSize(this.file), maxGapMs };
  }
}

/** Copies the screen's output for `ms`, timing its draws. */
async function copyFor(screen: TmuxScreen, name: string, ms: number): Promise<TerminalOutput> {
  const clock = new DrawClock(screen.startCopy(name));
  await sleep(ms);
  screen.stopCopy();
  await sleep(50); // what tmux read just before is still on its way through cat
  return clock.stop();
}

export async function measureScreen(ns: Netns, rates: ScreenRate[], t: ScreenTimes): Promise<ScreenResult> {
  const screen = await TmuxScreen.start(ns);
  try {
    await sleep(1100); // one more refresh: past the first full draw
    const idle0 = cpuSeconds(screen.pid);
    const tIdle0 = performance.now();
    const idle = await copyFor(screen, 'idle.out', t.idleSecs * 1000);
    const idleRate = (cpuSeconds(screen.pid) - idle0) / ((performance.now() - tIdle0) / 1000);
    const runs: ScreenRun[] = [];
    for (const rate of rates) {
      const before = await screen.settledCounts();
      const busy0 = cpuSeconds(screen.pid);
      const tBusy0 = performance.now();
      const flood = startFlood(ns, rate.pps, t.floodSecs, t.lingerSecs).done;
      const stalled = rate.stallSecs ? stallDuring(screen, rate.stallSecs) : undefined;
      // Awaited in order below; a rejection meanwhile must not count as unhandled.
      void flood.catch(() => {});
      void stalled?.catch(() => {});
      const output = await copyFor(screen, `${runs.length}.out`, t.floodSecs * 1000);
      const stall = await stalled;
      if (stall) output.bytes -= stall.fillBytes; // the fill went through the copy too
      const result = await flood;
      const busy1 = cpuSeconds(screen.pid);
      const busySecs = (performance.now() - tBusy0) / 1000;
      if (Number.isNaN(busy1)) throw new Error(`bwtop's screen exited during the flood: ${screen.text().trim()}`);
      const after = await screen.settledCounts();
      runs.push({
        rate,
        flood: result,
        seen: after.packets - before.packets,
        drops: after.dropped - before.dropped,
        cpu: busy1 - busy0 - idleRate * busySecs,
        idleCpu: idleRate * busySecs,
        output,
        stall,
      });
    }
    const term = screen.term();
    const quitStatus = await screen.quit();
    return { term, idle, runs, quitStatus };
  } finally {
    screen.kill();
  }
}

/** From 0.5 s into the flood, the terminal stops reading for `secs`. */
async function stallDuring(screen: TmuxScreen, secs: number): Promise<{ fillBytes: number; kernelWait: string }> {
  await sleep(500);
  try {
    const fillBytes = screen.stallTerminal();
    await sleep(1000); // bwtop's next refresh writes into the full buffer
    const kernelWait = screen.kernelWait();
    await sleep(secs * 1000 - 1000);
    return { fillBytes, kernelWait };
  } finally {
    screen.resumeTerminal();
  }
}

const num = (s: string, n: number): string => s.padStart(n);

/** The terminal side of each run: draws, bytes per draw, the longest gap between draws. */
export function printTerminalTable(r: ScreenResult, secs: { idle: number; flood: number }): void {
  console.log(
    `bwtop's screen in tmux (TERM=${r.term}, 120x40, -d 1): output copied with pipe-pane; ` +
      `a draw is one blessed render that wrote something (it starts with ESC 7); ` +
      `max quiet: the longest time without a draw starting (window edges included; 1 s refresh)`,
  );
  console.log('window'.padEnd(22) + num('secs', 5) + num('draws', 7) + num('bytes', 9) + num('bytes/draw', 12) + num('max quiet ms', 14));
  const row = (name: string, s: number, o: TerminalOutput): void =>
    console.log(
      name.padEnd(22) +
        num(String(s), 5) +
        num(String(o.draws), 7) +
        num(String(o.bytes), 9) +
        num(o.draws > 0 ? (o.bytes / o.draws).toFixed(0) : 'n/a', 12) +
        num(o.draws > 0 ? o.maxGapMs.toFixed(0) : 'n/a', 14),
    );
  row('idle', secs.idle, r.idle);
  for (const run of r.runs) row(`${run.rate.label} (sending)`, secs.flood, run.output);
  for (const run of r.runs) {
    if (!run.stall) continue;
    console.log(
      `${run.rate.label}: the terminal stopped reading for ${run.rate.stallSecs} s from 0.5 s into the flood ` +
        `(tmux server stopped, pty buffer filled with ${run.stall.fillBytes} NUL bytes, not counted above); ` +
        `bwtop's main thread then waited in: ` +
        `${run.stall.kernelWait || 'unknown'}`,
    );
  }
  if (r.quitStatus !== 0)
    console.log(`note: bwtop's screen ${r.quitStatus === null ? 'did not exit on q' : `exited ${r.quitStatus} on q`}`);
}
