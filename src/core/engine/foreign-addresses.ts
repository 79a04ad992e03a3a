// Which other network namespace an address is local to, asked for every packet whose ends are
// not bwtop's own: an open-addressing table over typed arrays, so a host with hundreds of
// containers costs one probe or two per packet and nothing is allocated.
import { parseAddress } from './address.js';

/** An address local to one namespace (inode), as text. */
export interface NamespaceAddress {
  address: string;
  netns: number;
}

function slotHash(a0: number, a1: number, a2: number, a3: number): number {
  let h = Math.imul(a3 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ a2 ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ a1 ^ (h >>> 16), 0x85ebca6b);
  return (h ^ a0 ^ (h >>> 13)) >>> 0;
}

export class ForeignAddresses {
  private fam = new Uint8Array(0);
  private w = new Uint32Array(0);
  private ns = new Float64Array(0);
  private slots = new Int32Array(1).fill(-1);
  private mask = 0;

  get size(): number {
    return this.fam.length;
  }

  /**
   * Replace the set. Loopback addresses are left out (another namespace's loopback never shows on
   * an interface bwtop captures on), and so is an address local to two namespaces: its packets
   * cannot be told apart, and a wrong owner is worse than none.
   */
  set(list: readonly NamespaceAddress[]): void {
    const owner = new Map<string, number>();
    const ambiguous = new Set<string>();
    for (const { address, netns } of list) {
      const seen = owner.get(address);
      if (seen !== undefined && seen !== netns) ambiguous.add(address);
      owner.set(address, netns);
    }
    const kept: { family: number; words: number[]; netns: number }[] = [];
    for (const [address, netns] of owner) {
      const p = ambiguous.has(address) ? null : parseAddress(address);
      if (!p) continue;
      const [a0, a1, a2, a3] = p.words;
      if (p.family === 4 ? a3 >>> 24 === 127 : a0 === 0 && a1 === 0 && a2 === 0 && a3 === 1) continue;
      kept.push({ family: p.family, words: p.words, netns });
    }
    let cap = 2;
    while (cap < kept.length * 2) cap <<= 1;
    this.fam = new Uint8Array(kept.length);
    this.w = new Uint32Array(kept.length * 4);
    this.ns = new Float64Array(kept.length);
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    kept.forEach((k, i) => {
      this.fam[i] = k.family;
      this.w.set(k.words, i * 4);
      this.ns[i] = k.netns;
      let s = slotHash(k.words[0]!, k.words[1]!, k.words[2]!, k.words[3]!) & this.mask;
      while (this.slots[s]! >= 0) s = (s + 1) & this.mask;
      this.slots[s] = i;
    });
  }

  /** The inode of the namespace the address is local to, or -1. */
  find(family: number, a0: number, a1: number, a2: number, a3: number): number {
    if (this.fam.length === 0) return -1;
    const w = this.w;
    let s = slotHash(a0, a1, a2, a3) & this.mask;
    for (;;) {
      const i = this.slots[s]!;
      if (i < 0) return -1;
      const o = i * 4;
      if (w[o + 3] === a3 && w[o + 2] === a2 && w[o + 1] === a1 && w[o] === a0 && this.fam[i] === family) return this.ns[i]!;
      s = (s + 1) & this.mask;
    }
  }
}
