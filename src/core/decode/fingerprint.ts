// MurmurHash3-style mixing on 32-bit words: cheap, allocation-free and well spread, so two
// different packets almost never share a fingerprint while one packet seen on two interfaces
// (bridge and port, routed NIC to NIC) always does. Only fields that survive forwarding are fed
// in; TTL / hop limit, the IPv4 header checksum and IP options (record-route is rewritten by
// routers) are left out, and so are transport checksums that NIC offload may or may not have
// filled in by the time the packet is tapped.

import { PROTO_UDP } from '../packet.js';
import { u32 } from './bytes.js';

const PROTO_SCTP = 132;
const PROTO_UDPLITE = 136;

export const FINGERPRINT_SEED = 0x9747b28c;

/** Feeds one 32-bit word into the running hash. */
export function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Final avalanche; returns an unsigned 32-bit value. */
export function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Mixes up to the first 16 bytes of the transport header at `off` (bounded by `limit`, the end of
 * what is both captured and inside the IP packet, so Ethernet padding never counts), with the
 * checksum fields that offload may leave unfinished read as zero.
 */
export function mixTransport(h: number, buf: Buffer, off: number, limit: number, proto: number): number {
  if (limit - off >= 16) {
    // The common case, four whole words.
    let w1 = u32(buf, off + 4);
    let w2 = u32(buf, off + 8);
    if (proto === PROTO_UDP || proto === PROTO_UDPLITE) w1 &= 0xffff0000;
    else if (proto === PROTO_SCTP) w2 = 0;
    return mix(mix(mix(mix(h, u32(buf, off)), w1), w2), u32(buf, off + 12));
  }
  // Fewer than 16 bytes inside the packet and the capture: byte by byte, last word zero-padded.
  const n = limit - off;
  let w = 0;
  let i = 0;
  for (; i < n; i++) {
    let b = buf[off + i]!;
    if ((proto === PROTO_UDP || proto === PROTO_UDPLITE) && (i === 6 || i === 7)) b = 0;
    else if (proto === PROTO_SCTP && i >= 8 && i < 12) b = 0;
    w = (w << 8) | b;
    if ((i & 3) === 3) {
      h = mix(h, w);
      w = 0;
    }
  }
  if ((i & 3) !== 0) h = mix(h, w << ((4 - (i & 3)) << 3));
  return h;
}
