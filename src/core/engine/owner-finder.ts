// Socket inode -> the processes holding it, learned by reading /proc/PID/fd. A miss is searched
// where the owner is likely first (a given pid such as the listener's owner; the young processes,
// since a new connection usually comes from a new process), and only then by a full scan that
// proceeds in bounded steps so capture and the screen keep running.
import type { ProcSource } from '../proc/types.js';
import { parseOtherSocketInodes } from '../proc/procText.js';
import { HolderRanks } from './holder-ranks.js';
import { ProcessCensus } from './process-census.js';
import { netnsInode } from './process-entry.js';
import { readIdentityFirst, readStatAfter } from './young-identity.js';

export class OwnerFinder {
  private readonly holders = new Map<number, number[]>();
  private readonly pidInodes = new Map<number, readonly number[]>();
  /** When each pid's descriptors were last read (caller's clock). */
  private readonly scannedAt = new Map<number, number>();
  /** Start time, comm and parent of holders of shared sockets, read when a choice is needed. */
  private readonly ranks: HolderRanks;
  private fullScan: number[] | null = null;
  /** Bumped when a full scan completes; flows waiting for one compare against it. */
  fullScansDone = 0;
  readonly census = new ProcessCensus();
  /** Called when a young process is first seen with a socket of its own (its details are read then). */
  onYoungRead: (pid: number, nowMs: number) => void = () => {};
  /** When the newest pids were last listed (polling mode): a pid first seen later was born after. */
  private lastListingMs = -Infinity;
  /** Process events are arriving: young processes are known from them, not from listings. */
  eventsActive = false;

  /** Our own network namespace: a young process elsewhere proves only flows of its own. */
  private readonly ownNetNs: string | null;
  /** Its inode (null: unknown). */
  readonly ownNetnsInode: number | null;

  constructor(readonly proc: ProcSource) {
    this.ownNetNs = proc.readNetNs('self');
    this.ownNetnsInode = netnsInode(this.ownNetNs);
    this.ranks = new HolderRanks(proc);
  }

  /**
   * The process a socket is credited to: its only holder; of several, the one that started
   * first (a shell's connection inherited by each child it starts stays the shell's, also after
   * pid numbers wrap), passing over pid 1 and service managers that only hand sockets on.
   */
  lookup(inode: number): number | undefined {
    const hs = this.holders.get(inode);
    if (!hs || hs.length === 0) return undefined;
    return hs.length === 1 ? hs[0] : this.ranks.first(hs);
  }

  /** Every process seen holding the inode. */
  holdersOf(inode: number): readonly number[] {
    return this.holders.get(inode) ?? [];
  }

  /** Record that pid holds the inode (seen by a read other than scanPid: young-sockets.ts). */
  addHolding(pid: number, inode: number): void {
    const held = this.pidInodes.get(pid) ?? [];
    if (!held.includes(inode)) this.pidInodes.set(pid, [...held, inode]);
    const hs = this.holders.get(inode);
    if (!hs) this.holders.set(inode, [pid]);
    else if (!hs.includes(pid)) hs.push(pid);
  }

  /** Read one process's sockets into the map. False when it has vanished. */
  scanPid(pid: number, nowMs = 0): boolean {
    if (this.eventsActive) readIdentityFirst(this.proc, this.census, pid, nowMs);
    const inodes = this.proc.readSocketInodes(pid);
    this.forgetPid(pid);
    if (!inodes) {
      if (!this.eventsActive) this.census.exited(pid, nowMs);
      return false;
    }
    this.scannedAt.set(pid, nowMs);
    this.pidInodes.set(pid, inodes);
    for (const ino of inodes) {
      const hs = this.holders.get(ino);
      if (!hs) this.holders.set(ino, [pid]);
      else if (!hs.includes(pid)) hs.push(pid);
    }
    // Until the first full scan is done, every process counts as one that was already there.
    if (this.fullScansDone === 0 && !this.eventsActive) this.census.markOld(pid);
    else if (this.census.isFollowed(pid)) this.followRead(pid, inodes, nowMs);
    return true;
  }

  private followRead(pid: number, inodes: readonly number[], nowMs: number): void {
    if (!this.eventsActive && !readStatAfter(this.proc, this.census, pid, nowMs)) return;
    const ppid = this.census.parentOf(pid);
    // The parent must have been read since this process began, or a socket it opened just
    // before the fork would look like the child's own.
    if (ppid > 0 && inodes.length > 0 && (this.scannedAt.get(ppid) ?? -Infinity) < this.census.bornAt(pid)) {
      this.scanPid(ppid, nowMs);
    }
    const parentHeld = this.pidInodes.get(ppid) ?? [];
    const netns = this.netnsOf(pid);
    const unclassified = this.census.record(pid, inodes, nowMs, (ino) => parentHeld.includes(ino), netns);
    if (unclassified.length > 0) this.classify(unclassified, netns === 0 ? null : pid);
    if (this.census.needsName(pid)) this.onYoungRead(pid, nowMs);
  }

