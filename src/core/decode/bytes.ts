// Big-endian reads by offset. Callers check bounds against caplen first; the `!` only tells the
// compiler so. A stray read past the end would yield NaN -> 0 in the bit operations, never throw.

export function u16(buf: Buffer, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

export function u32(buf: Buffer, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}
