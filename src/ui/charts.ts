// The sent and received charts over the last minute: two blessed-contrib line charts side by side
// (separate scales, and readable without colour), or '#' column charts when braille cannot be shown.

import blessed from 'blessed';
import contrib from 'blessed-contrib';
import { asciiChart, perSecond } from '../core/view/ascii-chart.js';
import { chartUnit, formatRate, type Units } from '../core/view/units.js';
import type { Theme } from './theme.js';

interface ChartWidget {
  box: blessed.Widgets.BoxElement;
  /** contrib line charts only. */
  setData?: (data: unknown[]) => void;
  options?: { maxY?: number; numYLabels?: number };
}

export interface ChartSeries {
  sentHistory: readonly number[];
  receivedHistory: readonly number[];
  intervalMs: number;
  units: Units;
}

/** 1, 2 or 5 times a power of ten, at or above v: a round top for the y axis. */
export function niceCeiling(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export class TrafficCharts {
  private widgets: ChartWidget[] = [];
  private geometry = '';
  private lastData = '';

  constructor(
    private readonly screen: blessed.Widgets.Screen,
    private readonly theme: Theme,
    private readonly ascii: boolean,
  ) {}

  /** Places the two charts; recreated when their size changes (a canvas has a fixed size). */
  place(top: number, height: number, width: number): void {
    const g = `${top},${height},${width}`;
    if (g === this.geometry) return;
    this.geometry = g;
    this.lastData = '';
    for (const w of this.widgets) w.box.destroy();
    this.widgets = [];
    if (height < 4) return;
    const half = Math.floor(width / 2);
    this.widgets = [
      this.make(top, 0, half, height, this.theme.sentLine),
      this.make(top, half, width - half, height, this.theme.receivedLine),
    ];
  }

  private make(top: number, left: number, width: number, height: number, color: string): ChartWidget {
    const border = { type: 'line' as const };
    // The series colour is the box's foreground and the plot is drawn in the default colour, so
    // the braille cells and the blanks between them share one attribute: a scrolling chart then
    // costs no colour switches on the wire, only the characters that changed.
    const fg = color === 'normal' ? {} : { fg: color };
    const style = { ...fg, border: this.theme.frame ? { fg: this.theme.frame } : {}, label: {} };
    if (this.ascii) {
      const box = blessed.box({ parent: this.screen, top, left, width, height, border, style, tags: false, wrap: false });
      return { box };
    }
    const chart = contrib.line({
      screen: this.screen, top, left, width, height, border, style: { ...style, line: 'normal', text: 'normal', baseline: 'normal' },
      showLegend: false, xPadding: 3, xLabelPadding: 3, numYLabels: Math.max(1, Math.floor((height - 2) / 2)),
      wholeNumbersOnly: false, abbreviate: false, tags: false, wrap: false,
    });
    // contrib's line chart keeps the bottom 11 pixel rows for x labels; a canvas one box taller
    // pushes those labels below the visible area so the plot gets the full height (the time axis
    // is given in the label instead).
    chart.calcSize = function calcSize(this: { width: number; height: number; canvasSize: unknown }) {
      this.canvasSize = { width: this.width * 2 - 12, height: this.height * 4 };
    };
    this.screen.append(chart);
    return { box: chart, setData: (d) => chart.setData(d), options: chart.options };
  }

  setVisible(visible: boolean): void {
    for (const w of this.widgets) (visible ? w.box.show() : w.box.hide());
  }

  show(s: ChartSeries): void {
    const key = JSON.stringify(s);
    if (key === this.lastData || this.widgets.length === 0) return;
    this.lastData = key;
    const series: Array<[string, readonly number[]]> = [
      ['sent', s.sentHistory],
      ['received', s.receivedHistory],
    ];
    series.forEach(([what, history], i) => {
      const w = this.widgets[i]!;
      const values = perSecond(history, s.intervalMs);
      const peak = values.reduce((m, v) => Math.max(m, v), 0);
      const unit = chartUnit(peak, s.units === 'bits' ? 'bits' : 'bytes');
      const scaled = values.map((v) => v / unit.divisor);
      const secs = Math.round((history.length * s.intervalMs) / 1000);
      if (!w.setData) {
        w.box.setLabel(` ${what}, ${secs} s, max ${formatRate(peak, s.units)} `);
        const inner = Math.max(1, (w.box.height as number) - 2);
        const innerW = Math.max(1, (w.box.width as number) - 2);
        w.box.setContent(asciiChart(scaled, innerW, inner).join('\n'));
        return;
      }
      w.box.setLabel(` ${what}, last ${secs} s, ${unit.label} `);
      w.options!.maxY = niceCeiling(scaled.reduce((m, v) => Math.max(m, v), 0) * 1.1);
      // x labels are required by the chart but drawn off-screen (see calcSize above).
      const y = scaled.length ? scaled : [0];
      w.setData([{ title: what, x: y.map(() => '.'), y, style: { line: 'normal' } }]);
    });
  }

  destroy(): void {
    for (const w of this.widgets) w.box.destroy();
    this.widgets = [];
    this.geometry = '';
  }
}
