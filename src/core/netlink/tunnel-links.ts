// Tunnel devices from the kernel's link list (rtnetlink RTM_NEWLINK, IFLA_LINKINFO): which
// devices are VXLAN or WireGuard tunnels, and for VXLAN its UDP port and configured remote. Decoded
// by offsets; a damaged attribute makes the device no tunnel (never a guess).
import { formatV4, formatV6 } from '../engine/address.js';

export type TunnelKind = 'vxlan' | 'wireguard';

export interface TunnelDevice {
  /** The interface name (vx0, wg0). */
  device: string;
  kind: TunnelKind;
  /** The UDP port of its kernel socket: VXLAN's destination port, WireGuard's listen port; null when not known. */
  port: number | null;
  /** VXLAN: the configured remote (or group) address, as flows write addresses; empty when none (forwarding entries only). */
  remotes: string[];
}

const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_VXLAN_GROUP = 2;
const IFLA_VXLAN_PORT = 15;
const IFLA_VXLAN_GROUP6 = 16;

/** Each attribute (type without the nested/byte-order flags, value) of a stream; stops at damage. */
function* attributes(buf: Buffer): Generator<[number, Buffer]> {
  let at = 0;
  while (at + 4 <= buf.length) {
    const len = buf.readUInt16LE(at);
    if (len < 4 || at + len > buf.length) return;
    yield [buf.readUInt16LE(at + 2) & 0x3fff, buf.subarray(at + 4, at + len)];
    at += (len + 3) & ~3;
  }
}

/** The tunnel a device's IFLA_LINKINFO describes, or null (another kind, or unreadable). */
export function tunnelOfLinkInfo(device: string, linkinfo: Buffer): TunnelDevice | null {
  let kind = '';
  let data: Buffer | null = null;
  for (const [type, value] of attributes(linkinfo)) {
    if (type === IFLA_INFO_KIND) kind = value.toString('latin1').replace(/\0.*$/s, '');
    else if (type === IFLA_INFO_DATA) data = value;
  }
  if (kind === 'wireguard') return { device, kind, port: null, remotes: [] };
  if (kind !== 'vxlan' || data === null) return null;
  let port: number | null = null;
  const remotes: string[] = [];
  for (const [type, v] of attributes(data)) {
    if (type === IFLA_VXLAN_PORT && v.length >= 2) port = v.readUInt16BE(0);
    else if (type === IFLA_VXLAN_GROUP && v.length === 4 && v.readUInt32BE(0) !== 0) remotes.push(formatV4(v.readUInt32BE(0)));
    else if (type === IFLA_VXLAN_GROUP6 && v.length === 16) {
      const w = [0, 4, 8, 12].map((o) => v.readUInt32BE(o)) as [number, number, number, number];
      if (w.some((x) => x !== 0)) remotes.push(formatV6(...w));
    }
  }
  return port === null ? null : { device, kind, port, remotes };
}
