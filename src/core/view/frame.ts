// Everything one frame shows, as plain data: the header, the chart panels, the table (lines of
// styled segments, the selected one marked), the footer, an overlay (kill dialog, help, sort
// menu), and where the mouse can click. The UI maps it to widgets and nothing else; tests draw
// it as a text grid without a terminal library.

import { connectionColumns, connColumnSort } from './connection-table.js';
import { chartPanels, type ChartPanel } from './chart.js';
import { detailBody, detailSummary, type NameOf } from './detail-view.js';
import { footerLines } from './footer.js';
import { headerLines } from './header.js';
import { HELP_ROWS, helpLines } from './help.js';
import { dialogLines } from './kill-dialog.js';
import { fitLine, seg, type Line } from './line.js';
import { barScale, columnSort, processColumns, processHeader, processRow, type TableStyle } from './process-table.js';
import { rowsOf, scopeRows, type Row } from './rows.js';
import { sanitizeText } from './sanitize.js';
import { screenLayout } from './screen-layout.js';
import { detailRow, rowsNow, type ScreenState, type Size } from './screen-state.js';
import { SORT_MENU_ROWS, sortMenuLines } from './sort-menu.js';
import type { SortKey } from './sort.js';
import { plural, processes } from './words.js';

export interface FrameEnv {
  hostname: string;
  utf8: boolean;
  /** Plain ASCII glyphs (bars, markers, '#' charts instead of braille). */
  ascii: boolean;
  /** Host name of an address when reverse DNS has answered (asks for it otherwise). */
  names: NameOf;
}

export interface Overlay {
  kind: 'dialog' | 'help' | 'sortMenu';
  title: string;
  top: number;
  left: number;
  width: number;
  height: number;
  /** Inside the border. */
  lines: Line[];
}

export interface Frame {
  size: Size;
  header: { top: number; lines: Line[] };
  chart: { top: number; height: number; panels: ChartPanel[] };
  body: { top: number; lines: Line[] /** Index into lines of the selected row, or null. */; selected: number | null };
  footer: { top: number; lines: Line[] };
  overlay: Overlay | null;
  /** Mouse targets: heading cells that sort, and table rows by key (screen coordinates). */
  hits: { headingY: number; heading: Array<{ x: number; width: number; sort: SortKey }>; rows: Array<{ y: number; key: string }> };
}

/** "12 processes", "3 of 12 processes", "8 processes +1 short-lived" (program entries), "4 programs". */
function countText(st: ScreenState, shown: number): string {
  const all = scopeRows(st.shown, st.view.grouping, st.view.scope) ?? [];
  const of = shown === all.length ? '' : `${shown} of `;
  if (st.view.scope === null && st.view.grouping !== 'process') {
    return of + (st.view.grouping === 'program' ? plural(all.length, 'program') : plural(all.length, 'group'));
  }
  const entries = all.filter((r) => r.kind === 'program').length;
  const text = of + processes(all.length - entries) + (entries ? ` +${entries} short-lived` : '');
  const group = st.view.scope === null ? null : rowsOf(st.shown, st.view.grouping).find((r) => r.key === st.view.scope);
  return group ? `${text} of ${sanitizeText(group.name, true)}` : text;
}

function centred(kind: Overlay['kind'], title: string, size: Size, w: number, h: number, lines: (inner: number) => Line[]): Overlay {
  const width = Math.min(size.cols, w);
  const height = Math.min(size.rows, h);
  return {
    kind,
    title,
    width,
    height,
    top: Math.max(0, Math.floor((size.rows - height) / 2)),
    left: Math.max(0, Math.floor((size.cols - width) / 2)),
    lines: lines(width - 2),
  };
}

function headingSpans(widths: Array<{ width: number; sort: SortKey | null }>): Frame['hits']['heading'] {
  const out: Frame['hits']['heading'] = [];
  let x = 0;
  for (const c of widths) {
    if (c.sort) out.push({ x, width: c.width, sort: c.sort });
    x += c.width + 1;
  }
  return out;
}

