// The screen's whole state between frames, and how refreshes and actions change it: pause keeps
// the snapshot on screen while the newest waits, status messages age with refreshes, the kill
// dialog and the sort menu wrap around their choices, and a drilled row that has gone from the
// capture is remembered so its last numbers stay readable. The UI only feeds events in and
// carries out the outcome's side effects (quit, redraw, save settings).

import type { Snapshot } from '../model.js';
import { keepSnapshot } from '../snapshot-copy.js';
import type { Action } from './keys.js';
import { cancelText, chooseSignal, confirmKill, openKill, type KillDialog, type KillPorts } from './kill-dialog.js';
import { scopeRows, type Row } from './rows.js';
import { screenLayout } from './screen-layout.js';
import { SORT_KEYS } from './sort-menu.js';
import { ageStatus, NO_STATUS, showStatus, type Status, type StatusSlot } from './status.js';
import * as V from './view-state.js';

export interface Size {
  cols: number;
  rows: number;
}

export interface ScreenState {
  view: V.ViewState;
  /** What is on screen (frozen while paused), and the newest refresh. */
  shown: Snapshot | null;
  latest: Snapshot | null;
  dialog: KillDialog | null;
  status: StatusSlot;
  /** The drilled row as last seen, kept once it has gone. */
  lastDetail: Row | null;
  /** The replayed capture has been read to its end. */
  ended: boolean;
}

export function initialState(settings: Partial<V.Settings> = {}, notice: Status | null = null): ScreenState {
  return {
    view: V.withSettings(V.INITIAL_VIEW, settings),
    shown: null,
    latest: null,
    dialog: null,
    status: notice ? showStatus(notice) : NO_STATUS,
    lastDetail: null,
    ended: false,
  };
}

/** Rows of the table body (the title row excluded). */
export function tableRows(st: ScreenState, size: Size): number {
  return Math.max(0, screenLayout(size.rows, size.cols, st.view.mode === 'detail').body - 1);
}

export function rowsNow(st: ScreenState): Row[] {
  return V.visibleRows(st.shown, st.view);
}

/** The row being drilled into, as now or (once gone) as last seen. */
export function detailRow(st: ScreenState): { row: Row | null; gone: boolean } {
  const v = st.view;
  if (v.mode !== 'detail' || v.detailKey === null) return { row: null, gone: false };
  const row = (scopeRows(st.shown, v.grouping, v.scope) ?? []).find((r) => r.key === v.detailKey) ?? null;
  if (row) return { row, gone: false };
  const last = st.lastDetail?.key === v.detailKey ? st.lastDetail : null;
  return { row: last, gone: last !== null };
}

/** Re-anchors the selection, clamps the socket list's scroll, and remembers the drilled row. */
export function settleState(st: ScreenState, size: Size): ScreenState {
  const height = tableRows(st, size);
  let view = V.settle(st.view, rowsNow(st), height);
  const d = detailRow({ ...st, view });
  if (view.mode === 'detail') {
    const count = d.row?.connections.length ?? 0;
    const offset = Math.min(view.detailOffset, Math.max(0, count - height));
    if (offset !== view.detailOffset) view = { ...view, detailOffset: offset };
  }
  const lastDetail = d.row && !d.gone ? d.row : view.mode === 'detail' ? st.lastDetail : null;
  return view === st.view && lastDetail === st.lastDetail ? st : { ...st, view, lastDetail };
}

export function onSnapshot(st: ScreenState, s: Snapshot, size: Size): ScreenState {
  const next: ScreenState = { ...st, latest: s, shown: st.view.paused ? st.shown : s, status: ageStatus(st.status) };
  return settleState(next, size);
}

export function onEnded(st: ScreenState): ScreenState {
  return { ...st, ended: true };
}

export interface Outcome {
  state: ScreenState;
  /** Something on screen may have changed. */
  changed: boolean;
  quit?: boolean;
  /** Ctrl-L: repaint the whole terminal. */
  redraw?: boolean;
  /** A remembered setting changed: write the settings file. */
  save?: boolean;
}

function selectedRow(st: ScreenState): Row | undefined {
  return rowsNow(st).find((r) => r.key === st.view.selection.key);
}

export function withStatus(st: ScreenState, s: Status): ScreenState {
  return { ...st, status: showStatus(s) };
}

function startKill(st: ScreenState, ports: KillPorts): ScreenState {
  const row = st.view.mode === 'detail' ? detailRow(st).row : selectedRow(st);
  if (!row) return st;
  const opened = openKill(row, ports);
  return 'targets' in opened ? { ...st, dialog: opened } : withStatus(st, opened);
}