  /**
   * Tell unix, netlink and packet sockets apart from inet ones, right after the read that found
   * them (a short-lived tool's netlink socket must be caught while it exists). Only young
   * processes' new sockets come here, so this is rare. A process of another namespace (`pid`) has
   * them listed in its namespace's tables.
   */
  private classify(inodes: number[], pid: number | null): void {
    const other = new Set<number>();
    for (const t of ['unix', 'netlink', 'packet'] as const) {
      const text = this.proc.readOtherSockets(t);
      if (text !== null) parseOtherSocketInodes(text, other);
      const theirs = pid === null ? null : (this.proc.readPidNet?.(pid, t) ?? null);
      if (theirs !== null) parseOtherSocketInodes(theirs, other);
    }
    this.census.classifyNonInet(inodes.filter((i) => other.has(i)));
  }

  /**
   * Read the young processes that are alive (events), or the newest pids (polling). `alsoNewest`:
   * with events too, the newest pids (an old process may open a new socket; the newest are the
   * likeliest, and a full scan comes after them).
   */
  scanYoung(count: number, skip: Set<number>, nowMs: number, freshMs: number, alsoNewest = false): void {
    if (this.eventsActive) {
      for (const pid of this.census.alive(nowMs)) {
        if (skip.has(pid)) continue;
        skip.add(pid);
        this.scanPid(pid, nowMs);
      }
      if (!alsoNewest) return;
    }
    this.scanNewest(count, skip, nowMs, freshMs);
  }

  /**
   * Read the `count` highest pids not already read in this pass nor within `freshMs`: a new
   * connection's owner is usually a new process, and re-reading an old one that holds thousands
   * of sockets (a busy server) on every miss would cost more than the rest of the pass.
   */
  private scanNewest(count: number, skip: Set<number>, nowMs: number, freshMs: number): void {
    const pids = this.proc.listPids();
    if (!pids) return;
    const listed = new Set(pids);
    if (this.eventsActive) {
      // Births and exits come from the kernel.
    } else if (this.fullScansDone > 0) {
      for (const pid of this.census.following()) if (!listed.has(pid)) this.census.exited(pid, nowMs);
      // A pid not in the previous listing was born since; in the first, every pid is old.
      const first = this.lastListingMs === -Infinity;
      for (const pid of pids) {
        if (this.census.isOld(pid) || this.census.isFollowed(pid)) continue;
        if (first) this.census.markOld(pid);
        else this.census.born(pid, 0, this.lastListingMs);
      }
    }
    this.lastListingMs = nowMs;
    pids.sort((a, b) => b - a);
    let n = 0;
    for (const pid of pids) {
      if (n >= count) break;
      if (skip.has(pid)) continue;
      const at = this.scannedAt.get(pid);
      if (at !== undefined && nowMs - at < freshMs && !this.census.isFollowed(pid)) continue;
      skip.add(pid);
      this.scanPid(pid, nowMs);
      n++;
    }
  }

  get scanning(): boolean {
    return this.fullScan !== null;
  }

  startFullScan(): void {
    if (this.fullScan) return;
    this.fullScan = (this.proc.listPids() ?? []).sort((a, b) => b - a);
  }

  /** Read up to `budget` pids of the full scan; true when the scan has completed. */
  stepFullScan(budget: number, nowMs = 0): boolean {
    const queue = this.fullScan;
    if (!queue) return true;
    for (let i = 0; i < budget && queue.length > 0; i++) this.scanPid(queue.shift()!, nowMs);
    if (queue.length > 0) return false;
    this.fullScan = null;
    this.fullScansDone++;
    return true;
  }

  /**
   * A followed process's network namespace as flows name it (0: bwtop's own or unknown, else the
   * inode), read at every read of its sockets: `ip netns exec` changes it between fork and exec,
   * and a socket is told apart (and proves flows) in the namespace the process is in when seen.
   */
  private netnsOf(pid: number): number {
    if (this.ownNetNs === null) return 0;
    const link = this.proc.readNetNs(pid);
    return link === null || link === this.ownNetNs ? 0 : (netnsInode(link) ?? 0);
  }

  /** The socket inodes pid held at its last read. */
  inodesOf(pid: number): readonly number[] {
    return this.pidInodes.get(pid) ?? [];
  }

  /** Whether pid held the inode at its last read. */
  holds(pid: number, inode: number): boolean {
    return this.pidInodes.get(pid)?.includes(inode) ?? false;
  }

  /** The pid has exited: forget all about it. */
  pidGone(pid: number): void {
    this.forgetPid(pid);
  }

  forgetPid(pid: number): void {
    this.scannedAt.delete(pid);
    this.ranks.forget(pid);
    const old = this.pidInodes.get(pid);
    if (!old) return;
    for (const ino of old) {
      const hs = this.holders.get(ino);
      if (!hs) continue;
      const i = hs.indexOf(pid);
      if (i >= 0) hs.splice(i, 1);
      if (hs.length === 0) this.holders.delete(ino);
    }
    this.pidInodes.delete(pid);
  }

  /** Sockets known to have holders (it shrinks when closed ones are dropped). */
  get holderCount(): number {
    return this.holders.size;
  }

  /** A socket found closed: nobody holds it any more. */
  dropInode(inode: number): void {
    this.holders.delete(inode);
  }

  /** Drop inodes that are no longer in any socket table, so the map stays bounded. */
  retainInodes(live: (inode: number) => boolean): void {
    for (const ino of this.holders.keys()) if (!live(ino)) this.holders.delete(ino);
  }
}
