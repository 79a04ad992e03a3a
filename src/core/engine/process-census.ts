// Young processes and the sockets each was seen holding that it did not inherit. A connection
// that lives well under a millisecond (curl fetching a file over loopback) can be gone from the
// socket tables before any read reaches it, and its process may exit soon after. What is left is
// this record: which young processes were alive when the flow began, which of them were seen
// holding a socket of their own at or after that moment and have let go of it since.
//
// Processes are known from the kernel's process events (fork, exec, exit: exact times) or, when
// those are not available, from reads of the newest pids (times of sighting). A socket a process
// inherited from its parent (a shell loop's connection held by each `sleep 1` it starts) proves
// nothing; neither does a socket known to be something else: a unix, netlink or packet socket, or
// an inet socket the tables tie to another conversation.
import type { ProcStat, ProcessInfo } from '../proc/types.js';
import { type Identity, type Life, execSeen, newLife, sightedStat } from './census-life.js';

export const YOUNG_MS = 2000;
const REMEMBER_MS = 10_000;
/** Packet timestamps and the caller's clock may differ by this much. */
const SKEW_MS = 2;
/** How soon after a flow's first packet an unexplained socket must have been seen to count for it. */
export const FIRST_SIGHT_MS = 10;
/** Sightings kept per process: enough for any short-lived client, bounded for a busy one. */
const MAX_GAINED = 64;

export interface Candidates {
  /** Processes that held exactly this flow's socket (its 5-tuple tied to the inode). */
  proven: Set<number>;
  /** Processes that let go of an unexplained socket of their own after the flow began. */
  fitting: Set<number>;
}

export class ProcessCensus {
  /** pids known before following began, or too old to be young: never followed. */
  private readonly old = new Set<number>();
  private readonly lives = new Map<number, Life>();
  /** Inodes known to be unix, netlink or packet sockets. */
  private readonly nonInet = new Set<number>();
  /** Inet socket inodes the tables tied to a conversation (join key), remembered a while. */
  private readonly keyOf = new Map<number, { key: string; atMs: number }>();
  /** The other way: the inode the tables last tied to a conversation. */
  private readonly inodeOf = new Map<string, number>();

  /** A process that existed before following began (or is otherwise not young). */
  markOld(pid: number): void {
    if (!this.lives.has(pid)) this.old.add(pid);
  }

  /** A process began (fork or exec event, or first seen by a read of the newest pids). */
  born(pid: number, ppid: number, nowMs: number): void {
    this.old.delete(pid);
    const life = this.lives.get(pid);
    if (life && life.exitMs === Infinity) {
      if (ppid !== 0) life.ppid = ppid;
      execSeen(life, nowMs); // an exec after fork: the same process, born at its fork, a new program
      return;
    }
    this.lives.set(pid, newLife(ppid, nowMs));
  }

  /** Without process events, what a read of its stat says of a followed process (census-life.ts). */
  sighted(pid: number, stat: ProcStat): void {
    const life = this.lives.get(pid);
    if (life) this.lives.set(pid, sightedStat(life, stat));
  }

  /** Whether its identity is worth reading before its descriptors (young-identity.ts): followed, alive, not named yet. */
  wantsIdentity(pid: number): boolean {
    const life = this.lives.get(pid);
    return life !== undefined && life.exitMs === Infinity && life.unnamed;
  }

  /** Its identity as read at `atMs`, just before a read of its descriptors (null: gone). */
  identified(pid: number, info: ProcessInfo | null, netnsLink: string | null, atMs: number): void {
    const life = this.lives.get(pid);
    if (life) life.identity = info && { info, netnsLink, atMs };
  }

  /** The identity read before its descriptors, if no exec was seen since. */
  identityOf(pid: number): Identity | null {
    return this.lives.get(pid)?.identity ?? null;
  }

  /** When it exited (Infinity: alive or not followed). */
  exitedAt(pid: number): number {
    return this.lives.get(pid)?.exitMs ?? Infinity;
  }

  /** Its identity was read at `nowMs` (or later), from the process that started at `startTime`. */
  named(pid: number, startTime: number, nowMs: number): void {
    const life = this.lives.get(pid);
    if (!life) return;
    life.namedStart = startTime;
    life.namedAtMs = nowMs;
    life.unnamed = false;
  }

