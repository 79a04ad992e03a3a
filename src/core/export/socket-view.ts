// The live engine's socket tables as the exporter's /connections page reads them: the rows of the
// last table reads, who holds each socket, and where the sockets live. The live driver hands one
// to the sink once the capture is open, so the page answers from memory instead of re-reading
// /proc per request.
import { netnsLinkInode, type SocketNamespace } from '../connections/namespaces.js';
import type { Engine } from '../engine/engine.js';
import { ALL_TABLES } from '../engine/socket-index.js';
import type { ProcSource, ProcessInfo, SocketEntry } from '../proc/types.js';

export interface SocketView {
  /** Every row of the last table reads, tcp, tcp6, udp, udp6 in turn, ownerless ones (TIME_WAIT) too. */
  entries(): SocketEntry[];
  /** The pids known to hold the socket, ascending (empty when its owner is not known yet). */
  holders(inode: number): readonly number[];
  /** Name, user and command line of a holder, or null when it is gone. */
  process(pid: number): ProcessInfo | null;
  /** The network namespace the rows live in (the exporter's own). */
  namespace(): SocketNamespace;
  /** The runtime container a holder runs in, null for none (as `connections` names it). */
  containerOf(pid: number): string | null;
  /** Changes whenever the rows or their holders may have changed: a page built for one version stays right. */
  version(): string;
  /** When every row of the tables was last read (0 or absent: unknown). */
  fullReadMs?(): number;
}

/** A process's details are read at most this often (a page of 10,000 sockets may name 1,000). */
const PROCESS_RECHECK_MS = 1000;
const CACHE_MAX = 65536;
const NONE: readonly number[] = [];

/** The view over an engine; `nowMs` is the caller's clock (only used to age the details cache). */
export function engineSocketView(engine: Engine, proc: ProcSource, nowMs: () => number): SocketView {
  const cache = new Map<number, { info: ProcessInfo | null; checkedMs: number; container?: string | null }>();
  const ns: SocketNamespace = { inode: netnsLinkInode(proc.readNetNs('self')), container: null, foreign: false };
  const tables = engine.resolver.tables;
  const owners = engine.resolver.owners;
  const view: SocketView = {
    entries: () => ALL_TABLES.flatMap((t) => tables.rowsOf(t)),
    fullReadMs: () => tables.fullReadMs,
    holders(inode) {
      // Every holder (a pre-fork server's listener lists all its processes), as `connections` does.
      const hs = inode === 0 ? NONE : owners.holdersOf(inode);
      return hs.length <= 1 ? hs : [...hs].sort((a, b) => a - b);
    },
    process(pid) {
      const now = nowMs();
      const c = cache.get(pid);
      if (c && now - c.checkedMs < PROCESS_RECHECK_MS) return c.info;
      const info = proc.readProcess(pid);
      if (cache.size >= CACHE_MAX) cache.clear();
      // A process never changes container: a known one survives re-reading the details.
      const container = c?.info && info && c.info.startTime === info.startTime ? c.container : undefined;
      cache.set(pid, container === undefined ? { info, checkedMs: now } : { info, checkedMs: now, container });
      return info;
    },
    namespace: () => ns,
    containerOf(pid) {
      const info = view.process(pid);
      const c = cache.get(pid);
      if (info === null || c === undefined) return null;
      // netns null: the namespace's own name is the listing's, not each process's.
      if (c.container === undefined) c.container = proc.readPlacement?.(pid, info.startTime, null).container ?? null;
      return c.container;
    },
    version: () => `${tables.generation}:${owners.pidsRead}:${owners.fullScansDone}`,
  };
  return view;
}
