// How numbers are shown. Bytes use binary prefixes throughout (B, KiB, MiB, GiB, TiB; rates with
// "/s"), bits use decimal prefixes as network links are rated (bit/s, kbit/s, Mbit/s, Gbit/s).
// A value is shown with one decimal below 100 and none above, so every value fits 10-11 cells.

/** What the SENT/RECEIVED columns show: rate in bytes/s, rate in bits/s, or bytes since start. */
export type Units = 'bytes' | 'bits' | 'total';

export const UNITS_CYCLE: readonly Units[] = ['bytes', 'bits', 'total'];

export function nextUnits(u: Units): Units {
  return UNITS_CYCLE[(UNITS_CYCLE.indexOf(u) + 1) % UNITS_CYCLE.length]!;
}

/** The byte columns both tables (processes and connections) show, titled by the units. */
export type ByteColumnId = 'sent' | 'received' | 'bar' | 'sentAlt' | 'receivedAlt';

export function isByteColumn(id: string): id is ByteColumnId {
  return id === 'sent' || id === 'received' || id === 'bar' || id === 'sentAlt' || id === 'receivedAlt';
}

/** In total units the main columns show totals, and the alternate ones the rates. */
export function byteColumnTitle(id: ByteColumnId, units: Units): string {
  const alt = units === 'total';
  switch (id) {
    case 'sent':
      return alt ? 'SENT TOTAL' : 'SENT';
    case 'received':
      return alt ? 'RECV TOTAL' : 'RECEIVED';
    case 'bar':
      return 'SENT+RECV';
    case 'sentAlt':
      return alt ? 'SENT' : 'SENT TOTAL';
    case 'receivedAlt':
      return alt ? 'RECEIVED' : 'RECV TOTAL';
  }
}

export function unitsLabel(u: Units): string {
  return u === 'bytes' ? 'rate, bytes/s' : u === 'bits' ? 'rate, bits/s' : 'total bytes';
}

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const DECIMAL_BITS = ['bit', 'kbit', 'Mbit', 'Gbit', 'Tbit', 'Pbit'];

function number(v: number): string {
  if (v >= 99.95) return Math.round(v).toString();
  return v.toFixed(1);
}

/** Scale `value` by `base` until it is below it; returns the scaled value and the prefix index. */
export function scale(value: number, base: number, maxIndex: number): [number, number] {
  let v = Math.max(0, value);
  let i = 0;
  // Compare the rounded value so 1023.96 KiB becomes 1.0 MiB rather than "1024 KiB".
  while (i < maxIndex && Math.round(v) >= base) {
    v /= base;
    i++;
  }
  return [v, i];
}

/** Bytes: "0 B", "512 B", "1.5 KiB", "12.0 MiB", "340 GiB". */
export function formatBytes(n: number): string {
  const [v, i] = scale(n, 1024, BINARY.length - 1);
  return i === 0 ? `${Math.round(v)} B` : `${number(v)} ${BINARY[i]}`;
}

/** Bytes per second: "0 B/s", "1.5 KiB/s". */
export function formatByteRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`;
}

/** Bits per second from bytes per second: "0 bit/s", "12.0 Mbit/s". */
export function formatBitRate(bytesPerSec: number): string {
  const [v, i] = scale(bytesPerSec * 8, 1000, DECIMAL_BITS.length - 1);
  return i === 0 ? `${Math.round(v)} bit/s` : `${number(v)} ${DECIMAL_BITS[i]}/s`;
}

/** A rate in the rate unit the user picked (bits when in bits mode, else bytes). */
export function formatRate(bytesPerSec: number, units: Units): string {
  return units === 'bits' ? formatBitRate(bytesPerSec) : formatByteRate(bytesPerSec);
}

/** A unit to plot a series in: the largest that keeps the peak at or above 1. */
export function chartUnit(peakBytesPerSec: number, units: Units): { divisor: number; label: string } {
  if (units === 'bits') {
    const [, i] = scale(peakBytesPerSec * 8, 1000, DECIMAL_BITS.length - 1);
    return { divisor: 1000 ** i / 8, label: `${DECIMAL_BITS[i]}/s` };
  }
  const [, i] = scale(peakBytesPerSec, 1024, BINARY.length - 1);
  return { divisor: 1024 ** i, label: `${BINARY[i]}/s` };
}