  /**
   * Whether the name read for the process that started at `startTime` is still its program's:
   * read from that very process, with no exec seen since.
   */
  nameCurrent(pid: number, startTime: number): boolean {
    const life = this.lives.get(pid);
    return life !== undefined && !life.unnamed && life.namedStart === startTime;
  }

  /** Whether a process that started at `startTime` can be the one followed (unknown start: yes). */
  sameProcess(pid: number, startTime: number): boolean {
    const life = this.lives.get(pid);
    return life !== undefined && (life.startTime === 0 || life.startTime === startTime);
  }

  /** Whether the followed process is not known to have exited. */
  isAlive(pid: number): boolean {
    return this.lives.get(pid)?.exitMs === Infinity;
  }

  exited(pid: number, nowMs: number): void {
    const life = this.lives.get(pid);
    if (life && life.exitMs === Infinity) life.exitMs = nowMs;
    this.old.delete(pid);
  }

  isFollowed(pid: number): boolean {
    return this.lives.has(pid);
  }

  isOld(pid: number): boolean {
    return this.old.has(pid);
  }

  parentOf(pid: number): number {
    return this.lives.get(pid)?.ppid ?? 0;
  }

  bornAt(pid: number): number {
    return this.lives.get(pid)?.bornMs ?? -Infinity;
  }

  /**
   * Young processes still alive, the newest first: the ones worth reading when a new conversation
   * starts, and the newest is the likeliest to have opened it (read first, before it can exit).
   */
  alive(nowMs: number): number[] {
    const out: { pid: number; born: number }[] = [];
    for (const [pid, life] of this.lives) {
      if (life.exitMs === Infinity && nowMs - life.bornMs <= YOUNG_MS) out.push({ pid, born: life.bornMs });
    }
    return out.sort((a, b) => b.born - a.born).map((x) => x.pid);
  }

  /** pids being followed that are not known to be gone (polling checks them). */
  *following(): IterableIterator<number> {
    for (const [pid, life] of this.lives) if (life.exitMs === Infinity) yield pid;
  }

  /**
   * A read of a followed process's socket inodes. `inherited(inode)` says whether its parent holds
   * the same socket (the caller has read the parent since this process began). Returns the
   * inodes it gained that are not classified yet, for the caller to classify.
   */
  record(pid: number, inodes: readonly number[], nowMs: number, inherited: (inode: number) => boolean, netns = 0): number[] {
    const life = this.lives.get(pid);
    if (!life) return [];
    life.netns = netns;
    life.lastSeenMs = nowMs;
    life.held = inodes;
    const unclassified: number[] = [];
    for (const ino of inodes) {
      const g = life.gained.get(ino);
      if (g) {
        g.lastMs = nowMs;
        continue;
      }
      if (this.nonInet.has(ino) || life.gained.size >= MAX_GAINED || inherited(ino)) continue;
      life.gained.set(ino, { firstMs: nowMs, lastMs: nowMs, netns });
      if (!this.keyOf.has(ino)) unclassified.push(ino);
    }
    return unclassified;
  }

  /**
   * Whether the process's identity should be read now: it holds a socket of its own (a candidate
   * owner) and was not read since it began or exec'd. Clears the mark.
   */
  needsName(pid: number): boolean {
    const life = this.lives.get(pid);
    if (!life?.unnamed || life.gained.size === 0) return false;
    life.unnamed = false;
    return true;
  }

  /**
   * A TCP or UDP socket the process was seen holding at `atMs` by a read right after its exec
   * (so not inherited), in its namespace `netns` (0: bwtop's own): it fits flows of `proto` only.
   */
  gainedInet(pid: number, inode: number, atMs: number, netns: number, proto: 'tcp' | 'udp'): void {
    const life = this.lives.get(pid);
    if (!life || life.gained.has(inode) || life.gained.size >= MAX_GAINED) return;
    life.netns = netns;
    life.lastSeenMs = Math.max(life.lastSeenMs, atMs);
    life.gained.set(inode, { firstMs: atMs, lastMs: atMs, netns, proto });
  }

