// The packet decoder: link layer -> IPv4/IPv6 (+ extension headers, fragments) -> TCP/UDP ports.
// Pure and allocation-free: reads the reused capture buffer by offset, never past caplen, never
// keeps it, and writes into one reused PacketInfo. Only the first bytes of each packet are needed
// (live capture uses a 256-byte snap length); the byte count comes from the IP length fields.

import {
  DECODED_IP,
  DECODED_MALFORMED,
  DECODED_NOT_IP,
  DECODED_PORTS,
  LINK_ETHERNET,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL,
  LINK_LINUX_SLL2,
  LINK_LOOP,
  LINK_NULL,
  LINK_RAW,
  LINK_RAW_FILE,
  PacketInfo,
  PROTO_TCP,
  PROTO_UDP,
} from '../packet.js';
import { u16, u32 } from './bytes.js';
import { FINGERPRINT_SEED, finish, mix, mixTransport } from './fingerprint.js';
import { FragmentTable } from './fragments.js';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100; // 802.1Q
const ETHERTYPE_QINQ = 0x88a8; // 802.1ad
const ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard stacked tag
const MAX_VLAN_TAGS = 8;

// BSD NULL/LOOP address families: AF_INET is 2 everywhere; AF_INET6 differs per BSD.
const AF_INET = 2;
const AF_INET6_NETBSD_OPENBSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;
const IPV6_DEST_OPTS = 60;

export class PacketDecoder {
  /** The last decoded packet; valid after DECODED_PORTS or DECODED_IP, overwritten by the next call. */
  readonly out = new PacketInfo();
  /** Frames counted as DECODED_MALFORMED so far. */
  malformed = 0;
  /** Frames counted as DECODED_NOT_IP so far. */
  notIp = 0;
  private readonly fragments = new FragmentTable();

  /**
   * Decodes one captured frame. `caplen` is how many bytes of `buf` were captured (clamped to the
   * buffer), `linkType` a LINK_* number, `tsMs` the packet's timestamp (the fragment table's clock).
   */
  decode(buf: Buffer, caplen: number, linkType: number, tsMs: number): number {
    let end = caplen > buf.length ? buf.length : caplen | 0;
    if (end < 0) end = 0;
    const o = this.out;
    o.family = 0;
    o.proto = 0;
    o.s0 = o.s1 = o.s2 = o.s3 = 0;
    o.d0 = o.d1 = o.d2 = o.d3 = 0;
    o.sport = o.dport = 0;
    o.ipLen = 0;
    o.tcpFlags = 0;
    o.fingerprint = 0;
    const r = this.link(buf, end, linkType, tsMs);
    if (r === DECODED_MALFORMED) this.malformed++;
    else if (r === DECODED_NOT_IP) this.notIp++;
    return r;
  }

  private link(buf: Buffer, end: number, linkType: number, tsMs: number): number {
    switch (linkType) {
      case LINK_ETHERNET:
        if (end < 14) return DECODED_MALFORMED;
        return this.ethertype(buf, end, u16(buf, 12), 14, tsMs);
      case LINK_LINUX_SLL: // packet type, ARPHRD, address length, 8 address bytes, protocol
        if (end < 16) return DECODED_MALFORMED;
        return this.ethertype(buf, end, u16(buf, 14), 16, tsMs);
      case LINK_LINUX_SLL2: // protocol, reserved, ifindex, ARPHRD, packet type, address length, address
        if (end < 20) return DECODED_MALFORMED;
        return this.ethertype(buf, end, u16(buf, 0), 20, tsMs);
      case LINK_RAW:
      case LINK_RAW_FILE:
        if (end < 1) return DECODED_MALFORMED;
        return this.ipByVersion(buf, end, 0, tsMs);
      case LINK_IPV4:
        return this.ipv4(buf, end, 0, tsMs);
      case LINK_IPV6:
        return this.ipv6(buf, end, 0, tsMs);
      case LINK_NULL: {
        // Host byte order of the machine that captured: accept either order.
        if (end < 4) return DECODED_MALFORMED;
        const le = buf.readUInt32LE(0);
        const be = u32(buf, 0);
        if (le === AF_INET || be === AF_INET) return this.ipv4(buf, end, 4, tsMs);
        if (isAfInet6(le) || isAfInet6(be)) return this.ipv6(buf, end, 4, tsMs);
        return DECODED_NOT_IP;
      }
      case LINK_LOOP: {
        if (end < 4) return DECODED_MALFORMED;
        const af = u32(buf, 0);
        if (af === AF_INET) return this.ipv4(buf, end, 4, tsMs);
        if (isAfInet6(af)) return this.ipv6(buf, end, 4, tsMs);
        return DECODED_NOT_IP;
      }
      default:
        return DECODED_NOT_IP;
    }
  }

