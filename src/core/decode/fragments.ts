// Remembers the ports of first fragments so later fragments of the same datagram can be credited
// to the same flow. Fixed size, typed arrays, open addressing with a short probe window: no
// allocation per packet. An entry lives FRAGMENT_TTL_MS of packet time (reassembly timeouts are
// 30 s on Linux for IPv4 and 60 s for IPv6; 30 s covers real traffic). Entries are never removed
// on the last fragment: the same datagram may be captured again on a second interface, and
// fragments may arrive out of order.

import type { PacketInfo } from '../packet.js';
import { finish, mix } from './fingerprint.js';

export const FRAGMENT_TTL_MS = 30_000;
const SLOTS = 1024; // power of two
const PROBES = 8;
// Per-slot key words: family, s0..s3, d0..d3, id, proto (IPv4 only; 0 for IPv6 whose fragments
// carry the protocol of the fragmentable part, which may be an extension header).
const KEY = 11;

export class FragmentTable {
  private readonly keys = new Uint32Array(SLOTS * KEY);
  private readonly ports = new Uint32Array(SLOTS); // sport << 16 | dport
  private readonly protos = new Uint8Array(SLOTS); // upper-layer protocol found in the first fragment
  private readonly seen = new Float64Array(SLOTS).fill(-Infinity);

  /** Remembers the first fragment described by `p` (addresses, proto, ports filled in). */
  remember(p: PacketInfo, id: number, tsMs: number): void {
    const keyProto = p.family === 4 ? p.proto : 0;
    const home = this.home(p, id, keyProto);
    let victim = home;
    let oldest = Infinity;
    for (let i = 0; i < PROBES; i++) {
      const slot = (home + i) & (SLOTS - 1);
      if (this.matches(slot, p, id, keyProto) || !(tsMs - this.seen[slot]! < FRAGMENT_TTL_MS)) {
        victim = slot;
        break;
      }
      if (this.seen[slot]! < oldest) {
        oldest = this.seen[slot]!;
        victim = slot;
      }
    }
    const k = victim * KEY;
    const keys = this.keys;
    keys[k] = p.family;
    keys[k + 1] = p.s0;
    keys[k + 2] = p.s1;
    keys[k + 3] = p.s2;
    keys[k + 4] = p.s3;
    keys[k + 5] = p.d0;
    keys[k + 6] = p.d1;
    keys[k + 7] = p.d2;
    keys[k + 8] = p.d3;
    keys[k + 9] = id;
    keys[k + 10] = keyProto;
    this.ports[victim] = ((p.sport << 16) | p.dport) >>> 0;
    this.protos[victim] = p.proto;
    this.seen[victim] = tsMs;
  }

  /**
   * Looks up the first fragment of the datagram `p` belongs to; when found fills p.sport, p.dport
   * and p.proto and returns true. For IPv4 p.proto must already hold the header's protocol.
   */
  lookup(p: PacketInfo, id: number, tsMs: number): boolean {
    const keyProto = p.family === 4 ? p.proto : 0;
    const home = this.home(p, id, keyProto);
    for (let i = 0; i < PROBES; i++) {
      const slot = (home + i) & (SLOTS - 1);
      if (this.matches(slot, p, id, keyProto)) {
        const age = tsMs - this.seen[slot]!;
        // Packet time may step back a little (two interfaces merged); only stale entries miss.
        if (!(age < FRAGMENT_TTL_MS && age > -FRAGMENT_TTL_MS)) return false;
        const ports = this.ports[slot]!;
        p.sport = ports >>> 16;
        p.dport = ports & 0xffff;
        p.proto = this.protos[slot]!;
        return true;
      }
    }
    return false;
  }

  private home(p: PacketInfo, id: number, keyProto: number): number {
    let h = mix(p.family, p.s3);
    h = mix(h, p.d3);
    if (p.family === 6) {
      h = mix(mix(mix(h, p.s0), p.s1), p.s2);
      h = mix(mix(mix(h, p.d0), p.d1), p.d2);
    }
    h = mix(mix(h, id), keyProto);
    return finish(h) & (SLOTS - 1);
  }

  private matches(slot: number, p: PacketInfo, id: number, keyProto: number): boolean {
    const k = slot * KEY;
    const keys = this.keys;
    return (
      this.seen[slot] !== -Infinity &&
      keys[k] === p.family &&
      keys[k + 9] === id >>> 0 &&
      keys[k + 4] === p.s3 >>> 0 &&
      keys[k + 8] === p.d3 >>> 0 &&
      keys[k + 10] === keyProto &&
      keys[k + 1] === p.s0 >>> 0 &&
      keys[k + 2] === p.s1 >>> 0 &&
      keys[k + 3] === p.s2 >>> 0 &&
      keys[k + 5] === p.d0 >>> 0 &&
      keys[k + 6] === p.d1 >>> 0 &&
      keys[k + 7] === p.d2 >>> 0
    );
  }
}
