// Which row of the socket tables a flow belongs to, and what state its connection is in.
import type { SocketEntry } from '../proc/types.js';
import { PROTO_TCP } from '../packet.js';
import { FLOW_RESOLVED, type Flow } from './flow.js';
import { flowKey, flowProtoName, flowTables } from './flow-text.js';
import type { SocketTables } from './socket-index.js';

/** The socket a flow belongs to in the current tables, or null. */
export function flowSocket(tables: SocketTables, f: Flow): SocketEntry | null {
  const names = flowTables(f);
  const e = tables.find(names, flowKey(f));
  if (e && e.inode !== 0) return e;
  const b = tables.findBound(names, flowProtoName(f), f.family, f.localAddrText, f.lport);
  // A TCP flow falls back only to a listener: its process owns the accepted socket.
  if (b && b.entry.inode !== 0 && (f.proto !== PROTO_TCP || b.entry.state === 'LISTEN')) return b.entry;
  return e ?? null;
}

/**
 * The flow's connection state: its own row's (TIME_WAIT rows have no inode but still tell the
 * truth), the bound socket's for UDP, and never a TCP listener's, which only names the owner.
 */
export function flowState(tables: SocketTables, f: Flow): string {
  const names = flowTables(f);
  // The conversation's own row tells its state, whichever socket now has the 4-tuple.
  const e = tables.find(names, flowKey(f));
  if (e) return e.state;
  if (f.proto !== PROTO_TCP) {
    const b = tables.findBound(names, 'udp', f.family, f.localAddrText, f.lport);
    if (b && b.entry.inode === f.inode) return b.entry.state;
  }
  // A translated view of the socket (the host's own connection to a published port) has no row
  // of its 4-tuple: the socket's own row tells.
  const own = f.inode ? tables.byInode(f.inode) : undefined;
  if (own) return own.state;
  // Gone from tables that were read after its owner was found: closed.
  return f.inode && f.status === FLOW_RESOLVED ? 'CLOSED' : f.state;
}
