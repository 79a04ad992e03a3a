// A flow's endpoints as text and its join key, made once per flow when the join first needs
// them (never on the per-packet path).
import { PROTO_TCP } from '../packet.js';
import { formatAddress } from './address.js';
import { formatEndpoint } from '../proc/address.js';
import type { Flow } from './flow.js';
import { exactKey, tablesFor, type TableName } from './socket-index.js';

export function flowProtoName(f: Flow): 'tcp' | 'udp' {
  return f.proto === PROTO_TCP ? 'tcp' : 'udp';
}

export function ensureFlowText(f: Flow): void {
  if (f.localAddrText) return;
  f.localAddrText = formatAddress(f.family, f.l0, f.l1, f.l2, f.l3);
  f.remoteAddrText = formatAddress(f.family, f.r0, f.r1, f.r2, f.r3);
  f.localText = formatEndpoint(f.localAddrText, f.lport);
  f.remoteText = formatEndpoint(f.remoteAddrText, f.rport);
  f.joinKey = exactKey(flowProtoName(f), f.localAddrText, f.lport, f.remoteAddrText, f.rport);
  f.idText = `${flowProtoName(f)} ${f.localText} ${f.remoteText}`;
}

/** Made once per flow: the join looks it up on every pass and every refresh. */
export function flowKey(f: Flow): string {
  ensureFlowText(f);
  return f.joinKey;
}

export function flowTables(f: Flow): readonly TableName[] {
  return tablesFor(flowProtoName(f), f.family);
}
