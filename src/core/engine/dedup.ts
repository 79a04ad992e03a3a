// Recognises the same packet captured on two interfaces (a bridge and its port, a bond and its
// slave, a packet routed from one NIC to another) so it is counted once. Rule: a packet whose
// fingerprint matches one seen on a DIFFERENT captured interface within DEDUP_WINDOW_MS of packet
// time is a duplicate. The table is direct-mapped and fixed-size: no allocation per packet, at
// the price that under a flood a slot may be overwritten before the twin arrives (then the twin
// counts twice — rare, and never a loss).
export const DEDUP_WINDOW_MS = 5;
const SLOTS = 1 << 16;

export class CrossInterfaceDedup {
  private readonly fp = new Uint32Array(SLOTS);
  private readonly ts = new Float64Array(SLOTS).fill(-Infinity);
  private readonly iface = new Uint16Array(SLOTS);

  /** True when this packet was already seen on another interface; otherwise remembers it. */
  isDuplicate(fingerprint: number, ifIndex: number, tsMs: number): boolean {
    const slot = fingerprint & (SLOTS - 1);
    if (this.fp[slot] === fingerprint >>> 0 && this.iface[slot] !== ifIndex && Math.abs(tsMs - this.ts[slot]!) <= DEDUP_WINDOW_MS) {
      // The entry stays: a third interface on the path (veth -> bridge -> NIC) is a twin too.
      return true;
    }
    this.fp[slot] = fingerprint >>> 0;
    this.ts[slot] = tsMs;
    this.iface[slot] = ifIndex;
    return false;
  }
}
