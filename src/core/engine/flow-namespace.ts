// The join across network namespaces: which tables a pending flow of another namespace needs
// read, which namespace a socket inode lives in (inodes are unique machine-wide), and whether a
// flow without a socket of its own is a NAT copy or the host's own connection translated.
import type { SocketEntry } from '../proc/types.js';
import type { Flow } from './flow.js';
import { flowKey, flowTables } from './flow-text.js';
import type { NatCopies, NatOrigin } from './nat-copies.js';
import type { NetnsRegistry } from './netns-registry.js';
import { exactKey, joinAddr, type SocketTables } from './socket-index.js';
import { tieKey, type ProcessCensus } from './process-census.js';

/** Tables of other namespaces that some pending flow began after the last read of. */
export function foreignTablesToRead(pending: readonly Flow[], netns: NetnsRegistry, queuedGen: (f: Flow) => number): Set<SocketTables> {
  const out = new Set<SocketTables>();
  for (const f of pending) {
    if (f.netns === 0) continue;
    const t = netns.get(f.netns)?.tables;
    if (t && t.readGeneration(flowTables(f)) <= queuedGen(f)) out.add(t);
  }
  return out;
}

/**
 * Reading other namespaces' tables takes about this long per refresh at most (each read of a text
 * table walks the kernel's connection hash: milliseconds each, whatever the namespace holds);
 * beyond it the rest wait for the next refresh, the longest unread first.
 */
export const NAMESPACE_READ_BUDGET_MS = 20;

/**
 * Re-read other namespaces' tables: those that carried traffic (connection states), or with
 * `every` all of them (the exporter's /connections lists them), the longest unread first, until
 * NAMESPACE_READ_BUDGET_MS is spent (at least one each time). `now` stamps each read. Returns
 * the tables of every namespace read so far (their sockets' holders are worth keeping).
 */
export function refreshNamespaces(netns: NetnsRegistry, now: () => number, every: boolean): SocketTables[] {
  const due = [...netns.all()]
    .filter((ns) => every || ns.tables.generation !== 0)
    .sort((a, b) => a.tables.fullReadMs - b.tables.fullReadMs || a.inode - b.inode);
  const start = now();
  for (const [i, ns] of due.entries()) {
    if (i > 0 && now() - start >= NAMESPACE_READ_BUDGET_MS) break;
    ns.tables.refresh();
    ns.tables.fullReadMs = now();
  }
  return [...netns.all()].filter((ns) => ns.tables.generation !== 0).map((ns) => ns.tables);
}

/** Tie young processes' sockets to the conversations the tables of their namespace show them in. */
export function tieYoungSockets(census: ProcessCensus, own: SocketTables, netns: NetnsRegistry, nowMs: number): void {
  for (const ino of [...census.untied()]) {
    const found = namespaceOfInode(ino, own, netns);
    if (!found) continue;
    const e = found.entry;
    const key = exactKey(e.proto, joinAddr(e.localAddr), e.localPort, joinAddr(e.remoteAddr), e.remotePort);
    census.tie(ino, tieKey(key, e.proto, e.remotePort, e.localPort, found.netns), nowMs);
  }
}

/** The socket with this inode and its namespace (0: bwtop's own), from the tables read so far. */
function namespaceOfInode(inode: number, own: SocketTables, netns: NetnsRegistry): { entry: SocketEntry; netns: number } | null {
  const e = own.byInode(inode);
  if (e) return { entry: e, netns: 0 };
  for (const ns of netns.all()) {
    const f = ns.tables.byInode(inode);
    if (f) return { entry: f, netns: ns.inode };
  }
  return null;
}

/**
 * Whether the flow is a copy address translation put on the wire (nat-copies.ts): false, true,
 * or null to ask again shortly. Asked only of flows without a socket of their own: with no socket
 * at all, or, where other namespaces exist, joined only through a bound socket or a listener (the
 * copy of a container's connection addressed to a server in another namespace). Never of loopback
 * flows: translation does not apply there, and a short-lived loopback connection must not wait.
 */
export function natCopyOf(
  nat: NatCopies,
  foreignCount: number,
  tables: SocketTables,
  f: Flow,
  entry: SocketEntry | null,
  nowMs: number,
): boolean | null {
  if (!nat.available(nowMs) || onLoopback(f)) return false;
  const own = tables.find(flowTables(f), flowKey(f));
  if (own && own.inode !== 0) return false;
  if (entry && entry.inode !== 0 && foreignCount === 0) return false;
  return nat.isCopy(flowKey(f), f.firstSeenMs, nowMs);
}

/**
 * The tuple of the host's own socket a flow of bwtop's own namespace is the translated view of
 * (nat-copies.ts: a published port the host connects to itself), or null. Never for loopback
 * flows (as natCopyOf).
 */
export function translatedOrigin(nat: NatCopies, f: Flow, nowMs: number): NatOrigin | null {
  if (f.netns !== 0 || !nat.available(nowMs) || onLoopback(f)) return null;
  return nat.originOf(flowKey(f), f.firstSeenMs, nowMs);
}

/**
 * That socket, from the tables read or learned so far; null when none. Asked after natCopyOf,
 * which waits for connection tracking to be read since the flow began.
 */
export function translatedSocket(nat: NatCopies, tables: SocketTables, f: Flow, nowMs: number): SocketEntry | null {
  const origin = translatedOrigin(nat, f, nowMs);
  const e = origin ? tables.find(flowTables(f), origin.key) : undefined;
  return e && e.inode !== 0 ? e : null;
}

function onLoopback(f: Flow): boolean {
  return f.family === 4 ? f.l3 >>> 24 === 127 : f.l0 === 0 && f.l1 === 0 && f.l2 === 0 && f.l3 === 1;
}
