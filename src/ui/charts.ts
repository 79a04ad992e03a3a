// The chart panels on screen: two blessed-contrib line charts side by side (separate scales, and
// readable without colour), or boxes holding the '#' column charts when braille cannot be shown.
// Scales, ticks and labels come with the panels (core/view/chart.ts).

import blessed from 'blessed';
// The line chart alone: the package's index loads every widget it has (maps, tables, gauges and
// their libraries), 7 MB more resident memory for nothing used here.
import line from 'blessed-contrib/lib/widget/charts/line.js';
import type { ChartPanel } from '../core/view/chart.js';
import type { Theme } from './theme.js';

interface ChartWidget {
  box: blessed.Widgets.BoxElement;
  /** contrib line charts only. */
  setData?: (data: unknown[]) => void;
  options?: { maxY?: number; numYLabels?: number };
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
    const chart = line({
      screen: this.screen,
      top,
      left,
      width,
      height,
      border,
      style: { ...style, line: 'normal', text: 'normal', baseline: 'normal' },
      showLegend: false,
      xPadding: 3,
      xLabelPadding: 3,
      numYLabels: Math.max(1, Math.floor((height - 2) / 2)),
      wholeNumbersOnly: false,
      abbreviate: false,
      tags: false,
      wrap: false,
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

  show(panels: readonly ChartPanel[]): void {
    const key = JSON.stringify(panels);
    if (key === this.lastData || this.widgets.length === 0) return;
    this.lastData = key;
    panels.forEach((p, i) => {
      const w = this.widgets[i];
      if (!w) return;
      w.box.setLabel(p.label);
      if (!w.setData) {
        w.box.setContent((p.ascii ?? []).join('\n'));
        return;
      }
      // The axis runs 0..top with a label every step (contrib labels min + k * (max - min) / n).
      w.options!.maxY = p.top;
      w.options!.numYLabels = Math.max(1, Math.round(p.top / p.step));
      // x labels are required by the chart but drawn off-screen (see calcSize above).
      const y = p.values.length ? p.values : [0];
      w.setData([{ title: p.what, x: y.map(() => '.'), y, style: { line: 'normal' } }]);
    });
  }

  destroy(): void {
    for (const w of this.widgets) w.box.destroy();
    this.widgets = [];
    this.geometry = '';
  }
}
