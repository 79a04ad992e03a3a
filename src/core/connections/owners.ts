// Socket -> process join: one pass over every process's descriptors builds inode -> pids; process
// details are then read lazily, only for processes that hold a listed socket.
import type { ProcSource, ProcessInfo } from '../proc/types.js';

/** inode -> pids holding it, ascending. The arrays are shared between sockets: never modify one. */
export type OwnerMap = Map<number, readonly number[]>;

export interface OwnerScan {
  owners: OwnerMap;
  /** Processes whose descriptors could not be read (not ours, or gone): owners may be missing. */
  unreadable: number;
  /** Processes holding at least one socket of any kind, ascending as `pids` was. */
  withSockets: number[];
}

const NO_HOLDERS: readonly number[] = [];

/**
 * Reads every process's fd links once. A pid appears once per inode even if it holds it twice.
 * Most sockets have one holder, and one process may hold thousands: those sockets share one
 * array per pid instead of an array each (fewer allocations, fewer garbage collections).
 */
export function scanOwners(src: ProcSource, pids: readonly number[]): OwnerScan {
  return collect(pids, (pid) => src.readSocketInodes(pid));
}

/** Builds the scan from each pid's socket inodes in turn (null: unreadable). */
function collect(pids: readonly number[], inodesOf: (pid: number) => readonly number[] | null): OwnerScan {
  const owners: OwnerMap = new Map();
  const withSockets: number[] = [];
  let unreadable = 0;
  for (const pid of pids) {
    const inodes = inodesOf(pid);
    if (inodes === null) {
      unreadable++;
      continue;
    }
    if (inodes.length === 0) continue;
    withSockets.push(pid);
    const alone: readonly number[] = [pid];
    for (const inode of inodes) {
      const held = owners.get(inode);
      if (held === undefined) owners.set(inode, alone);
      else if (!held.includes(pid))
        owners.set(
          inode,
          [...held, pid].sort((a, b) => a - b),
        );
    }
  }
  return { owners, unreadable, withSockets };
}

/**
 * The same from one flat list (the native scan, src/adapters/fd-scan.ts): for each of `pids` in
 * order, its socket count (-1: unreadable), then its inodes.
 */
export function scanOwnersFlat(flat: Float64Array, pids: readonly number[]): OwnerScan {
  let at = 0;
  return collect(pids, () => {
    const n = flat[at++] ?? -1;
    if (n < 0) return null;
    const inodes = Array.from(flat.subarray(at, at + n));
    at += n;
    return inodes;
  });
}

/** What a scan says besides its owners, from the flat list alone (no map of every socket). */
export function scanSummary(flat: Float64Array, pids: readonly number[]): Omit<OwnerScan, 'owners'> {
  const withSockets: number[] = [];
  let unreadable = 0;
  let at = 0;
  for (const pid of pids) {
    const n = flat[at++] ?? -1;
    if (n < 0) unreadable++;
    else if (n > 0) withSockets.push(pid);
    at += Math.max(n, 0);
  }
  return { unreadable, withSockets };
}

export function holdersOf(owners: OwnerMap, inode: number): readonly number[] {
  if (inode === 0) return NO_HOLDERS; // TIME_WAIT and orphans: no process holds them
  return owners.get(inode) ?? NO_HOLDERS;
}

/** ProcessInfo by pid, read on first use and remembered (null once found gone). */
export function processLookup(src: ProcSource): (pid: number) => ProcessInfo | null {
  const seen = new Map<number, ProcessInfo | null>();
  return (pid) => {
    let info = seen.get(pid);
    if (info === undefined) {
      info = src.readProcess(pid);
      seen.set(pid, info);
    }
    return info;
  };
}
