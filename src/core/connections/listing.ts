// One pass over a socket table: each row that passes the filters goes to a sink (JSON writer or
// table builder) together with its holders, without an intermediate object per socket.
import type { SocketEntry } from '../proc/types.js';
import type { SocketNamespace } from './namespaces.js';
import { holdersOf, type OwnerMap } from './owners.js';
import { stateSelected, type StateSelection } from './select.js';

export interface ListingSink {
  /** `row` is reused by the caller after this returns: copy what you keep. */
  add(row: SocketEntry, holders: readonly number[]): void;
  /** The network namespace of the rows added from now on. */
  namespace(ns: SocketNamespace): void;
}

export interface ListingQuery {
  states: StateSelection;
  /** Only sockets held by one of these pids; every holder is still listed. */
  pids?: ReadonlySet<number>;
}

/** The visitor that passes the rows `query` selects, with their holders, to `sink`. */
export function rowLister(query: ListingQuery, owners: OwnerMap, sink: ListingSink): (row: SocketEntry) => void {
  const { states, pids } = query;
  return (row) => {
    if (!stateSelected(states, row.proto, row.state)) return;
    const holders = holdersOf(owners, row.inode);
    if (pids !== undefined && !holders.some((p) => pids.has(p))) return;
    sink.add(row, holders);
  };
}
