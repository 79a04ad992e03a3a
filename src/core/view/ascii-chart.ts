// A column chart in '#' for terminals without braille (non-UTF-8 locale, console fonts): one
// column per interval, newest at the right, scaled to the largest value shown.

export function asciiChart(values: readonly number[], width: number, height: number): string[] {
  if (width <= 0 || height <= 0) return [];
  const shown = values.slice(-width);
  const pad = width - shown.length;
  const max = shown.reduce((m, v) => Math.max(m, v), 0);
  const heights = shown.map((v) => (max > 0 && v > 0 ? Math.max(1, Math.round((v / max) * height)) : 0));
  const rows: string[] = [];
  for (let r = height; r >= 1; r--) {
    rows.push(' '.repeat(pad) + heights.map((h) => (h >= r ? '#' : ' ')).join(''));
  }
  return rows;
}

/** Per-interval byte counts as bytes per second. */
export function perSecond(history: readonly number[], intervalMs: number): number[] {
  const f = intervalMs > 0 ? 1000 / intervalMs : 1;
  return history.map((b) => b * f);
}
