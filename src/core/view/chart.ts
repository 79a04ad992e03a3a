// The sent and received charts over the last minute, as data: each series in the unit that suits
// its peak, a y axis topped at a round number with ticks on 1-2-5 steps of that unit, and the
// label. Braille line charts or '#' column charts (when braille cannot be shown) are the UI's.

import { asciiChart, perSecond } from './ascii-chart.js';
import { chartUnit, formatRate, type Units } from './units.js';

export interface ChartPanel {
  what: 'sent' | 'received';
  left: number;
  width: number;
  label: string;
  /** Values per second in the panel's unit, oldest first. */
  values: number[];
  /** The y axis: 0 to `top`, a tick every `step`. */
  top: number;
  step: number;
  /** The '#' chart's rows when braille is not used, else null. */
  ascii: string[] | null;
}

export interface ChartSeries {
  sentHistory: readonly number[];
  receivedHistory: readonly number[];
  intervalMs: number;
}

/** The smallest step of 1, 2 or 5 times a power of ten that covers `peak` in at most `maxTicks` steps. */
export function tickStep(peak: number, maxTicks: number): number {
  if (peak <= 0) return 1;
  const n = Math.max(1, maxTicks);
  let p = 10 ** Math.floor(Math.log10(peak / n));
  for (;;) {
    for (const m of [1, 2, 5]) if (Math.ceil(peak / (m * p) - 1e-9) <= n) return m * p;
    p *= 10;
  }
}

/** The y axis for a series: a round top at or above its peak, ticks on 1-2-5 steps. */
export function yAxis(peak: number, maxTicks: number): { top: number; step: number } {
  const step = tickStep(peak, maxTicks);
  const steps = Math.max(1, Math.ceil(peak / step - 1e-9));
  return { top: Number((steps * step).toPrecision(12)), step };
}

export function chartPanels(s: ChartSeries, units: Units, width: number, height: number, ascii: boolean): ChartPanel[] {
  if (height < 4) return [];
  const half = Math.floor(width / 2);
  const places: Array<['sent' | 'received', readonly number[], number, number]> = [
    ['sent', s.sentHistory, 0, half],
    ['received', s.receivedHistory, half, width - half],
  ];
  const secs = Math.round((s.sentHistory.length * s.intervalMs) / 1000);
  return places.map(([what, history, left, w]): ChartPanel => {
    const perSec = perSecond(history, s.intervalMs);
    const peak = perSec.reduce((m, v) => Math.max(m, v), 0);
    const ticks = Math.max(1, Math.floor((height - 2) / 2)); // a label every other text row, as braille draws them
    let unit = chartUnit(peak, units === 'bits' ? 'bits' : 'bytes');
    // Steps below 1 ("0.50") read better one unit down ("500 B/s").
    if (yAxis(peak / unit.divisor, ticks).step < 1 && unit.divisor > 1)
      unit = chartUnit(peak / (units === 'bits' ? 1000 : 1024), units === 'bits' ? 'bits' : 'bytes');
    const values = perSec.map((v) => v / unit.divisor);
    const { top, step } = yAxis(peak / unit.divisor, ticks);
    if (ascii) {
      const label = ` ${what}, ${secs} s, max ${formatRate(peak, units)} `;
      return { what, left, width: w, label, values, top, step, ascii: asciiChart(values, Math.max(1, w - 2), Math.max(1, height - 2)) };
    }
    return { what, left, width: w, label: ` ${what}, last ${secs} s, ${unit.label} `, values, top, step, ascii: null };
  });
}
