// Puts a frame on the widgets: positions, tagged text (every piece tag-escaped by the theme), the
// charts and the overlay. No decisions about what is shown: those are the frame's.

import type blessed from 'blessed';
import type { Frame } from '../core/view/frame.js';
import type { TrafficCharts } from './charts.js';
import { lineTags, linesTags, type Theme } from './theme.js';
import { put, setText, type Widgets } from './widgets.js';

export interface RenderTarget {
  widgets: Widgets;
  charts: TrafficCharts;
  theme: Theme;
}

const labels = new WeakMap<blessed.Widgets.BoxElement, string>();

function hideIfShown(box: blessed.Widgets.BoxElement): void {
  if (!box.hidden) box.hide();
}

export function renderFrame(t: RenderTarget, f: Frame): void {
  const { widgets: w, theme } = t;
  const W = f.size.cols;
  put(w.header, f.header.top, 0, W, f.header.lines.length);
  setText(w.header, linesTags(f.header.lines, theme));

  t.charts.place(f.chart.top, f.chart.height, W);
  t.charts.show(f.chart.panels);

  put(w.body, f.body.top, 0, W, Math.max(1, f.footer.top - f.body.top));
  setText(w.body, f.body.lines.map((l, i) => lineTags(l, theme, i === f.body.selected)).join('\n'));

  put(w.footer, f.footer.top, 0, W, f.footer.lines.length);
  setText(w.footer, linesTags(f.footer.lines, theme));

  const o = f.overlay;
  for (const kind of ['dialog', 'help', 'sortMenu'] as const) {
    const box = w[kind];
    if (o?.kind !== kind) {
      hideIfShown(box);
      continue;
    }
    put(box, o.top, o.left, o.width, o.height);
    if (labels.get(box) !== o.title) {
      box.setLabel(o.title);
      labels.set(box, o.title);
    }
    setText(box, linesTags(o.lines, theme));
    if (box.hidden) box.show();
    box.setFront();
  }
}