  /** It was last seen holding the socket at `lastMs` (found without it by the next read). */
  letGo(pid: number, inode: number, lastMs: number): void {
    const g = this.lives.get(pid)?.gained.get(inode);
    if (g) g.lastMs = Math.max(g.lastMs, lastMs);
  }

  /** These inodes are unix, netlink or packet sockets. */
  classifyNonInet(inodes: Iterable<number>): void {
    for (const ino of inodes) {
      this.nonInet.add(ino);
      for (const life of this.lives.values()) life.gained.delete(ino);
    }
  }

  /** The tables tie this inode to a conversation (called for young processes' sockets). */
  tie(inode: number, key: string, nowMs: number): void {
    this.keyOf.set(inode, { key, atMs: nowMs });
    this.inodeOf.set(key, inode);
  }

  /** Inodes followed processes gained that the tables have not tied to a conversation yet. */
  *untied(): IterableIterator<number> {
    for (const life of this.lives.values()) for (const ino of life.gained.keys()) if (!this.keyOf.has(ino)) yield ino;
  }

  /**
   * Young processes that may own a flow whose socket is gone: alive when it began, seen holding
   * a socket of their own at or after that moment. `key` is the flow's join key and `portKey` its
   * unconnected-socket key (tieKey below): a socket the tables tied to either proves its holder;
   * one tied to another conversation rules its holder out. When the flow's own socket is known,
   * only its holders count. An unexplained socket counts only if it was first seen near the flow's
   * first packet (the flow's socket existed then, and the opening sent bwtop to look at once).
   * Only processes of the flow's network namespace (`netns`, 0 for bwtop's own) count.
   */
  candidates(
    flowStartMs: number,
    key: string,
    portKey: string,
    stillHeld: (pid: number, inode: number) => boolean,
    netns = 0,
    proto: string | null = null,
  ): Candidates {
    const proven = new Set<number>();
    const fitting = new Set<number>();
    for (const [pid, life] of this.lives) {
      if (life.netns !== netns) continue;
      if (life.bornMs > flowStartMs + SKEW_MS || life.exitMs < flowStartMs - SKEW_MS) continue;
      for (const [ino, g] of life.gained) {
        const tied = this.keyOf.get(ino);
        if (tied && (tied.key === key || tied.key === portKey)) {
          proven.add(pid);
          break;
        }
        if (tied || g.netns !== netns || g.lastMs < flowStartMs - SKEW_MS || g.firstMs > flowStartMs + FIRST_SIGHT_MS) continue;
        if (g.proto !== undefined && proto !== null && g.proto !== proto) continue; // a UDP socket never carried a TCP flow
        if (life.exitMs !== Infinity || !stillHeld(pid, ino)) fitting.add(pid);
      }
    }
    if (this.inodeOf.has(key)) fitting.clear();
    return { proven, fitting };
  }

  prune(nowMs: number): void {
    for (const [pid, life] of this.lives) {
      const last = Math.max(life.lastSeenMs, life.exitMs === Infinity ? -Infinity : life.exitMs);
      if (nowMs - last > REMEMBER_MS || (life.exitMs === Infinity && nowMs - life.bornMs > REMEMBER_MS)) {
        this.lives.delete(pid);
        if (life.exitMs === Infinity) this.old.add(pid);
      }
    }
    for (const [ino, t] of this.keyOf) {
      if (nowMs - t.atMs <= REMEMBER_MS) continue;
      this.keyOf.delete(ino);
      if (this.inodeOf.get(t.key) === ino) this.inodeOf.delete(t.key);
    }
    if (this.nonInet.size > 65536) this.nonInet.clear();
    if (this.old.size > 1 << 20) this.old.clear();
  }
}

/**
 * The key `tie` and `candidates` compare: the conversation, or for an unconnected socket its port;
 * prefixed by the namespace inode outside bwtop's own (the same text may name sockets of two).
 */
export function tieKey(exactKey: string, proto: string, remotePort: number, localPort: number, netns = 0): string {
  const k = remotePort === 0 ? `${proto} * ${localPort}` : exactKey;
  return netns === 0 ? k : `${netns}|${k}`;
}