  /** Follows an EtherType (skipping any stack of VLAN tags) to the IP header at `off`. */
  private ethertype(buf: Buffer, end: number, type: number, off: number, tsMs: number): number {
    for (let tags = 0; type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD; tags++) {
      if (tags === MAX_VLAN_TAGS || off + 4 > end) return DECODED_MALFORMED;
      type = u16(buf, off + 2);
      off += 4;
    }
    if (type === ETHERTYPE_IPV4) return this.ipv4(buf, end, off, tsMs);
    if (type === ETHERTYPE_IPV6) return this.ipv6(buf, end, off, tsMs);
    return DECODED_NOT_IP;
  }

  private ipByVersion(buf: Buffer, end: number, off: number, tsMs: number): number {
    const version = buf[off]! >> 4;
    if (version === 4) return this.ipv4(buf, end, off, tsMs);
    if (version === 6) return this.ipv6(buf, end, off, tsMs);
    return DECODED_MALFORMED;
  }

  private ipv4(buf: Buffer, end: number, off: number, tsMs: number): number {
    if (off + 20 > end) return DECODED_MALFORMED;
    const b0 = buf[off]!;
    const hdrLen = (b0 & 15) << 2;
    const totalLen = u16(buf, off + 2);
    if (b0 >> 4 !== 4 || hdrLen < 20 || totalLen < hdrLen) return DECODED_MALFORMED;
    const id = u16(buf, off + 4);
    const fragWord = u16(buf, off + 6); // flags and offset: unchanged by forwarding
    const proto = buf[off + 9]!;
    const o = this.out;
    o.family = 4;
    o.proto = proto;
    o.s3 = u32(buf, off + 12);
    o.d3 = u32(buf, off + 16);
    o.ipLen = totalLen;
    let h = mix(mix(FINGERPRINT_SEED ^ 4, o.s3), o.d3);
    h = mix(h, (id << 16) | fragWord);
    h = mix(h, (proto << 16) | totalLen);
    const t = off + hdrLen;
    const ipEnd = off + totalLen;
    const limit = Math.min(end, ipEnd);
    if ((fragWord & 0x1fff) !== 0) {
      // A later fragment: no transport header here; the first fragment told us the ports.
      o.fingerprint = finish(mixTransport(h, buf, t, limit, -1));
      if ((proto === PROTO_TCP || proto === PROTO_UDP) && this.fragments.lookup(o, id, tsMs)) return DECODED_PORTS;
      return DECODED_IP;
    }
    const firstFragment = (fragWord & 0x2000) !== 0;
    return this.transport(buf, end, t, ipEnd, limit, h, tsMs, firstFragment, id);
  }

