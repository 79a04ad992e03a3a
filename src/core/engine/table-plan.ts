// How much of the socket tables a live refresh reads. Reading every row walks the kernel's whole
// connection hash (milliseconds even when it is nearly empty, tens of milliseconds with 10,000
// connections), so a refresh reads only what may have changed since the last read:
// - nothing, when no packet opened or closed a connection (no new flow, no SYN, FIN or RST) and
//   no list of every socket is on show: the rows of the last read still tell the truth;
// - the connections that did change, each by an exact look-up: a look-up costs a fraction of a
//   millisecond and leaves the event loop free between them;
// - every row when a list of every socket is on show (a process's connections on the screen,
//   `--all-connections`, the exporter's /connections; while connections churn, at most every
//   FRESH_BUSY_GAP_MS), when the screen counts every socket and something changed (at most every
//   CHANGES_READ_GAP_MS), when too many connections changed for look-ups to be cheaper, when a
//   young process holds a socket no read has tied to its conversation yet (process-census.ts),
//   and when the owner map has grown enough that sockets closed since must be forgotten.
// A connection that dies without a FIN or RST on the wire (its peer vanished) is looked at again
// once it has been idle FLOW_IDLE_MS, so it can expire.
import { PROTO_TCP } from '../packet.js';
import type { Engine } from './engine.js';
import { FLOW_NAT, FLOW_PENDING, type Flow } from './flow.js';
import { FLOW_IDLE_MS } from './interval.js';
import { flowKey, flowTables } from './flow-text.js';
import type { SocketEntry } from '../proc/types.js';
import type { TableName } from './socket-index.js';

/**
 * What the sink needs of the tables: 'none', only the flows' own sockets (their states); 'changes',
 * every socket of the processes it shows, re-read when packets say sockets opened or closed;
 * 'fresh', every socket, re-read each refresh (a list of them is on show).
 */
export type SocketNeed = 'none' | 'changes' | 'fresh';

/**
 * Look-ups per refresh before one read of every row is cheaper: a look-up costs ~0.2 ms, a read
 * ~3 ms plus ~3 µs a row (measured with 10,000 connections). Look-ups also leave the event loop
 * free between them, while a read holds it for the whole table.
 */
export function maxLookups(rows: number): number {
  return 16 + Math.floor(rows / 64);
}
/** With 'changes', every row is re-read at most this often while connections keep changing. */
export const CHANGES_READ_GAP_MS = 10_000;
/**
 * With 'fresh', while connections open and close between refreshes (a burst of short ones), every
 * row is re-read at most this often, the changed ones looked up in between: a read of every row
 * holds the event loop (tens of milliseconds with 10,000 sockets), and the young processes behind
 * new connections must be read while they live.
 */
export const FRESH_BUSY_GAP_MS = 5000;
/** The owner map may grow this much past its size after the last full read before one is due. */
const HOLDERS_SLACK = 4096;

export interface TablePlan {
  /** Read every row of every table. */
  all: boolean;
  /** Otherwise: look these flows' sockets up one by one. */
  lookups: Flow[];
}

/** What the last full read left behind, for the next plan. */
export interface ReadMark {
  /** engine.socketChanges at the last full read. */
  changes: number;
  /** When it was made (caller's clock). */
  atMs: number;
  /** The owner map's size just after it, or after the last full descriptor scan (live sockets only). */
  holders: number;
  /** Rows it read. */
  rows: number;
}

/** `churning`: connections opened or closed since the previous refresh. */
export function planTables(
  engine: Engine,
  need: SocketNeed,
  last: ReadMark,
  o: { canLookUp: boolean; churning: boolean },
  nowMs: number,
): TablePlan {
  const owners = engine.resolver.owners;
  const changed = engine.socketChanges !== last.changes;
  const all = { all: true, lookups: [] };
  const since = nowMs - last.atMs;
  if (need === 'fresh' && (!o.churning || !o.canLookUp || since >= FRESH_BUSY_GAP_MS)) return all;
  if (need === 'changes' && changed && since >= CHANGES_READ_GAP_MS) return all;
  if (!owners.scanning && owners.holderCount > 2 * last.holders + HOLDERS_SLACK) return all;
  if (!owners.census.untied().next().done) return all;
  const lookups: Flow[] = [];
  const most = maxLookups(last.rows);
  for (const f of engine.flows.values()) {
    if (!dueForCheck(f, last.atMs, nowMs)) continue;
    lookups.push(f);
    if (lookups.length > most || !o.canLookUp) return all;
  }
  return { all: false, lookups };
}

/** A resolved TCP connection whose state may have changed since its socket was last read. */
function dueForCheck(f: Flow, lastFullMs: number, nowMs: number): boolean {
  // Netlink sees bwtop's own namespace only; a NAT copy has no socket to follow.
  if (f.status === FLOW_PENDING || f.status === FLOW_NAT || f.netns !== 0 || f.proto !== PROTO_TCP) return false;
  if (f.recheck) return true;
  // Closing handshakes end with a plain ACK; a connection on its way out is followed to the end.
  if (f.state !== 'ESTABLISHED' && f.state !== 'CLOSED' && f.sentUnreported + f.receivedUnreported > 0) return true;
  return f.state === 'ESTABLISHED' && nowMs - f.lastSeenMs >= FLOW_IDLE_MS && nowMs - Math.max(f.checkedMs, lastFullMs) >= FLOW_IDLE_MS;
}

/** Looks one socket up by its exact 5-tuple; null when there is none. */
export type ExactLookup = (table: TableName, la: string, lp: number, ra: string, rp: number) => Promise<SocketEntry | null>;

/**
 * The sockets of `flows`, each looked up in the tables it may be in: a socket found replaces its
 * row, one found nowhere is closed (its row and its inode's holders are forgotten).
 */
export async function lookUpFlows(engine: Engine, flows: readonly Flow[], lookup: ExactLookup, nowMs: number): Promise<void> {
  const tables = engine.resolver.tables;
  for (const f of flows) {
    const key = flowKey(f);
    const names = flowTables(f);
    let found: SocketEntry | null = null;
    for (const t of names) {
      found = await lookup(t, f.localAddrText, f.lport, f.remoteAddrText, f.rport).catch(() => null);
      if (found) break;
    }
    if (found) tables.learn(found);
    else {
      const gone = tables.find(names, key);
      tables.forget(names, key);
      if (gone && gone.inode !== 0) engine.resolver.owners.dropInode(gone.inode);
    }
    f.recheck = false;
    f.checkedMs = nowMs;
  }
}

/** After a read of every row: every flow's socket has just been read. */
export function allChecked(engine: Engine): void {
  for (const f of engine.flows.values()) f.recheck = false;
}
