// Where a flow's owner is searched first when its socket's holder is not known yet: the process
// of the listener on its local port (it owns the accepted sockets), then the newest processes.
import type { SocketEntry } from '../proc/types.js';
import { PROTO_TCP } from '../packet.js';
import type { Flow } from './flow.js';
import { flowProtoName, flowTables } from './flow-text.js';
import type { OwnerFinder } from './owner-finder.js';
import type { SocketTables } from './socket-index.js';

/** The newest processes read when a new flow's owner is not known. */
export const NEWEST_PIDS = 16;
/** A process read this recently is not read again by the newest-first search. */
export const RESCAN_AFTER_MS = 2000;

/** The owner of the TCP listener on the flow's local port, if known. */
export function listenerOwner(owners: OwnerFinder, f: Flow, tables: SocketTables): number | undefined {
  if (f.proto !== PROTO_TCP) return undefined;
  const l = tables.findBound(flowTables(f), 'tcp', f.family, f.localAddrText, f.lport);
  return l && l.entry.state === 'LISTEN' ? owners.lookup(l.entry.inode) : undefined;
}

/** Likely owners first: the listener's process, then the newest processes. */
export function searchLikely(
  owners: OwnerFinder,
  f: Flow,
  tables: SocketTables,
  entry: SocketEntry,
  scanned: Set<number>,
  nowMs: number,
): number | undefined {
  const listener = tables.findBound(flowTables(f), flowProtoName(f), f.family, f.localAddrText, f.lport);
  if (listener && listener.entry.inode !== entry.inode) {
    const lp = owners.lookup(listener.entry.inode);
    if (lp !== undefined && !scanned.has(lp)) {
      scanned.add(lp);
      owners.scanPid(lp, nowMs);
      const pid = owners.lookup(entry.inode);
      if (pid !== undefined) return pid;
    }
  }
  owners.scanYoung(NEWEST_PIDS, scanned, nowMs, RESCAN_AFTER_MS, true);
  return owners.lookup(entry.inode);
}
