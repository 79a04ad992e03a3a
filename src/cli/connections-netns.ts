// `bwtop connections` beyond bwtop's own network namespace: every other namespace's sockets,
// read from /proc/<a process in it>/net/*, each row tagged with its namespace and container.
import { PlacementReader } from '../adapters/placement.js';
import { discoverNamespaces, readNamespaceTable } from '../adapters/netns-tables.js';
import type { ListingSink } from '../core/connections/listing.js';
import type { NamespaceGroup } from '../core/connections/namespaces.js';
import { forEachNetRow } from '../core/proc/netTable.js';
import { type DumpedTable, nativeTableDump } from '../adapters/sock-dump.js';
import { stateMask, type StateSelection } from '../core/connections/select.js';
import type { SocketEntry, SocketTable } from '../core/proc/types.js';

/** Rows dumped and listed by the addon (src/adapters/native-rows.ts). */
export interface NativeRows {
  states: StateSelection;
  add(dumped: readonly DumpedTable[]): boolean;
}

/**
 * A namespace's tables dumped over sock_diag from inside it, entered through the first of its
 * processes still in it; null when none is, or the dump is refused.
 */
function dumpNamespace(root: string, g: NamespaceGroup, tables: readonly SocketTable[], states: StateSelection): DumpedTable[] | null {
  for (const pid of g.pids) {
    const dump = nativeTableDump({ path: `${root}/${pid}/ns/net`, inode: g.inode });
    if (dump === null) return null;
    try {
      return tables.map((t) => dump(t.name, stateMask(states, t.proto)));
    } catch {
      // exited or moved since it was seen (the namespace file is checked): try the next one
    }
  }
  return null;
}

/** Processes of a namespace asked for its name before giving up (each costs a cgroup read). */
const NAME_TRIES = 4;

export interface NamespaceListing {
  /** bwtop's own namespace inode (null when unknown): announce it before listing its rows. */
  own: number | null;
  /** Container of a holder process (runtime containers only), remembered per pid. */
  containerOf: (pid: number) => string | null;
  /**
   * Lists every other namespace's selected tables into `sink`; returns how many were listed.
   * With `native`, each namespace's tables are dumped from inside it and handed to `native.add`
   * (its text tables are read only when that fails).
   */
  listOthers(tables: readonly SocketTable[], visit: (row: SocketEntry) => void, sink: ListingSink, native?: NativeRows | null): number;
  /** Namespace links other users' processes refused (owners and namespaces may be missing). */
  refused: number;
}

/**
 * `pids` are the processes to ask for their namespace; `foreign` false (--netns self, or not root) skips the
 * discovery: only bwtop's own namespace is listed.
 */
export function namespaceListing(root: string, pids: readonly number[], foreign: boolean): NamespaceListing {
  const placement = new PlacementReader(root, { hostRoot: root === '/proc' ? '' : null });
  const found = foreign ? discoverNamespaces(root, pids) : { ...discoverNamespaces(root, []), refused: 0 };
  const containers = new Map<number, string | null>();
  const containerOf = (pid: number): string | null => {
    let c = containers.get(pid);
    if (c === undefined) {
      c = placement.placementOf(pid, 0, null).container;
      containers.set(pid, c);
    }
    return c;
  };
  const nameOf = (g: NamespaceGroup): string | null => {
    for (const pid of g.pids.slice(0, NAME_TRIES)) {
      const c = placement.placementOf(pid, 0, g.inode).container;
      if (c !== null) return c;
    }
    return placement.netnsName(g.inode);
  };
  return {
    own: found.own,
    containerOf,
    refused: found.refused,
    listOthers(tables, visit, sink, native) {
      let listed = 0;
      for (const g of found.others) {
        const dumped = native ? dumpNamespace(root, g, tables, native.states) : null;
        if (dumped !== null && native) {
          sink.namespace({ inode: g.inode, container: nameOf(g), foreign: true });
          native.add(dumped);
          listed++;
          continue;
        }
        let announced = false;
        for (const t of tables) {
          const text = readNamespaceTable(root, g, t.name);
          if (text === null) continue; // the namespace is gone, or has no such table (no IPv6)
          if (!announced) {
            sink.namespace({ inode: g.inode, container: nameOf(g), foreign: true });
            announced = true;
            listed++;
          }
          forEachNetRow(text, t.proto, t.family, visit);
        }
      }
      return listed;
    },
  };
}
