// What is read of a young process besides its descriptors.
// With process events: its identity, just before a read of its descriptors. Short-lived clients
// (curl over loopback) often exit between the read that finds their socket and the read of their
// name after it; a name read just before, and checked against the process's stat at that moment,
// still names the program that held the socket. Read in full once per program (a stat read tells
// whether it is still the same: comm and start time), and only for young processes not named yet,
// so a `sleep` costs one small read per look.
// Without them: its stat, just after (readStatAfter).
import type { ProcSource } from '../proc/types.js';
import type { ProcessCensus } from './process-census.js';

export function readIdentityFirst(proc: ProcSource, census: ProcessCensus, pid: number, nowMs: number): void {
  if (!census.wantsIdentity(pid)) return;
  const had = census.identityOf(pid);
  if (had !== null) {
    const stat = proc.readStat?.(pid) ?? null;
    // Gone (or no stat to read): what was read stands until an exec event says otherwise.
    if (stat === null) return;
    if (stat.comm === had.info.name && stat.startTime === had.info.startTime) {
      had.atMs = nowMs; // still the program it was
      return;
    }
  }
  census.identified(pid, proc.readProcess(pid), proc.readNetNs(pid), nowMs);
}

/**
 * Without process events, its stat after a read of its descriptors: only that tells its parent,
 * an exec, or a reused pid (census-life.ts). False when it is gone already: what it held cannot
 * be told from what it inherited, so it proves nothing.
 */
export function readStatAfter(proc: ProcSource, census: ProcessCensus, pid: number, nowMs: number): boolean {
  if (!proc.readStat) return true;
  const stat = proc.readStat(pid);
  if (stat === null) {
    census.exited(pid, nowMs);
    return false;
  }
  census.sighted(pid, stat);
  return true;
}
