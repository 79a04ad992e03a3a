// The live engine's socket tables as the exporter's /connections page reads them: the rows of the
// last table reads, and who holds each socket. The live driver hands one to the sink once the
// capture is open, so the page answers from memory instead of re-reading /proc per request.
import type { Engine } from '../engine/engine.js';
import { ALL_TABLES, tableOf } from '../engine/socket-index.js';
import type { ProcSource, ProcessInfo, SocketEntry, TableName } from '../proc/types.js';

export interface SocketView {
  /** Every socket row of the current tables that carries an inode, tcp, tcp6, udp, udp6 in turn. */
  entries(): SocketEntry[];
  /** The pids known to hold the socket (empty when its owner is not known yet). */
  holders(inode: number): readonly number[];
  /** Name, user and command line of a holder, or null when it is gone. */
  process(pid: number): ProcessInfo | null;
  /** When every row of the tables was last read (0 or absent: unknown). */
  fullReadMs?(): number;
}

/** A process's details are read at most this often (a page of 10,000 sockets may name 1,000). */
const PROCESS_RECHECK_MS = 1000;
const CACHE_MAX = 65536;
const NONE: readonly number[] = [];

/** The view over an engine; `nowMs` is the caller's clock (only used to age the details cache). */
export function engineSocketView(engine: Engine, proc: ProcSource, nowMs: () => number): SocketView {
  const cache = new Map<number, { info: ProcessInfo | null; checkedMs: number }>();
  return {
    entries() {
      const byTable = new Map<TableName, SocketEntry[]>(ALL_TABLES.map((t) => [t, []]));
      for (const e of engine.resolver.tables.entries()) byTable.get(tableOf(e))!.push(e);
      return ALL_TABLES.flatMap((t) => byTable.get(t)!);
    },
    fullReadMs: () => engine.resolver.tables.fullReadMs,
    holders(inode) {
      // Every holder (a pre-fork server's listener lists all its processes), as `connections` does.
      const hs = engine.resolver.owners.holdersOf(inode);
      return hs.length === 0 ? NONE : [...hs].sort((a, b) => a - b);
    },
    process(pid) {
      const now = nowMs();
      const c = cache.get(pid);
      if (c && now - c.checkedMs < PROCESS_RECHECK_MS) return c.info;
      const info = proc.readProcess(pid);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(pid, { info, checkedMs: now });
      return info;
    },
  };
}
