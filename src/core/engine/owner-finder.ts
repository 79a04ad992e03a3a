// Socket inode -> owning pid, learned by reading /proc/PID/fd. A miss is searched where the owner
// is likely first (a given pid such as the listener's owner; the newest pids, since a new
// connection usually comes from a new process), and only then by a full scan that proceeds in
// bounded steps so capture and the screen keep running.
import type { ProcSource } from '../proc/types.js';

export class OwnerFinder {
  private readonly inodePid = new Map<number, number>();
  private readonly pidInodes = new Map<number, number[]>();
  private fullScan: number[] | null = null;
  /** Bumped when a full scan completes; flows waiting for one compare against it. */
  fullScansDone = 0;
  pidsRead = 0;

  constructor(private readonly proc: ProcSource) {}

  lookup(inode: number): number | undefined {
    return this.inodePid.get(inode);
  }

  /** Read one process's sockets into the map. False when it has vanished. */
  scanPid(pid: number): boolean {
    const inodes = this.proc.readSocketInodes(pid);
    this.pidsRead++;
    this.forgetPid(pid);
    if (!inodes) return false;
    this.pidInodes.set(pid, inodes);
    for (const ino of inodes) {
      const cur = this.inodePid.get(ino);
      // A socket shared by several processes (pre-fork servers) is credited to the lowest pid,
      // usually the parent, so the choice is stable between scans.
      if (cur === undefined || pid < cur) this.inodePid.set(ino, pid);
    }
    return true;
  }

  /** Read the `count` highest pids not already read in this pass. */
  scanNewest(count: number, skip: Set<number>): void {
    const pids = this.proc.listPids();
    if (!pids) return;
    pids.sort((a, b) => b - a);
    let n = 0;
    for (const pid of pids) {
      if (n >= count) break;
      if (skip.has(pid)) continue;
      skip.add(pid);
      this.scanPid(pid);
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
  stepFullScan(budget: number): boolean {
    const queue = this.fullScan;
    if (!queue) return true;
    for (let i = 0; i < budget && queue.length > 0; i++) this.scanPid(queue.shift()!);
    if (queue.length > 0) return false;
    this.fullScan = null;
    this.fullScansDone++;
    return true;
  }

  forgetPid(pid: number): void {
    const old = this.pidInodes.get(pid);
    if (!old) return;
    for (const ino of old) if (this.inodePid.get(ino) === pid) this.inodePid.delete(ino);
    this.pidInodes.delete(pid);
  }

  /** Drop inodes that are no longer in any socket table, so the map stays bounded. */
  retainInodes(live: Map<number, unknown>): void {
    for (const ino of this.inodePid.keys()) if (!live.has(ino)) this.inodePid.delete(ino);
  }
}
