// Socket inode -> owning pid, learned by reading /proc/PID/fd. A miss is searched where the owner
// is likely first (a given pid such as the listener's owner; the newest pids, since a new
// connection usually comes from a new process), and only then by a full scan that proceeds in
// bounded steps so capture and the screen keep running.
import type { ProcSource } from '../proc/types.js';
import { YoungSockets } from './young-sockets.js';

export class OwnerFinder {
  private readonly inodePid = new Map<number, number>();
  private readonly pidInodes = new Map<number, number[]>();
  /** When each pid's descriptors were last read (caller's clock). */
  private readonly scannedAt = new Map<number, number>();
  private fullScan: number[] | null = null;
  /** Bumped when a full scan completes; flows waiting for one compare against it. */
  fullScansDone = 0;
  pidsRead = 0;
  readonly young = new YoungSockets();
  /** Called right after a young process's descriptors were read (its details are read then). */
  onYoungRead: (pid: number, nowMs: number) => void = () => {};


  /** Our own network namespace: young processes elsewhere own none of the sockets we see. */
  private readonly ownNetNs: string | null;

  constructor(private readonly proc: ProcSource) {
    this.ownNetNs = proc.readNetNs('self');
  }

  lookup(inode: number): number | undefined {
    return this.inodePid.get(inode);
  }

  /** Read one process's sockets into the map. False when it has vanished. */
  scanPid(pid: number, nowMs = 0): boolean {
    const inodes = this.proc.readSocketInodes(pid);
    this.pidsRead++;
    this.forgetPid(pid);
    if (!inodes) {
      this.young.gone(pid, nowMs);
      return false;
    }
    this.scannedAt.set(pid, nowMs);
    this.pidInodes.set(pid, inodes);
    // Until the first full scan is done, every process counts as one that was already there.
    if (this.fullScansDone === 0) this.young.markOld(pid);
    else if (this.young.isYoung(pid, nowMs) && this.sameNetNs(pid) && this.young.record(pid, inodes, nowMs)) {
      this.onYoungRead(pid, nowMs);
    }
    for (const ino of inodes) {
      const cur = this.inodePid.get(ino);
      // A socket shared by several processes (pre-fork servers) is credited to the lowest pid,
      // usually the parent, so the choice is stable between scans.
      if (cur === undefined || pid < cur) this.inodePid.set(ino, pid);
    }
    return true;
  }

  /**
   * Read the `count` highest pids not already read in this pass nor within `freshMs`: a new
   * connection's owner is usually a new process, and re-reading an old one that holds thousands
   * of sockets (a busy server) on every miss would cost more than the rest of the pass.
   */
  scanNewest(count: number, skip: Set<number>, nowMs: number, freshMs: number): void {
    const pids = this.proc.listPids();
    if (!pids) return;
    const listed = new Set(pids);
    for (const pid of this.young.following()) if (!listed.has(pid)) this.young.gone(pid, nowMs);
    pids.sort((a, b) => b - a);
    let n = 0;
    for (const pid of pids) {
      if (n >= count) break;
      if (skip.has(pid)) continue;
      const at = this.scannedAt.get(pid);
      if (at !== undefined && nowMs - at < freshMs && !this.young.isYoung(pid, nowMs)) continue;
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

  private sameNetNs(pid: number): boolean {
    if (this.ownNetNs === null) return true;
    const ns = this.proc.readNetNs(pid);
    return ns === null || ns === this.ownNetNs;
  }

  /** Whether pid held the inode at its last read (re-read first when the caller wants it fresh). */
  holds(pid: number, inode: number): boolean {
    return this.pidInodes.get(pid)?.includes(inode) ?? false;
  }

  /** The pid has exited: forget all about it. */
  pidGone(pid: number): void {
    this.forgetPid(pid);
  }

  forgetPid(pid: number): void {
    this.scannedAt.delete(pid);
    const old = this.pidInodes.get(pid);
    if (!old) return;
    for (const ino of old) if (this.inodePid.get(ino) === pid) this.inodePid.delete(ino);
    this.pidInodes.delete(pid);
  }

  /** Drop inodes that are no longer in any socket table, so the map stays bounded. */
  retainInodes(live: (inode: number) => boolean): void {
    for (const ino of this.inodePid.keys()) if (!live(ino)) this.inodePid.delete(ino);
  }
}
