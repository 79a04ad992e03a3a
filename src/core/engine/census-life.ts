// One followed process's record in the census (process-census.ts): when it began and ended,
// the sockets it gained, and what names it: an identity counts only when read after its last
// exec, from the very process (pid + start time).
import type { ProcStat, ProcessInfo } from '../proc/types.js';

export interface Gained {
  firstMs: number;
  lastMs: number;
  /** The process's namespace when first seen holding it (`ip netns exec` moves between fork and exec). */
  netns: number;
  /** Known when the events' own reader saw it (young-sockets.ts). */
  proto?: 'tcp' | 'udp';
}

/** Identity read before a read of its descriptors: names it if it exits before it can be read again. */
export interface Identity {
  info: ProcessInfo;
  netnsLink: string | null;
  atMs: number;
}

export interface Life {
  ppid: number;
  /** When it was forked or exec'd (events), or first seen (polling). */
  bornMs: number;
  /** When it exited (event) or was first found gone (polling); Infinity while alive. */
  exitMs: number;
  lastSeenMs: number;
  /** Socket inodes it held that its parent did not: candidates for a vanished flow. */
  gained: Map<number, Gained>;
  held: readonly number[];
  /** Its identity must be (re)read: not read yet, or it exec'd since. */
  unnamed: boolean;
  /** Start time of the process its identity was read from (0: not read), and when it was read. */
  namedStart: number;
  namedAtMs: number;
  identity: Identity | null;
  /** comm and start time at the last read of its stat (polling mode; '' and 0 until then). */
  comm: string;
  startTime: number;
  /** Its network namespace (0: bwtop's own): it proves flows of that namespace only. */
  netns: number;
}

export function newLife(ppid: number, bornMs: number): Life {
  const gained = new Map<number, Gained>();
  return {
    ppid,
    bornMs,
    exitMs: Infinity,
    lastSeenMs: bornMs,
    gained,
    held: [],
    unnamed: true,
    namedStart: 0,
    namedAtMs: -Infinity,
    identity: null,
    comm: '',
    startTime: 0,
    netns: 0,
  };
}

/**
 * An exec at `atMs`. Its event may arrive after a read that already saw the new program: only
 * an exec after a read makes what that read saw stale.
 */
export function execSeen(life: Life, atMs: number): void {
  if (!(atMs < life.namedAtMs)) life.unnamed = true;
  if (life.identity && !(atMs < life.identity.atMs)) life.identity = null;
}

/**
 * Without process events, what a read of its stat says: its parent (so sockets it inherited are
 * told apart), an exec since its identity was read (comm changed: read it again), or its pid now
 * naming another process (start time changed: returns a new life, begun after the old one was
 * last seen; the evidence of the one that exited goes with it).
 */
export function sightedStat(old: Life, stat: ProcStat): Life {
  const life = old.startTime !== 0 && old.startTime !== stat.startTime ? newLife(0, old.lastSeenMs) : old;
  if (life.ppid === 0) life.ppid = stat.ppid;
  if (life.comm !== '' && life.comm !== stat.comm) {
    life.unnamed = true;
    life.identity = null;
  }
  life.comm = stat.comm;
  life.startTime = stat.startTime;
  return life;
}