export function buildFrame(st: ScreenState, size: Size, env: FrameEnv): Frame {
  const { cols: W, rows: H } = size;
  const v = st.view;
  const snap = st.shown;
  const detail = v.mode === 'detail' ? detailRow(st) : null;
  const lay = screenLayout(H, W, detail !== null);
  const bodyRows = Math.max(0, lay.body - 1);
  const style: TableStyle = { units: v.units, utf8: env.utf8, ascii: env.ascii };
  const rows = rowsNow(st);

  const head = headerLines(
    snap,
    {
      hostname: env.hostname,
      paused: v.paused,
      units: v.units,
      utf8: env.utf8,
      ended: st.ended,
      count: countText(st, rows.length),
      grouping: v.grouping === 'process' ? null : v.grouping === 'container' ? 'container/service' : 'program',
    },
    W,
  );
  if (detail) head.push(...detailSummary(detail.row, detail.gone, v.detailKey ?? '', W, style));

  // The chart follows what is open: a process's (or entry's) own traffic, a group's sum, else the host's.
  const group = v.scope === null ? undefined : rowsOf(snap, v.grouping).find((r) => r.key === v.scope);
  const source = detail ? detail.row : (group ?? snap?.totals);
  const panels =
    snap && source && lay.chart > 0
      ? chartPanels(
          { sentHistory: source.sentHistory, receivedHistory: source.receivedHistory, intervalMs: snap.intervalMs },
          v.units,
          W,
          lay.chart,
          env.ascii,
        )
      : [];

  const bodyTop = lay.header + lay.chart;
  let lines: Line[];
  let selected: number | null = null;
  const hits: Frame['hits'] = { headingY: bodyTop, heading: [], rows: [] };
  if (detail) {
    lines = detailBody(detail.row, v.sort, v.detailOffset, v.names ? env.names : null, W, bodyRows, style);
    hits.heading = headingSpans(connectionColumns(W).map((c) => ({ width: c.width, sort: connColumnSort(c.id) })));
  } else {
    const tableCols = processColumns(
      W,
      rows.some((r) => r.container !== null),
    );
    lines = [fitLine(processHeader(tableCols, v.sort, style), W)];
    hits.heading = headingSpans(tableCols.map((c) => ({ width: c.width, sort: columnSort(c.id) })));
    if (rows.length === 0) lines.push(fitLine([seg(emptySentence(st, env.utf8), 'dim')], W));
    const max = barScale(rows, v.units);
    const { offset, key } = v.selection;
    rows.slice(offset, offset + bodyRows).forEach((r: Row, i) => {
      if (r.key === key) selected = lines.length;
      hits.rows.push({ y: bodyTop + 1 + i, key: r.key });
      lines.push(fitLine(processRow(r, tableCols, max, style), W));
    });
  }

  const all = scopeRows(snap, v.grouping, v.scope) ?? [];
  const footer = footerLines(
    v,
    {
      status: st.status.status,
      utf8: env.utf8,
      dialogOpen: st.dialog !== null,
      shown: rows.length,
      total: all.length,
      note: snap?.ownership.note ?? null,
    },
    W,
  );

  let overlay: Overlay | null = null;
  if (st.dialog) {
    const d = st.dialog;
    const title = d.targets.length === 1 ? ' kill process ' : ` kill ${processes(d.targets.length)} `;
    overlay = centred('dialog', title, size, 66, 11, (w) => dialogLines(d, w, env.utf8, env.ascii));
  } else if (v.sortMenu !== null) {
    overlay = centred('sortMenu', ' sort by ', size, 30, SORT_MENU_ROWS + 2, (w) => sortMenuLines(v.sortMenu!, v.sort, w, env.ascii));
  } else if (v.help) {
    overlay = centred('help', ' bwtop keys ', size, 84, HELP_ROWS + 2, (w) => helpLines(w));
  }
  return {
    size,
    header: { top: 0, lines: head },
    chart: { top: lay.header, height: lay.chart, panels },
    body: { top: bodyTop, lines, selected },
    footer: { top: H - lay.footer, lines: footer },
    overlay,
    hits,
  };
}

/** What an empty list says, so an empty screen is never a mystery. */
function emptySentence(st: ScreenState, utf8: boolean): string {
  const v = st.view;
  if (!st.shown) return 'waiting for the first refresh';
  if (v.scope !== null && scopeRows(st.shown, v.grouping, v.scope) === null) return 'this group has no processes any more; Esc goes back';
  if (v.filter) return `no ${v.grouping === 'process' && v.scope === null ? 'process' : 'row'} matches "${sanitizeText(v.filter, utf8)}"`;
  return 'no traffic tied to a process yet';
}
