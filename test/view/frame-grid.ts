// A frame drawn as a text grid without any terminal library: header, chart boxes (label and the
// y-axis ticks; '#' columns for the ASCII chart), table, footer, and the overlay on top. The
// selected row is named under the grid. Grid snapshots pin what a frame shows, blessed apart.

import { lineText } from '../../src/core/view/line.js';
import type { Frame } from '../../src/core/view/frame.js';
import { charWidth, textWidth } from '../../src/core/view/width.js';

type Grid = string[][];

function put(g: Grid, y: number, x: number, text: string): void {
  const row = g[y];
  if (!row) return;
  let at = x;
  for (const ch of text) {
    if (at >= row.length) break;
    row[at] = ch;
    // A double-width character covers the next cell too.
    if (charWidth(ch) === 2 && at + 1 < row.length) row[++at] = '';
    at++;
  }
}

function box(g: Grid, top: number, left: number, width: number, height: number, title: string): void {
  const inner = Math.max(0, width - 2);
  const label = title.slice(0, inner);
  put(g, top, left, `┌${label}${'─'.repeat(Math.max(0, inner - textWidth(label)))}┐`);
  for (let y = 1; y < height - 1; y++) put(g, top + y, left, `│${' '.repeat(inner)}│`);
  put(g, top + height - 1, left, `└${'─'.repeat(inner)}┘`);
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(6)));
}

export function frameGrid(f: Frame): string {
  const { cols, rows } = f.size;
  const g: Grid = Array.from({ length: rows }, () => new Array<string>(cols).fill(' '));
  f.header.lines.forEach((l, i) => put(g, f.header.top + i, 0, lineText(l)));
  for (const p of f.chart.panels) {
    box(g, f.chart.top, p.left, p.width, f.chart.height, p.label);
    const inner = f.chart.height - 2;
    if (p.ascii) {
      p.ascii.forEach((l, i) => put(g, f.chart.top + 1 + i, p.left + 1, l));
      continue;
    }
    for (let t = 0; t < p.top - 1e-9; t += p.step) {
      const y = inner - 1 - Math.round((t / p.top) * (inner - 1));
      put(g, f.chart.top + 1 + y, p.left + 1, fmt(t));
    }
    put(g, f.chart.top + 1, p.left + 1, `top ${fmt(p.top)}`);
  }
  f.body.lines.forEach((l, i) => put(g, f.body.top + i, 0, lineText(l)));
  f.footer.lines.forEach((l, i) => put(g, f.footer.top + i, 0, lineText(l)));
  const o = f.overlay;
  if (o) {
    box(g, o.top, o.left, o.width, o.height, o.title);
    o.lines.forEach((l, i) => put(g, o.top + 1 + i, o.left + 1, lineText(l)));
  }
  const text = g.map((r) => r.join('').trimEnd()).join('\n');
  const sel = f.body.selected === null ? 'none' : lineText(f.body.lines[f.body.selected]!).trim().split(/\s+/).slice(0, 3).join(' ');
  return `${text}\n-- selected: ${sel}\n`;
}
