// Open-addressing hash table from a flow's numeric identity (namespace, protocol, endpoints) to
// its Flow, so the per-packet lookup builds no string key and allocates nothing. Deleting uses
// backward-shift, so no tombstones accumulate in a long-running capture.
import { Flow } from './flow.js';

function mix(h: number, v: number): number {
  h ^= v;
  h = Math.imul(h, 0x01000193);
  return h ^ (h >>> 15);
}

export class FlowTable {
  private slots: Int32Array; // index into flows, -1 when empty
  private flows: (Flow | undefined)[] = [];
  private free: number[] = [];
  private mask: number;
  size = 0;

  constructor(
    private readonly windowLength: number,
    initialCapacity = 4096,
  ) {
    let cap = 1;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  static hash(
    proto: number,
    l0: number,
    l1: number,
    l2: number,
    l3: number,
    lport: number,
    r0: number,
    r1: number,
    r2: number,
    r3: number,
    rport: number,
    netns = 0,
  ): number {
    let h = 0x811c9dc5 ^ proto;
    if (netns !== 0) h = mix(h, netns);
    h = mix(h, l0);
    h = mix(h, l1);
    h = mix(h, l2);
    h = mix(h, l3);
    h = mix(h, r0);
    h = mix(h, r1);
    h = mix(h, r2);
    h = mix(h, r3);
    h = mix(h, (lport << 16) | rport);
    return h >>> 0;
  }

  /** Find the flow, or null. Arguments are the flow's identity as the socket sees it. */
  find(
    hash: number,
    proto: number,
    family: number,
    l0: number,
    l1: number,
    l2: number,
    l3: number,
    lport: number,
    r0: number,
    r1: number,
    r2: number,
    r3: number,
    rport: number,
    netns = 0,
  ): Flow | null {
    const slots = this.slots;
    let i = hash & this.mask;
    for (;;) {
      const idx = slots[i]!;
      if (idx < 0) return null;
      const f = this.flows[idx]!;
      if (
        f.hash === hash &&
        f.lport === lport &&
        f.rport === rport &&
        f.proto === proto &&
        f.family === family &&
        f.l3 === l3 &&
        f.r3 === r3 &&
        f.l2 === l2 &&
        f.r2 === r2 &&
        f.l1 === l1 &&
        f.r1 === r1 &&
        f.l0 === l0 &&
        f.r0 === r0 &&
        f.netns === netns
      ) {
        return f;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Insert a new flow (the caller has checked it is absent). Allocates: once per new flow. */
  insert(
    hash: number,
    proto: number,
    family: number,
    l0: number,
    l1: number,
    l2: number,
    l3: number,
    lport: number,
    r0: number,
    r1: number,
    r2: number,
    r3: number,
    rport: number,
    netns = 0,
  ): Flow {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const f = new Flow(this.windowLength);
    f.hash = hash;
    f.netns = netns;
    f.proto = proto;
    f.family = family;
    f.l0 = l0;
    f.l1 = l1;
    f.l2 = l2;
    f.l3 = l3;
    f.lport = lport;
    f.r0 = r0;
    f.r1 = r1;
    f.r2 = r2;
    f.r3 = r3;
    f.rport = rport;
    const idx = this.free.pop() ?? this.flows.length;
    this.flows[idx] = f;
    this.place(hash, idx);
    this.size++;
    return f;
  }

  remove(f: Flow): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = f.hash & mask;
    for (;;) {
      const idx = slots[i]!;
      if (idx < 0) return;
      if (this.flows[idx] === f) break;
      i = (i + 1) & mask;
    }
    const idx = slots[i]!;
    this.flows[idx] = undefined;
    this.free.push(idx);
    this.size--;
    // Backward-shift deletion: pull later members of the probe run into the hole.
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      const jdx = slots[j]!;
      if (jdx < 0) break;
      const home = this.flows[jdx]!.hash & mask;
      const dist = (j - home) & mask;
      const holeDist = (j - hole) & mask;
      if (dist >= holeDist) {
        slots[hole] = jdx;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    slots[hole] = -1;
  }

  /** Every flow. One iterator object per loop: a generator made a result object per flow. */
  values(): IterableIterator<Flow> {
    return new FlowCursor(this.flows);
  }

  private place(hash: number, idx: number): void {
    let i = hash & this.mask;
    while (this.slots[i]! >= 0) i = (i + 1) & this.mask;
    this.slots[i] = idx;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    this.flows.forEach((f, idx) => {
      if (f) this.place(f.hash, idx);
    });
  }
}

/** Walks the table's flow slots, skipping free ones, handing each flow out in one reused result. */
class FlowCursor implements IterableIterator<Flow> {
  private i = 0;
  private readonly result: IteratorResult<Flow> = { done: false, value: undefined as unknown as Flow };

  constructor(private readonly flows: readonly (Flow | undefined)[]) {}

  next(): IteratorResult<Flow> {
    const flows = this.flows;
    while (this.i < flows.length) {
      const f = flows[this.i++];
      if (f) {
        this.result.value = f;
        return this.result;
      }
    }
    this.result.done = true;
    this.result.value = undefined;
    return this.result;
  }

  [Symbol.iterator](): IterableIterator<Flow> {
    return this;
  }
}
