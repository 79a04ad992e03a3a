// Holders of listed sockets that no traffic led to. The resolver finds a socket's holder when a
// packet of it is seen; a list of every socket (the exporter's /connections) also shows sockets
// that carried no captured traffic: a listener nobody connected to yet, or a connection over
// another namespace's own loopback (never captured). After each read of every row, a socket with
// no known holder is searched for, cheapest first:
// - the young processes (those born in the last seconds: most new sockets are theirs);
// - the processes likely to hold it: those known to live in its namespace (another namespace's
//   socket), or the holder of the listener on its local port (an accepted connection);
// - then every process's descriptors (a full scan, in bounded steps), at most every
//   OWNER_SCAN_GAP_MS, and once per socket: one that a whole scan started after it was first
//   seen did not find stays without holder (a socket no process holds, such as a kernel's).
import type { SocketEntry } from '../proc/types.js';
import { NEWEST_PIDS, RESCAN_AFTER_MS } from './likely-owner.js';
import type { OwnerFinder } from './owner-finder.js';
import { ALL_TABLES, joinAddr, tableOf, type SocketTables } from './socket-index.js';

/** Full scans for sockets without a known holder start at most this often. */
export const OWNER_SCAN_GAP_MS = 30_000;

/** One namespace's tables, and the processes known to live in it (empty for bwtop's own). */
export interface SearchSpace {
  tables: SocketTables;
  pids: readonly number[];
}

export class OwnerSearch {
  /** Socket inode -> the full-scan count a scan must exceed to have looked for it. */
  private readonly waiting = new Map<number, number>();
  /** Searched by a whole scan in vain: not searched again while it lives. */
  private readonly vain = new Set<number>();
  /** Sockets whose likely holders were read already. */
  private readonly tried = new Set<number>();
  private lastScanMs = -Infinity;
  /** Full scans started, for tests. */
  scansStarted = 0;

  constructor(private readonly owners: OwnerFinder) {}

  /** After a read of every row of `spaces`: look for the holders of sockets that have none. */
  run(spaces: readonly SearchSpace[], nowMs: number): void {
    const owners = this.owners;
    let orphans = this.orphans(spaces);
    if (orphans.length > 0) {
      owners.scanYoung(NEWEST_PIDS, new Set(), nowMs, RESCAN_AFTER_MS);
      orphans = orphans.filter(([, e]) => owners.holdersOf(e.inode).length === 0);
    }
    const read = new Set<number>();
    for (const [space, e] of orphans) {
      if (this.tried.has(e.inode)) continue;
      this.tried.add(e.inode);
      for (const pid of this.likely(space, e)) {
        if (read.has(pid)) continue;
        read.add(pid);
        owners.scanPid(pid, nowMs);
      }
    }
    const scans = owners.fullScansDone + (owners.scanning ? 1 : 0);
    let wanted = false;
    for (const [, e] of orphans) {
      if (owners.holdersOf(e.inode).length > 0) continue;
      const since = this.waiting.get(e.inode);
      if (since === undefined) this.waiting.set(e.inode, scans);
      else if (owners.fullScansDone > since) {
        this.waiting.delete(e.inode);
        this.vain.add(e.inode);
        continue;
      }
      wanted = true;
    }
    if (wanted && !owners.scanning && nowMs - this.lastScanMs >= OWNER_SCAN_GAP_MS) {
      this.lastScanMs = nowMs;
      this.scansStarted++;
      owners.startFullScan();
    }
    this.prune(spaces);
  }

  /** Listed sockets (inode known) without a known holder, not given up on. */
  private orphans(spaces: readonly SearchSpace[]): Array<[SearchSpace, SocketEntry]> {
    const out: Array<[SearchSpace, SocketEntry]> = [];
    for (const space of spaces) {
      for (const t of ALL_TABLES) {
        for (const e of space.tables.rowsOf(t)) {
          if (e.inode !== 0 && !this.vain.has(e.inode) && this.owners.holdersOf(e.inode).length === 0) out.push([space, e]);
        }
      }
    }
    return out;
  }

  /** The processes likely to hold a socket: its namespace's, else its listener's holders. */
  private likely(space: SearchSpace, e: SocketEntry): readonly number[] {
    if (space.pids.length > 0) return space.pids;
    if (e.proto !== 'tcp' || e.state === 'LISTEN') return [];
    const l = space.tables.findBound([tableOf(e)], 'tcp', e.family, joinAddr(e.localAddr), e.localPort);
    return l && l.entry.state === 'LISTEN' ? this.owners.holdersOf(l.entry.inode) : [];
  }

  /** Forget sockets no longer in any table, so the sets stay bounded. */
  private prune(spaces: readonly SearchSpace[]): void {
    if (this.waiting.size + this.vain.size + this.tried.size === 0) return;
    const live = (ino: number): boolean => spaces.some((s) => s.tables.hasInode(ino));
    for (const ino of this.waiting.keys()) if (!live(ino)) this.waiting.delete(ino);
    for (const ino of this.vain) if (!live(ino)) this.vain.delete(ino);
    for (const ino of this.tried) if (!live(ino)) this.tried.delete(ino);
  }
}
