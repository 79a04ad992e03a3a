// Socket -> process join: one pass over every process's descriptors builds inode -> pids; process
// details are then read lazily, only for processes that hold a listed socket.
import type { ProcSource, ProcessInfo } from '../proc/types.js';

/** inode -> pids holding it, ascending. */
export type OwnerMap = Map<number, number[]>;

export interface OwnerScan {
  owners: OwnerMap;
  /** Processes whose descriptors could not be read (not ours, or gone): owners may be missing. */
  unreadable: number;
}

const NO_HOLDERS: readonly number[] = [];

/** Reads every process's fd links once. A pid appears once per inode even if it holds it twice. */
export function scanOwners(src: ProcSource, pids: readonly number[]): OwnerScan {
  const owners: OwnerMap = new Map();
  let unreadable = 0;
  for (const pid of pids) {
    const inodes = src.readSocketInodes(pid);
    if (inodes === null) {
      unreadable++;
      continue;
    }
    for (const inode of inodes) {
      const held = owners.get(inode);
      if (held === undefined) owners.set(inode, [pid]);
      else if (!held.includes(pid)) {
        held.push(pid);
        if (held.length > 1 && held[held.length - 2]! > pid) held.sort((a, b) => a - b);
      }
    }
  }
  return { owners, unreadable };
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
