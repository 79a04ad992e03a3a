// The processes that own flows, keyed by pid + start time. Exited processes linger (dimmed on
// the screen, still in --json) for PROCESS_LINGER_MS of packet time, then are forgotten.
import type { ProcSource } from '../proc/types.js';
import { ProcessEntry, processKey } from './process-entry.js';

export const PROCESS_LINGER_MS = 10_000;

export class ProcessRegistry {
  readonly all = new Map<string, ProcessEntry>();
  private readonly liveByPid = new Map<number, ProcessEntry>();

  constructor(private readonly proc: ProcSource) {}

  /** The running process with this pid, read from procfs on first sight. */
  byPid(pid: number, nowMs: number): ProcessEntry {
    const known = this.liveByPid.get(pid);
    const start = this.proc.readStartTime(pid);
    if (known && (start === null || start === known.startTime)) return known;
    if (known) this.markExited(known, nowMs);
    const info = this.proc.readProcess(pid);
    let entry: ProcessEntry;
    if (info) {
      entry = this.all.get(processKey(pid, info.startTime)) ??
        new ProcessEntry(pid, info.startTime, info.name, info.cmdline, info.uid, info.user);
    } else {
      // Gone between finding its socket and reading its details: the pid is still the truth.
      entry = new ProcessEntry(pid, start ?? 0, '', '', -1, '');
      entry.exitedAtMs = nowMs;
    }
    this.all.set(entry.key, entry);
    if (!entry.exitedAtMs) this.liveByPid.set(pid, entry);
    return entry;
  }

  /**
   * Re-read name and command line: a process first read just after fork (by the search for
   * new processes) may have exec'd since — `ip netns exec ... curl` becomes curl.
   */
  refresh(entry: ProcessEntry): void {
    if (entry.exitedAtMs) return;
    const info = this.proc.readProcess(entry.pid);
    if (!info || info.startTime !== entry.startTime) return;
    entry.name = info.name;
    // A zombie (exited, not yet reaped) reads an empty command line: keep the one it had.
    if (info.cmdline !== '') entry.cmdline = info.cmdline;
    entry.uid = info.uid;
    entry.user = info.user;
  }

  markExited(entry: ProcessEntry, nowMs: number): void {
    if (!entry.exitedAtMs) entry.exitedAtMs = nowMs;
    if (this.liveByPid.get(entry.pid) === entry) this.liveByPid.delete(entry.pid);
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
      if (entry.exitedAtMs && nowMs - entry.exitedAtMs >= PROCESS_LINGER_MS) {
        this.all.delete(key);
        out.push(entry);
      }
    }
    return out;
  }
}
