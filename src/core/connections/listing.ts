// One pass over a socket table: each row that passes the filters goes to a sink (JSON writer or
// table builder) together with its holders, without an intermediate object per socket.
import { forEachNetRow } from '../proc/netTable.js';
import type { SockProto, SocketEntry } from '../proc/types.js';
import { holdersOf, type OwnerMap } from './owners.js';
import { stateSelected, type StateSelection } from './select.js';

export interface ListingSink {
  /** `row` is reused by the caller after this returns: copy what you keep. */
  add(row: SocketEntry, holders: readonly number[]): void;
}

export interface ListingQuery {
  states: StateSelection;
  /** Only sockets held by one of these pids; every holder is still listed. */
  pids?: ReadonlySet<number>;
}

/** Feeds the selected rows of one table text to `sink`; returns the count of malformed lines. */
export function listTable(
  text: string,
  proto: SockProto,
  family: 4 | 6,
  query: ListingQuery,
  owners: OwnerMap,
  sink: ListingSink,
): number {
  const { states, pids } = query;
  return forEachNetRow(text, proto, family, (row) => {
    if (!stateSelected(states, proto, row.state)) return;
    const holders = holdersOf(owners, row.inode);
    if (pids !== undefined && !holders.some((p) => pids.has(p))) return;
    sink.add(row, holders);
  });
}
