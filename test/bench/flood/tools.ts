// The two capturing tools under test, each started inside the namespace on lo with a 1 s
// refresh, and read back from their own output: bwtop's `--json` lines (capture.packets and
// capture.dropped), nethogs' trace-mode blocks with totals in bytes (-v 2).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Netns } from './netns.js';
import { IP_PACKET_BYTES } from './generator.js';

const BWTOP_MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
/** nethogs counts pcap's frame length: on lo the 14-byte Ethernet header is included. */
const NETHOGS_FRAME_BYTES = 14 + IP_PACKET_BYTES;

export interface Tool {
  readonly name: string;
  readonly pid: number;
  /** Packets the tool has accounted since it started, as its last complete refresh says. */
  packets(): number;
  /** Capture drops the tool reports, or null when it reports none. */
  drops(): number | null;
  /** Resolves after `n` more refreshes are printed; rejects if they take over `n * 5` s. */
  refreshes(n: number): Promise<void>;
  stop(): Promise<void>;
}

abstract class OutputTool implements Tool {
  readonly pid: number;
  protected readonly child: ChildProcess;
  private count = 0;
  private waiters: Array<{ at: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private exited: Error | null = null;
  private stderr = '';

  constructor(
    readonly name: string,
    ns: Netns,
    cmd: string,
    args: string[],
  ) {
    const [c, a] = ns.wrap(cmd, args);
    this.child = spawn(c, a, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid!;
    let partial = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) this.line(l);
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.once('exit', (code, sig) => {
      this.exited = new Error(`${name} exited (${code ?? sig}): ${this.stderr.trim().split('\n')[0] ?? ''}`);
      for (const w of this.waiters) w.reject(this.exited);
      this.waiters = [];
    });
  }

  abstract packets(): number;
  abstract drops(): number | null;
  protected abstract line(text: string): void;

  protected refreshed(): void {
    this.count++;
    this.waiters = this.waiters.filter((w) => {
      if (w.at > this.count) return true;
      w.resolve();
      return false;
    });
  }

  refreshes(n: number): Promise<void> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} printed no refresh for ${n * 5} s`)), n * 5000);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const fail = (e: Error): void => {
        clearTimeout(timer);
        reject(e);
      };
      this.waiters.push({ at: this.count + n, resolve: done, reject: fail });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

/** `bwtop --json -i lo -d 1`; BWTOP_FLOOD_CPU_PROF=DIR adds node's --cpu-prof into DIR. */
export class Bwtop extends OutputTool {
  private last = { packets: 0, dropped: 0 };

  constructor(ns: Netns) {
    const prof = process.env.BWTOP_FLOOD_CPU_PROF;
    const flags = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
    super('bwtop', ns, process.execPath, [...flags, BWTOP_MAIN, '--json', '-i', 'lo', '-d', '1']);
  }

  protected line(text: string): void {
    if (!text.startsWith('{')) return;
    const j = JSON.parse(text) as { capture: { packets: number; dropped: number } };
    this.last = { packets: j.capture.packets, dropped: j.capture.dropped };
    this.refreshed();
  }

  packets(): number {
    return this.last.packets;
  }

  drops(): number {
    return this.last.dropped;
  }
}

/**
 * `nethogs -a -t -C -v 2 -d 1 lo`: -a because nethogs skips loopback otherwise, -t trace mode,
 * -C TCP and UDP, -v 2 totals in bytes. A block ("Refreshing:" then one row per process,
 * `name/pid/uid<TAB>sent<TAB>received`) is complete when the next one starts. Totals are printed
 * with 6 significant digits, so its packet count is approximate (±2 packets per 100,000).
 */
export class Nethogs extends OutputTool {
  private blockBytes = -1;
  private lastBytes = 0;

  constructor(ns: Netns) {
    super('nethogs', ns, 'nethogs', ['-a', '-t', '-C', '-v', '2', '-d', '1', 'lo']);
  }

  protected line(text: string): void {
    if (text.startsWith('Refreshing:')) {
      if (this.blockBytes >= 0) {
        this.lastBytes = this.blockBytes;
        this.refreshed();
      }
      this.blockBytes = 0;
      return;
    }
    const f = text.split('\t');
    if (f.length === 3 && this.blockBytes >= 0) this.blockBytes += Number(f[1]) + Number(f[2]);
  }

  packets(): number {
    return Math.round(this.lastBytes / NETHOGS_FRAME_BYTES);
  }

  drops(): null {
    return null;
  }
}

export type ToolKind = 'bwtop' | 'nethogs';

export function startTool(kind: ToolKind, ns: Netns): Tool {
  return kind === 'bwtop' ? new Bwtop(ns) : new Nethogs(ns);
}
