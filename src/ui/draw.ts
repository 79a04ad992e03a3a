// Composes every box's text from the view state and the snapshot shown. Pure composition over the
// view layer; the one blessed call per frame (screen.render) is the caller's.

import type blessed from 'blessed';
import type { ProcessStats, Snapshot } from '../core/model.js';
import { connectionColumns, connectionHeader, connectionRow, processSummary, sortConnections } from '../core/view/connection-table.js';
import { footerLines, type Status } from '../core/view/footer.js';
import { headerLines } from '../core/view/header.js';
import { fitLine, seg, type Line } from '../core/view/line.js';
import { barScale, processColumns, processHeader, processRow, type TableStyle } from '../core/view/process-table.js';
import { sanitizeText } from '../core/view/sanitize.js';
import { screenLayout } from '../core/view/screen-layout.js';
import { settle, visibleProcesses, type ViewState } from '../core/view/view-state.js';
import type { TrafficCharts } from './charts.js';
import type { ReverseDnsCache } from './dns-cache.js';
import { HELP_ROWS, helpLines } from './help.js';
import { dialogLines, type KillDialog } from './kill.js';
import { lineTags, linesTags, type Theme } from './theme.js';
import { put, setText, type Widgets } from './widgets.js';

export interface DrawContext {
  screen: blessed.Widgets.Screen;
  widgets: Widgets;
  charts: TrafficCharts;
  theme: Theme;
  dns: ReverseDnsCache;
  utf8: boolean;
  ascii: boolean;
  hostname: string;
}

export interface DrawState {
  view: ViewState;
  snapshot: Snapshot | null;
  detail: { p: ProcessStats | null; gone: boolean } | null;
  dialog: KillDialog | null;
  status: Status | null;
}

function message(text: string, width: number): Line {
  return fitLine([seg(text, 'dim')], width);
}

function listBody(c: DrawContext, st: DrawState, view: ViewState, rows: ProcessStats[], width: number, height: number): string {
  const style: TableStyle = { units: view.units, utf8: c.utf8, ascii: c.ascii };
  const cols = processColumns(width);
  const out = [lineTags(fitLine(processHeader(cols, view.sort, style), width), c.theme)];
  if (rows.length === 0) {
    const why = !st.snapshot
      ? 'waiting for the first refresh'
      : view.filter
        ? `no process matches "${sanitizeText(view.filter, c.utf8)}"`
        : 'no traffic tied to a process yet';
    out.push(lineTags(message(why, width), c.theme));
    return out.join('\n');
  }
  const max = barScale(rows, view.units);
  const { offset, pid } = view.selection;
  for (const p of rows.slice(offset, offset + height)) {
    out.push(lineTags(fitLine(processRow(p, cols, max, style), width), c.theme, p.pid === pid));
  }
  return out.join('\n');
}

function detailBody(c: DrawContext, view: ViewState, p: ProcessStats | null, width: number, height: number): [string, ViewState] {
  const style: TableStyle = { units: view.units, utf8: c.utf8, ascii: c.ascii };
  const cols = connectionColumns(width);
  const out = [lineTags(fitLine(connectionHeader(cols, style), width), c.theme)];
  const conns = p ? sortConnections(p.connections, view.sort, view.units) : [];
  const offset = Math.min(view.detailOffset, Math.max(0, conns.length - height));
  if (conns.length === 0) out.push(lineTags(message(p ? 'no connections with traffic' : `process ${view.detailPid} is gone`, width), c.theme));
  for (const conn of conns.slice(offset, offset + height)) {
    const name = view.names ? c.dns.name(conn.remoteAddr) : null;
    out.push(lineTags(fitLine(connectionRow(conn, cols, name, style), width), c.theme));
  }
  return [out.join('\n'), offset === view.detailOffset ? view : { ...view, detailOffset: offset }];
}

function overlay(box: blessed.Widgets.BoxElement, W: number, H: number, w: number, h: number, content: string): void {
  const width = Math.min(W, w);
  const height = Math.min(H, h);
  put(box, Math.max(0, Math.floor((H - height) / 2)), Math.max(0, Math.floor((W - width) / 2)), width, height);
  setText(box, content);
  box.show();
  box.setFront();
}

/** Lays out and fills every widget; returns the view with its selection settled on the rows. */
export function drawScreen(c: DrawContext, st: DrawState): ViewState {
  const W = c.screen.width as number;
  const H = c.screen.height as number;
  const { widgets: w, theme } = c;
  const detail = st.view.mode === 'detail' ? st.detail : null;
  const lay = screenLayout(H, W, st.view.mode === 'detail');
  const bodyRows = Math.max(0, lay.body - 1);
  const rows = visibleProcesses(st.snapshot, st.view);
  let view = settle(st.view, rows, bodyRows);
  const style: TableStyle = { units: view.units, utf8: c.utf8, ascii: c.ascii };

  const head = headerLines(st.snapshot, { hostname: c.hostname, paused: view.paused, units: view.units, shown: rows.length, total: st.snapshot?.processes.length ?? 0, utf8: c.utf8 }, W);
  if (detail) head.push(...(detail.p ? processSummary(detail.p, detail.gone, W, style) : [message(`process ${view.detailPid} is gone`, W), []]));
  put(w.header, 0, 0, W, lay.header);
  setText(w.header, linesTags(head, theme));

  c.charts.place(lay.header, lay.chart, W);
  const source = detail ? detail.p : st.snapshot?.totals;
  if (st.snapshot && source) {
    c.charts.show({ sentHistory: source.sentHistory, receivedHistory: source.receivedHistory, intervalMs: st.snapshot.intervalMs, units: view.units });
  }

  put(w.body, lay.header + lay.chart, 0, W, lay.body);
  if (detail) {
    const [text, v] = detailBody(c, view, detail.p, W, bodyRows);
    view = v;
    setText(w.body, text);
  } else {
    setText(w.body, listBody(c, st, view, rows, W, bodyRows));
  }

  put(w.footer, H - lay.footer, 0, W, lay.footer);
  const counts = { shown: rows.length, total: st.snapshot?.processes.length ?? 0 };
  setText(w.footer, linesTags(footerLines(view, st.status, W, c.utf8, st.dialog !== null, counts), theme));

  if (st.dialog) {
    const dw = Math.min(W, 66);
    overlay(w.dialog, W, H, dw, 11, linesTags(dialogLines(st.dialog, dw - 2, c.utf8, c.ascii), theme));
  } else if (!w.dialog.hidden) {
    w.dialog.hide();
  }
  if (view.help && !st.dialog) {
    const hw = Math.min(W, 84);
    overlay(w.help, W, H, hw, HELP_ROWS + 2, linesTags(helpLines(hw - 2), theme));
  } else if (!w.help.hidden) {
    w.help.hide();
  }
  return view;
}
