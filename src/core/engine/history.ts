// Per-interval byte counts of the last HISTORY_LENGTH intervals (a ring), for charts and rates.
import { HISTORY_LENGTH } from '../model.js';

export class History {
  private readonly ring = new Float64Array(HISTORY_LENGTH);
  private at = 0;
  count = 0;

  push(v: number): void {
    this.ring[this.at] = v;
    this.at = (this.at + 1) % HISTORY_LENGTH;
    if (this.count < HISTORY_LENGTH) this.count++;
  }

  /** Sum of the newest `n` intervals. */
  recent(n: number): number {
    const k = Math.min(n, this.count);
    let sum = 0;
    for (let i = 1; i <= k; i++) sum += this.ring[(this.at - i + HISTORY_LENGTH) % HISTORY_LENGTH]!;
    return sum;
  }

  /** Bytes per second over the newest `n` intervals (fewer when fewer exist). */
  rate(n: number, intervalMs: number): number {
    const k = Math.min(n, this.count);
    return k === 0 ? 0 : (this.recent(k) * 1000) / (k * intervalMs);
  }

  /** Oldest first, zero-padded to HISTORY_LENGTH. */
  toArray(): number[] {
    const out = new Array<number>(HISTORY_LENGTH).fill(0);
    for (let i = 0; i < this.count; i++) {
      out[HISTORY_LENGTH - 1 - i] = this.ring[(this.at - 1 - i + HISTORY_LENGTH) % HISTORY_LENGTH]!;
    }
    return out;
  }
}
