// The live engine's socket tables as the exporter's /connections page reads them: every network
// namespace's rows of its last read, who holds each socket, and where the sockets live. The live
// driver hands one to the sink once the capture is open, so the page answers from memory instead
// of re-reading /proc per request.
import { netnsLinkInode, type SocketNamespace } from '../connections/namespaces.js';
import type { Engine } from '../engine/engine.js';
import type { ForeignNetns } from '../engine/netns-registry.js';
import type { SocketTables, TableName } from '../engine/socket-index.js';
import type { ProcSource, ProcessInfo, SocketEntry } from '../proc/types.js';

/** One namespace's sockets as last read. */
export interface ViewSpace {
  ns: SocketNamespace;
  /** Every row of the last read of `table`, ownerless ones (TIME_WAIT) too. */
  rows(table: TableName): readonly SocketEntry[];
  /** When every row was last read (the view's clock; 0: unknown). */
  readMs: number;
  /** Changes with each read. */
  generation: number;
}

export interface SocketView {
  /** bwtop's own namespace first, then (with `others`) every other one read so far, by inode. */
  spaces(others: boolean): ViewSpace[];
  /** The pids known to hold the socket, ascending (empty when its owner is not known yet). */
  holders(inode: number): readonly number[];
  /** Name, user and command line of a holder, or null when it is gone. */
  process(pid: number): ProcessInfo | null;
  /** The runtime container a holder runs in, null for none (as `connections` names it). */
  containerOf(pid: number): string | null;
}

/** A process's details are read at most this often (a page of 10,000 sockets may name 1,000). */
const PROCESS_RECHECK_MS = 1000;
/** A namespace without a name (no container, no `ip netns` name) is asked again after this. */
const NAME_RECHECK_MS = 5000;
/** Processes of a namespace asked for its name (each costs a cgroup read), as `connections` does. */
const NAME_TRIES = 4;
const CACHE_MAX = 65536;
const NONE: readonly number[] = [];

function space(ns: SocketNamespace, tables: SocketTables): ViewSpace {
  return { ns, rows: (t) => tables.rowsOf(t), readMs: tables.fullReadMs, generation: tables.generation };
}

/** The view over an engine; `nowMs` is the caller's clock (only used to age the details caches). */
export function engineSocketView(engine: Engine, proc: ProcSource, nowMs: () => number): SocketView {
  const cache = new Map<number, { info: ProcessInfo | null; checkedMs: number; container?: string | null }>();
  const names = new Map<number, { name: string | null; checkedMs: number }>();
  const own: SocketNamespace = { inode: netnsLinkInode(proc.readNetNs('self')), container: null, foreign: false };
  const { tables, owners, netns } = engine.resolver;

  /** A container's name, else the namespace's `ip netns` name, from the processes known in it. */
  const nameOf = (ns: ForeignNetns): string | null => {
    const now = nowMs();
    const known = names.get(ns.inode);
    if (known && (known.name !== null || now - known.checkedMs < NAME_RECHECK_MS)) return known.name;
    let name: string | null = null;
    for (const pid of ns.pids.slice(0, NAME_TRIES)) {
      const info = view.process(pid);
      name = info ? (proc.readPlacement?.(pid, info.startTime, ns.inode).container ?? null) : null;
      if (name !== null) break;
    }
    if (names.size >= CACHE_MAX) names.clear();
    names.set(ns.inode, { name, checkedMs: now });
    return name;
  };

  const view: SocketView = {
    spaces(others) {
      const out = [space(own, tables)];
      if (!others) return out;
      const foreign = [...netns.all()].filter((ns) => ns.tables.generation !== 0).sort((a, b) => a.inode - b.inode);
      for (const ns of foreign) out.push(space({ inode: ns.inode, container: nameOf(ns), foreign: true }, ns.tables));
      return out;
    },
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
    containerOf(pid) {
      const info = view.process(pid);
      const c = cache.get(pid);
      if (info === null || c === undefined) return null;
      // netns null: the namespace's own name is the listing's, not each process's.
      if (c.container === undefined) c.container = proc.readPlacement?.(pid, info.startTime, null).container ?? null;
      return c.container;
    },
  };
  return view;
}
