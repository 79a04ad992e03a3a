// The processes that own flows, keyed by pid + start time, and the program entries for bytes
// whose pid the evidence does not decide. Exited processes linger (dimmed on the screen, still in
// --json) for PROCESS_LINGER_MS of packet time, then are forgotten. A process whose identity
// could not be read before it vanished gets no entry at all: a row never has an empty name.
import type { ProcSource, ProcessInfo } from '../proc/types.js';
import { ProcessEntry, netnsInode, processKey } from './process-entry.js';

export const PROCESS_LINGER_MS = 10_000;
/** Candidate pids a program entry lists, the latest kept. */
const MAX_PROGRAM_PIDS = 64;

export class ProcessRegistry {
  readonly all = new Map<string, ProcessEntry>();
  private readonly liveByPid = new Map<number, ProcessEntry>();
  /** The last entry seen for each pid, alive or exited (candidates of a vanished flow may have exited). */
  private readonly lastByPid = new Map<number, ProcessEntry>();

  constructor(private readonly proc: ProcSource) {}

  /** The running process with this pid, read from procfs on first sight; null when unreadable. */
  byPid(pid: number, nowMs: number): ProcessEntry | null {
    const known = this.liveByPid.get(pid);
    const start = this.proc.readStartTime(pid);
    if (known && (start === null || start === known.startTime)) return known;
    if (known) this.markExited(known, nowMs);
    const info = this.proc.readProcess(pid);
    return info && this.enter(info, this.proc.readNetNs(pid));
  }

  /**
   * The entry of a process whose identity (and namespace link) was read already: a young
   * process's, read before the read of its descriptors that found its socket, when it has
   * exited before it could be read again.
   */
  enter(info: ProcessInfo, netnsLink: string | null): ProcessEntry {
    const key = processKey(info.pid, info.startTime);
    const entry = this.all.get(key) ?? this.place(new ProcessEntry(info.pid, info.startTime, info, netnsInode(netnsLink)));
    this.all.set(key, entry);
    this.lastByPid.set(info.pid, entry);
    if (!entry.exitedAtMs) this.liveByPid.set(info.pid, entry);
    return entry;
  }

  /**
   * The running process with this pid with its identity read now: first sight, or read again
   * (it may have exec'd since). Null when it could not be read (gone).
   */
  readNow(pid: number, nowMs: number): ProcessEntry | null {
    const known = this.liveByPid.get(pid);
    const e = this.byPid(pid, nowMs);
    if (e === null) return null;
    return e !== known || this.refresh(e) ? e : null;
  }

  /** Container and unit, read once with the identity: a process never moves. */
  private place(entry: ProcessEntry): ProcessEntry {
    const p = this.proc.readPlacement?.(entry.pid, entry.startTime, entry.netns);
    if (p) {
      entry.container = p.container;
      entry.unit = p.unit;
    }
    return entry;
  }

  /** The last process known under this pid, running or not. */
  lastOf(pid: number): ProcessEntry | undefined {
    return this.liveByPid.get(pid) ?? this.lastByPid.get(pid);
  }

  /**
   * Re-read name and command line: a process first read just after fork may have exec'd since
   * (`ip netns exec ... curl` becomes curl). False when it could not be read: gone, or a program entry.
   */
  refresh(entry: ProcessEntry): boolean {
    if (entry.exitedAtMs || entry.pids) return false;
    const info = this.proc.readProcess(entry.pid);
    if (!info || info.startTime !== entry.startTime) return false;
    entry.name = info.name;
    // A zombie (exited, not yet reaped) reads an empty command line and no exe: keep what it had.
    if (info.cmdline !== '') entry.cmdline = info.cmdline;
    if (info.exe !== '') entry.exe = info.exe;
    entry.uid = info.uid;
    entry.user = info.user;
    entry.ppid = info.ppid;
    return true;
  }

  /** The program entry for bytes of one of `members` (all of one program), made on first use. */
  program(members: readonly ProcessEntry[]): ProcessEntry {
    const first = members[0]!;
    const key = `program:${first.programKey}`;
    let entry = this.all.get(key);
    if (!entry) {
      entry = new ProcessEntry(-1, 0, first, first.netns, []);
      entry.container = first.container;
      entry.unit = first.unit;
      this.all.set(key, entry);
    }
    const pids = entry.pids!;
    for (const m of members) if (!pids.includes(m.pid)) pids.push(m.pid);
    // A program that runs all day (a cron job every second) keeps its row: keep its latest pids.
    if (pids.length > MAX_PROGRAM_PIDS) pids.splice(0, pids.length - MAX_PROGRAM_PIDS);
    entry.exitedAtMs = 0;
    return entry;
  }

  markExited(entry: ProcessEntry, nowMs: number): void {
    if (!entry.exitedAtMs) entry.exitedAtMs = nowMs;
    if (this.liveByPid.get(entry.pid) === entry) this.liveByPid.delete(entry.pid);
  }

  /** A process exit the kernel reported. */
  exited(pid: number, nowMs: number): void {
    const e = this.liveByPid.get(pid);
    if (e) this.markExited(e, nowMs);
  }

  /** Check every running process is still the same; returns the pids found gone. */
  checkLiveness(nowMs: number): number[] {
    const gone: number[] = [];
    for (const entry of this.liveByPid.values()) {
      if (this.proc.readStartTime(entry.pid) !== entry.startTime) {
        this.markExited(entry, nowMs);
        gone.push(entry.pid);
      }
    }
    return gone;
  }

  /** Forget processes that exited long enough ago. Returns them so their flows can go too. */
  expire(nowMs: number): ProcessEntry[] {
    const out: ProcessEntry[] = [];
    for (const [key, entry] of this.all) {
      // A program entry idle for the linger time goes the same way.
      if (entry.pids && entry.flows.size === 0 && !entry.exitedAtMs) entry.exitedAtMs = nowMs;
      if (entry.exitedAtMs && nowMs - entry.exitedAtMs >= PROCESS_LINGER_MS) {
        this.all.delete(key);
        if (this.lastByPid.get(entry.pid) === entry) this.lastByPid.delete(entry.pid);
        out.push(entry);
      }
    }
    return out;
  }
}
