// What the user has chosen on the screen, and the pure transitions keys cause. The UI owns the
// side effects (quitting, signalling, drawing); everything here is data in, data out.

import type { ProcessStats, Snapshot } from '../model.js';
import { filterProcesses } from './filter.js';
import { moveSelection, NO_SELECTION, reconcileSelection, scrollOffset, type Move, type Selection } from './selection.js';
import { DEFAULT_SORT, pressSortKey, sortProcesses, type SortKey, type SortState } from './sort.js';
import { nextUnits, type Units } from './units.js';

export interface ViewState {
  mode: 'list' | 'detail';
  sort: SortState;
  units: Units;
  filter: string;
  editingFilter: boolean;
  selection: Selection;
  /** The process being drilled into, and the first connection row shown. */
  detailPid: number | null;
  detailOffset: number;
  paused: boolean;
  /** Show reverse-DNS names for remote addresses (else numbers). */
  names: boolean;
  help: boolean;
}

export const INITIAL_VIEW: ViewState = {
  mode: 'list',
  sort: DEFAULT_SORT,
  units: 'bytes',
  filter: '',
  editingFilter: false,
  selection: NO_SELECTION,
  detailPid: null,
  detailOffset: 0,
  paused: false,
  names: true,
  help: false,
};

/** The process rows as shown: filtered, then sorted. */
export function visibleProcesses(s: Snapshot | null, v: ViewState): ProcessStats[] {
  if (!s) return [];
  return sortProcesses(filterProcesses(s.processes, v.filter), v.sort, v.units);
}

/** Re-anchors the selection on the rows as they are now (call before drawing). */
export function settle(v: ViewState, rows: readonly ProcessStats[], tableRows: number): ViewState {
  const selection = reconcileSelection(rows.map((p) => p.pid), v.selection, tableRows);
  return selection === v.selection ? v : { ...v, selection };
}

export function sortBy(v: ViewState, key: SortKey): ViewState {
  return { ...v, sort: pressSortKey(v.sort, key) };
}

export function cycleUnits(v: ViewState): ViewState {
  return { ...v, units: nextUnits(v.units) };
}

export function move(v: ViewState, rows: readonly ProcessStats[], m: Move, height: number, connCount: number): ViewState {
  if (v.mode === 'detail') return { ...v, detailOffset: scrollOffset(connCount, v.detailOffset, m, height) };
  return { ...v, selection: moveSelection(rows.map((p) => p.pid), v.selection, m, height) };
}

export function drillIn(v: ViewState): ViewState {
  if (v.mode !== 'list' || v.selection.pid === null) return v;
  return { ...v, mode: 'detail', detailPid: v.selection.pid, detailOffset: 0, editingFilter: false };
}

/** Esc/←/Backspace: out of the drill-down; in the list, Esc clears an active filter. */
export function back(v: ViewState): ViewState {
  if (v.mode === 'detail') return { ...v, mode: 'list', detailPid: null, detailOffset: 0 };
  return v.filter ? { ...v, filter: '' } : v;
}

export function startFilter(v: ViewState): ViewState {
  return v.mode === 'list' ? { ...v, editingFilter: true } : v;
}

export function editFilter(v: ViewState, text: string): ViewState {
  // The filter applies as it is typed; the selection starts again from the top of the new rows.
  return { ...v, filter: text, selection: { ...v.selection, index: 0, offset: 0 } };
}

export function endFilter(v: ViewState, keep: boolean): ViewState {
  return { ...v, editingFilter: false, filter: keep ? v.filter : '' };
}