const SAVED: ReadonlySet<Action['type']> = new Set(['sort', 'units', 'group', 'names', 'menuPick']);

/** Applies an action; `changed` is false when nothing on screen changed (nothing to redraw). */
export function applyAction(st: ScreenState, a: Action, size: Size, ports: KillPorts): Outcome {
  const v = st.view;
  const height = tableRows(st, size);
  let next: ScreenState = st;
  const view = (nv: V.ViewState): ScreenState => ({ ...st, view: nv });
  switch (a.type) {
    case 'quit':
      return { state: st, changed: false, quit: true };
    case 'redraw':
      return { state: st, changed: true, redraw: true };
    case 'sort':
      next = view(V.sortBy(v, a.key));
      break;
    case 'units':
      next = view(V.cycleUnits(v));
      break;
    case 'group': {
      const nv = V.cycleGrouping(v);
      next = withStatus(view(nv), {
        text: `grouped by ${nv.grouping}${nv.grouping === 'container' ? ' (services and the host too)' : ''}`,
        error: false,
      });
      break;
    }
    case 'move':
      next = view(V.move(v, rowsNow(st), a.move, height, detailRow(st).row?.connections.length ?? 0));
      break;
    case 'select':
      next = view({ ...v, selection: { ...v.selection, key: a.key } });
      break;
    case 'drill':
      next = view(V.drillIn(v, selectedRow(st)));
      break;
    case 'back':
      next = view(V.back(v));
      break;
    case 'kill':
      next = startKill(st, ports);
      break;
    case 'pause':
      // Kept as a copy: the next refresh updates connection descriptions in place.
      next = { ...view({ ...v, paused: !v.paused }), shown: v.paused ? st.latest : st.shown && keepSnapshot(st.shown) };
      break;
    case 'help':
      next = view({ ...v, help: !v.help });
      break;
    case 'names': {
      const names = !v.names;
      next = withStatus(view({ ...v, names }), {
        text: names ? 'host names on: reverse DNS answers show as they arrive' : 'host names off: addresses only',
        error: false,
      });
      break;
    }
    case 'filterStart':
      next = view(V.startFilter(v));
      break;
    case 'searchStart':
      next = view(V.startSearch(v));
      break;
    case 'searchNext':
      next = view(V.searchJump(v, rowsNow(st), true, height));
      break;
    case 'promptChar':
      next = view(v.editing === 'search' ? V.editSearch(v, v.search + a.ch, rowsNow(st), height) : V.editFilter(v, v.filter + a.ch));
      break;
    case 'promptErase': {
      const cut = (t: string): string => [...t].slice(0, -1).join('');
      next = view(v.editing === 'search' ? { ...v, search: cut(v.search) } : V.editFilter(v, cut(v.filter)));
      break;
    }
    case 'promptClear':
      next = view(v.editing === 'search' ? { ...v, search: '' } : V.editFilter(v, ''));
      break;
    case 'promptKeep':
      next = view(v.editing === 'search' ? { ...v, editing: null } : V.endFilter(v, true));
      break;
    case 'promptCancel':
      next = view(v.editing === 'search' ? { ...v, editing: null } : V.endFilter(v, false));
      break;
    case 'sortMenu':
      next = view({ ...v, sortMenu: Math.max(0, SORT_KEYS.indexOf(v.sort.key)) });
      break;
    case 'menuMove': {
      const n = SORT_KEYS.length;
      next = view({ ...v, sortMenu: ((v.sortMenu ?? 0) + a.delta + n) % n });
      break;
    }
    case 'menuPick': {
      const key = SORT_KEYS[v.sortMenu ?? 0]!;
      next = view({ ...v, sortMenu: null, sort: v.sort.key === key ? v.sort : { key, reversed: false } });
      break;
    }
    case 'menuClose':
      next = view({ ...v, sortMenu: null });
      break;
    case 'dialogChoice':
      if (!st.dialog) return { state: st, changed: false };
      next = { ...st, dialog: chooseSignal(st.dialog, a.delta, a.index) };
      break;
    case 'dialogConfirm':
      if (!st.dialog) return { state: st, changed: false };
      next = { ...withStatus(st, confirmKill(st.dialog, ports)), dialog: null };
      break;
    case 'dialogCancel':
      if (!st.dialog) return { state: st, changed: false };
      next = { ...withStatus(st, { text: cancelText(st.dialog), error: false }), dialog: null };
      break;
  }
  const settled = settleState(next, size);
  const save = SAVED.has(a.type) && JSON.stringify(V.settingsOf(settled.view)) !== JSON.stringify(V.settingsOf(v));
  return { state: settled, changed: settled !== st, save };
}
