// `connections --json` rows joined and written by the native addon (src/native/render_rows.c):
// the dumped tables' sockets matched to the holders the descriptor scan found, each row's text
// made in C; only the text after `"processes":[` is made here, once per distinct set of holders.
// The rows are those rowLister would pass (src/core/connections/listing.ts), in the same order.
import type { JsonListing } from '../core/connections/json.js';
import { stateSelected, type StateSelection } from '../core/connections/select.js';
import { stateName } from '../core/proc/netTable.js';
import { scanAddon } from './fd-scan.js';
import type { DumpedTable } from './sock-dump.js';

/** State numbers a table row can carry in a dump's bitmask (and so named for the addon). */
const STATES = 32;

/**
 * Adds the selected rows of `dumped` (one namespace's tables, in order) to `sink`, holders from
 * the scan `scanHandle`. False when the addon cannot (not built): the caller lists them itself.
 */
export function addNativeRows(
  sink: JsonListing,
  scanHandle: object,
  dumped: readonly DumpedTable[],
  states: StateSelection,
  pids: ReadonlySet<number> | undefined,
): boolean {
  const a = scanAddon();
  if (a === null || typeof a.renderRows !== 'function') return false;
  const keep = new Uint32Array(dumped.length);
  const names: string[] = [];
  dumped.forEach((d, i) => {
    for (let n = 0; n < STATES; n++) {
      const name = stateName(d.table.proto, n);
      names.push(name);
      if (stateSelected(states, d.table.proto, name)) keep[i]! |= 1 << n;
    }
  });
  const replies = dumped.map((d) => d.reply);
  const { sets, rows } = a.renderRows(scanHandle, replies, keep);
  // Set 0: no holder; set k: [count, pids...] runs in order, the count negative when no row
  // listed has the set (its processes are not read).
  const tails: Array<Buffer | null> = [pids === undefined ? sink.tailBytes([]) : null];
  for (let at = 0; at < sets.length; ) {
    const n = sets[at]!;
    const holders = Array.from(sets.subarray(at + 1, at + 1 + Math.abs(n)));
    at += 1 + Math.abs(n);
    const listed = n > 0 && (pids === undefined || holders.some((p) => pids.has(p)));
    tails.push(listed ? sink.tailBytes(holders) : null);
  }
  const protos = dumped.map((d) => d.table.proto);
  const { text, count } = a.writeRows(rows, replies, protos, names, tails);
  sink.addRendered(text, count);
  return true;
}
