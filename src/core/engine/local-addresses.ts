// The set of this host's addresses, which decides a packet's direction. Small (a handful of
// addresses), so a linear scan over typed arrays beats hashing and allocates nothing.
import { parseAddress } from './address.js';

export class LocalAddresses {
  private fam = new Uint8Array(0);
  private w = new Uint32Array(0);
  private bcast = new Uint32Array(0); // IPv4 directed broadcast addresses

  /** Replace the set. Addresses are text ("10.0.0.5", "fe80::1%eth0"); bad ones are ignored. */
  set(addresses: string[], broadcasts: string[] = []): void {
    const parsed = addresses.map(parseAddress).filter((p) => p !== null);
    this.fam = new Uint8Array(parsed.length);
    this.w = new Uint32Array(parsed.length * 4);
    parsed.forEach((p, i) => {
      this.fam[i] = p.family;
      this.w.set(p.words, i * 4);
    });
    const b = broadcasts.map(parseAddress).filter((p) => p !== null && p.family === 4);
    this.bcast = Uint32Array.from(b.map((p) => p!.words[3]));
  }

  get count(): number {
    return this.fam.length;
  }

  /** An address of this host. Loopback ranges are always local (127/8, ::1). */
  has(family: number, a0: number, a1: number, a2: number, a3: number): boolean {
    if (family === 4) {
      if (a3 >>> 24 === 127) return true;
    } else if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 1) return true;
    const fam = this.fam;
    const w = this.w;
    for (let i = 0; i < fam.length; i++) {
      const o = i * 4;
      if (fam[i] === family && w[o + 3] === a3 && w[o + 2] === a2 && w[o + 1] === a1 && w[o] === a0) return true;
    }
    return false;
  }

  /** A destination the host receives without owning it: multicast or broadcast. */
  isGroup(family: number, a0: number, a3: number): boolean {
    if (family === 4) {
      if (a3 >>> 28 === 0xe || a3 === 0xffffffff) return true;
      const b = this.bcast;
      for (let i = 0; i < b.length; i++) if (b[i] === a3) return true;
      return false;
    }
    return a0 >>> 24 === 0xff;
  }
}