  private ipv6(buf: Buffer, end: number, off: number, tsMs: number): number {
    if (off + 40 > end) return DECODED_MALFORMED;
    const w0 = u32(buf, off);
    if (w0 >>> 28 !== 6) return DECODED_MALFORMED;
    const payloadLen = u16(buf, off + 4);
    let next = buf[off + 6]!;
    const o = this.out;
    o.family = 6;
    o.s0 = u32(buf, off + 8);
    o.s1 = u32(buf, off + 12);
    o.s2 = u32(buf, off + 16);
    o.s3 = u32(buf, off + 20);
    o.d0 = u32(buf, off + 24);
    o.d1 = u32(buf, off + 28);
    o.d2 = u32(buf, off + 32);
    o.d3 = u32(buf, off + 36);
    o.ipLen = 40 + payloadLen;
    let h = mix(mix(mix(mix(FINGERPRINT_SEED ^ 6, o.s0), o.s1), o.s2), o.s3);
    h = mix(mix(mix(mix(h, o.d0), o.d1), o.d2), o.d3);
    h = mix(h, w0 & 0xfffff); // flow label (traffic class may be re-marked on the way)
    h = mix(h, (next << 16) | payloadLen);
    const ipEnd = off + 40 + payloadLen;
    // Payload length 0 means a jumbogram (or a GSO packet): its length cannot bound the chain.
    const bounded = payloadLen !== 0;
    const limit = end < ipEnd || !bounded ? end : ipEnd;
    let p = off + 40;
    let firstFragment = false;
    let fragId = 0;
    for (;;) {
      let hdrLen: number;
      if (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DEST_OPTS) {
        if (p + 2 > end) break;
        hdrLen = (buf[p + 1]! + 1) << 3;
      } else if (next === IPV6_AH) {
        if (p + 2 > end) break;
        hdrLen = (buf[p + 1]! + 2) << 2;
      } else if (next === IPV6_FRAGMENT) {
        if (p + 8 > end) break;
        hdrLen = 8;
        const offsetWord = u16(buf, p + 2);
        fragId = u32(buf, p + 4);
        h = mix(mix(h, offsetWord), fragId);
        if (bounded && p + 8 > ipEnd) return DECODED_MALFORMED;
        if ((offsetWord & 0xfff8) !== 0) {
          // A later fragment: what follows is the middle of the datagram, not a header.
          o.proto = buf[p]!;
          o.fingerprint = finish(mixTransport(h, buf, p + 8, limit, -1));
          if (this.fragments.lookup(o, fragId, tsMs)) {
            return o.proto === PROTO_TCP || o.proto === PROTO_UDP ? DECODED_PORTS : DECODED_IP;
          }
          return DECODED_IP;
        }
        firstFragment = (offsetWord & 1) !== 0;
      } else {
        o.proto = next;
        return this.transport(buf, end, p, bounded ? ipEnd : 0x7fffffff, limit, h, tsMs, firstFragment, fragId);
      }
      if (bounded && p + hdrLen > ipEnd) return DECODED_MALFORMED;
      next = buf[p]!;
      p += hdrLen;
    }
    // The extension chain runs past the captured bytes: the IP header is whole, the ports unknown.
    o.proto = next;
    o.fingerprint = finish(h);
    return DECODED_IP;
  }

  /**
   * Reads the ports at `t` for TCP/UDP (o.proto already set) and finishes the fingerprint.
   * `ipEnd` is where the IP packet ends by its length field, `limit` = min(captured, ipEnd).
   */
  private transport(
    buf: Buffer,
    end: number,
    t: number,
    ipEnd: number,
    limit: number,
    h: number,
    tsMs: number,
    firstFragment: boolean,
    fragId: number,
  ): number {
    const o = this.out;
    const proto = o.proto;
    o.fingerprint = finish(mixTransport(h, buf, t, limit, proto));
    if (proto !== PROTO_TCP && proto !== PROTO_UDP) return DECODED_IP;
    if (t + (proto === PROTO_TCP ? 20 : 8) > ipEnd) return DECODED_MALFORMED; // header cannot fit
    if (t + 4 > end) return DECODED_IP; // IP header captured, ports cut off by the snap length
    o.sport = u16(buf, t);
    o.dport = u16(buf, t + 2);
    if (proto === PROTO_TCP && t + 14 <= end) o.tcpFlags = buf[t + 13]!;
    if (firstFragment) this.fragments.remember(o, fragId, tsMs);
    return DECODED_PORTS;
  }
}

function isAfInet6(af: number): boolean {
  return af === AF_INET6_NETBSD_OPENBSD || af === AF_INET6_FREEBSD || af === AF_INET6_DARWIN;
}
