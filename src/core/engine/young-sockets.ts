// Young processes and their sockets, as seen by repeated reads of their descriptors. A
// connection that lives well under a millisecond (curl fetching a file over loopback) is gone
// from the socket tables — closed, or in TIME_WAIT with no inode — before any table read
// reaches it, and its process may exit before a read triggered by its first packet. What is
// left is the record of young processes: which were alive, holding sockets, when the flow began,
// and have let go of those sockets since. When exactly one process fits, the flow is its.
export const YOUNG_MS = 2000;
const REMEMBER_MS = 10_000;
/** Packet timestamps and the caller's clock may differ by this much. */
const SKEW_MS = 2;
/**
 * A process seen alive this long before a flow's first packet, and not seen gone before it,
 * may have been its owner (young processes are re-read every few ms during bursts of flows).
 */
export const LOOKBACK_MS = 30;

interface Life {
  /** Times the process was seen alive (newest last, a few kept). */
  alive: number[];
  /** When it was first seen gone, or Infinity. */
  goneAt: number;
}

export class YoungSockets {
  /** pid -> when first read; -Infinity for processes found by the first full scan (not young). */
  private readonly firstSeen = new Map<number, number>();
  /** inode -> the young pid that held it and when that was first seen. */
  private readonly sightings = new Map<number, { pid: number; atMs: number }>();
  private readonly lives = new Map<number, Life>();

  /** Mark a pid as old (found by the first census of processes). */
  markOld(pid: number): void {
    if (!this.firstSeen.has(pid)) this.firstSeen.set(pid, -Infinity);
  }

  isYoung(pid: number, nowMs: number): boolean {
    const at = this.firstSeen.get(pid);
    return at === undefined || nowMs - at <= YOUNG_MS;
  }

  /** Record a read of pid's socket inodes; returns true when the pid is young. */
  record(pid: number, inodes: readonly number[], nowMs: number): boolean {
    if (!this.firstSeen.has(pid)) this.firstSeen.set(pid, nowMs);
    if (!this.isYoung(pid, nowMs)) return false;
    for (const ino of inodes) if (!this.sightings.has(ino)) this.sightings.set(ino, { pid, atMs: nowMs });
    const life = this.lives.get(pid) ?? { alive: [], goneAt: Infinity };
    life.alive.push(nowMs);
    if (life.alive.length > 8) life.alive.shift();
    this.lives.set(pid, life);
    return true;
  }

  /** Young pids being followed that are not known to be gone. */
  *following(): IterableIterator<number> {
    for (const [pid, life] of this.lives) if (life.goneAt === Infinity) yield pid;
  }

  /** A read found the process gone. */
  gone(pid: number, nowMs: number): void {
    const life = this.lives.get(pid);
    if (life && life.goneAt === Infinity) life.goneAt = nowMs;
  }

  /**
   * Young pids that were alive when the flow began — seen alive shortly before its first packet
   * or by the first search after it (`untilMs`), and not seen gone before it began. `letGo`: those
   * seen holding a socket they no longer hold (`stillHeld` says which are held); `exited`: those
   * that have exited since.
   */
  candidates(
    flowStartMs: number,
    untilMs: number,
    stillHeld: (pid: number, inode: number) => boolean,
  ): { letGo: Set<number>; exited: Set<number> } {
    const alive = new Set<number>();
    const exited = new Set<number>();
    for (const [pid, life] of this.lives) {
      if (life.goneAt < flowStartMs - SKEW_MS) continue;
      if (!life.alive.some((t) => t >= flowStartMs - LOOKBACK_MS && t <= untilMs)) continue;
      alive.add(pid);
      if (life.goneAt !== Infinity) exited.add(pid);
    }
    const letGo = new Set<number>();
    for (const [ino, s] of this.sightings) {
      if (alive.has(s.pid) && !letGo.has(s.pid) && !stillHeld(s.pid, ino)) letGo.add(s.pid);
    }
    // Processes found gone while checking what they still hold.
    for (const pid of alive) if (this.lives.get(pid)!.goneAt !== Infinity) exited.add(pid);
    return { letGo, exited };
  }

  prune(nowMs: number): void {
    for (const [ino, s] of this.sightings) if (nowMs - s.atMs > REMEMBER_MS) this.sightings.delete(ino);
    for (const [pid, life] of this.lives) {
      const last = life.alive[life.alive.length - 1] ?? -Infinity;
      if (nowMs - last > REMEMBER_MS) this.lives.delete(pid);
    }
    if (this.firstSeen.size > 65536) {
      for (const [pid, at] of this.firstSeen) if (nowMs - at > REMEMBER_MS) this.firstSeen.delete(pid);
    }
  }
}
