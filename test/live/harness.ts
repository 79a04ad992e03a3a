// Shared pieces of the live tests: root check, tcpdump as the byte reference, bwtop --json as a
// child process, and the IP lengths of a capture file as tcpdump itself reports them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = process.getuid?.() === 0;
export const SKIP = ROOT ? false : 'live capture needs root (CI runs as root); skipped';
export const BWTOP = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

// Whatever a test made is undone when its process ends, pass or fail (node --test runs each
// file in a process of its own): temporary folders removed, children ended, namespaces deleted.
const temporary: string[] = [];
const namespaces = new Set<string>();
process.once('exit', () => {
  killAll();
  for (const name of namespaces) spawnSync('ip', ['netns', 'del', name]);
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});
// A test run stopped from outside (Ctrl-C, a timeout's SIGTERM) cleans up too: exit runs the above.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(128 + constants.signals[signal]));

/** A temporary folder of the test's own, removed when the test process ends. */
export function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

export type Netns = ReturnType<typeof createNetns>;

/** The command line that runs `cmd` inside `ns` (or as is, without one). */
export function inNs(ns: Netns | undefined, cmd: string, args: string[]): [string, string[]] {
  return ns ? ns.run(cmd, args) : [cmd, args];
}

const spawned = new Set<ChildProcess>();

/** Remember a child so killAll() ends it whatever happens to the test. */
export function track<T extends ChildProcess>(child: T): T {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  return child;
}

export function killAll(): void {
  for (const c of spawned) c.kill('SIGKILL');
  spawned.clear();
}

/**
 * A network namespace of the test's own, with lo up: its socket tables hold only the test's
 * sockets, and nothing else on the host can disturb (or be disturbed by) the traffic.
 */
export function createNetns(prefix: string): {
  name: string;
  run: (cmd: string, args: string[]) => [string, string[]];
  remove: () => void;
} {
  const name = `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const ip = (...a: string[]): void => {
    const r = spawnSync('ip', a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${a.join(' ')}: ${r.stderr}`);
  };
  ip('netns', 'add', name);
  namespaces.add(name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  return {
    name,
    // `ip netns exec` execs the command, so the spawned pid is the command's pid.
    run: (cmd, args) => ['ip', ['netns', 'exec', name, cmd, ...args]],
    remove: () => {
      spawnSync('ip', ['netns', 'del', name]);
      namespaces.delete(name);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Wait until `pattern` appears on the child's stream (or it exits / times out). */
export function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const s = child[stream]!;
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} (got: ${seen.slice(-500)})`)), timeoutMs);
    const on = (d: Buffer): void => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        s.off('data', on);
        resolve(seen);
      }
    };
    s.on('data', on);
    child.once('exit', () => {
      clearTimeout(timer);
      if (!pattern.test(seen)) reject(new Error(`exited before ${pattern}: ${seen.slice(-500)}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));
}

/** tcpdump writing `port` traffic on `iface` (lo by default) to a file; resolves once it is listening. */
export async function startTcpdump(file: string, filter: string, ns?: Netns, iface = 'lo'): Promise<ChildProcess> {
  const [cmd, args] = inNs(ns, 'tcpdump', ['-i', iface, '-n', '-s', '128', '-B', '65536', '--immediate-mode', '-w', file, filter]);
  const td = track(spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  await waitFor(td, 'stderr', /listening on/);
  return td;
}

/** Stop tcpdump; the reference is only good if the kernel dropped nothing. */
export async function stopTcpdump(td: ChildProcess): Promise<void> {
  await sleep(300);
  let err = '';
  td.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  td.kill('SIGINT');
  await exited(td);
  const drops = /(\d+) packets? dropped by kernel/.exec(err);
  if (drops && drops[1] !== '0') throw new Error(`tcpdump dropped ${drops[1]} packets; the reference is incomplete`);
}

export interface IpPacket {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  len: number;
}

/** Every IP packet of a capture with its IP length, as `tcpdump -v` prints it. */
export function tcpdumpPackets(file: string): IpPacket[] {
  const r = spawnSync('tcpdump', ['-r', file, '-n', '-v', '-tt'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const out: IpPacket[] = [];
  const lines = r.stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    let len: number | null = null;
    const v4 = /proto \w+ \(\d+\), length (\d+)\)/.exec(l);
    const v6 = /payload length: (\d+)\)/.exec(l);
    if (v4) len = Number(v4[1]);
    else if (v6) len = 40 + Number(v6[1]);
    if (len === null) continue;
    // The endpoints are on the same line (IPv6) or the next one (IPv4 with -v).
    const ep = /\s([\da-f:.]+)\.(\d+) > ([\da-f:.]+)\.(\d+):/.exec(v6 ? l : (lines[i + 1] ?? ''));
    if (!ep) continue;
    out.push({ src: ep[1]!, sport: Number(ep[2]), dst: ep[3]!, dport: Number(ep[4]), len });
  }
  return out;
}

export interface JsonProcess {
  pid: number;
  name: string;
  sent_total: number;
  received_total: number;
  connections: { proto: string; local: string; remote: string; sent_total: number; received_total: number }[];
}

/** bwtop --json as a child; `lines()` gives every parsed line so far. */
/** What bwtop says once on stderr when run inside a namespace the test made (no process events there). */
export const NO_EVENTS = /^bwtop: cannot subscribe to the kernel's process events: /;

export async function startBwtop(
  args: string[],
  ns?: Netns,
  stderrOk: RegExp | null = ns ? NO_EVENTS : null,
): Promise<{ child: ChildProcess; lines: () => { processes: JsonProcess[]; [k: string]: unknown }[] }> {
  const [cmd, cargs] = inNs(ns, process.execPath, [BWTOP, '--json', ...args]);
  const child = track(spawn(cmd, cargs, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => (buf += d.toString()));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await waitFor(child, 'stdout', /\n/);
  return {
    child,
    lines: () => {
      if (err && !(stderrOk && err.split('\n').every((l) => l === '' || stderrOk.test(l))))
        throw new Error(`bwtop wrote to stderr: ${err}`);
      // Whole lines only: a line of many processes goes out in 64 KiB pieces, and one may be
      // half-read when this is called.
      return buf
        .slice(0, buf.lastIndexOf('\n') + 1)
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l));
    },
  };
}

export function within(actual: number, expected: number, fraction: number): boolean {
  return Math.abs(actual - expected) <= expected * fraction;
}
