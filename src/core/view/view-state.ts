// What the user has chosen on the screen, and the pure transitions keys cause. The UI owns the
// side effects (quitting, signalling, drawing); everything here is data in, data out.

import type { Snapshot } from '../model.js';
import { filterProcesses, matchesFilter } from './filter.js';
import { scopeRows, nextGrouping, type Grouping, type Row } from './rows.js';
import { moveSelection, NO_SELECTION, reconcileSelection, scrollOffset, type Move, type Selection } from './selection.js';
import { DEFAULT_SORT, pressSortKey, sortProcesses, type SortKey, type SortState } from './sort.js';
import { nextUnits, type Units } from './units.js';

export interface ViewState {
  mode: 'list' | 'detail';
  sort: SortState;
  units: Units;
  grouping: Grouping;
  filter: string;
  /** A prompt being typed in the footer: the `/` filter or the F3 search. */
  editing: 'filter' | 'search' | null;
  search: string;
  selection: Selection;
  /** A group drilled into: the list shows its members. */
  scope: string | null;
  /** The grouped list's selection, restored when leaving the group. */
  outer: Selection | null;
  /** The row being drilled into, and the first connection row shown. */
  detailKey: string | null;
  detailOffset: number;
  paused: boolean;
  /** Show reverse-DNS names for addresses (else numbers). */
  names: boolean;
  help: boolean;
  /** The F6 sort menu, open on this entry. */
  sortMenu: number | null;
}

export const INITIAL_VIEW: ViewState = {
  mode: 'list',
  sort: DEFAULT_SORT,
  units: 'bytes',
  grouping: 'process',
  filter: '',
  editing: null,
  search: '',
  selection: NO_SELECTION,
  scope: null,
  outer: null,
  detailKey: null,
  detailOffset: 0,
  paused: false,
  names: true,
  help: false,
  sortMenu: null,
};

/** The rows as shown: the grouping (or the group drilled into), filtered, then sorted. */
export function visibleRows(s: Snapshot | null, v: ViewState): Row[] {
  const rows = scopeRows(s, v.grouping, v.scope) ?? [];
  return sortProcesses(filterProcesses(rows, v.filter), v.sort, v.units);
}

/** Re-anchors the selection on the rows as they are now. */
export function settle(v: ViewState, rows: readonly Row[], tableRows: number): ViewState {
  const selection = reconcileSelection(
    rows.map((r) => r.key),
    v.selection,
    tableRows,
  );
  return selection === v.selection ? v : { ...v, selection };
}

export function sortBy(v: ViewState, key: SortKey): ViewState {
  return { ...v, sort: pressSortKey(v.sort, key) };
}

export function cycleUnits(v: ViewState): ViewState {
  return { ...v, units: nextUnits(v.units) };
}

/** `g`: the next grouping; the list starts again at the top, outside any group. */
export function cycleGrouping(v: ViewState): ViewState {
  return { ...v, grouping: nextGrouping(v.grouping), mode: 'list', scope: null, outer: null, detailKey: null, selection: NO_SELECTION };
}

export function move(v: ViewState, rows: readonly Row[], m: Move, height: number, connCount: number): ViewState {
  if (v.mode === 'detail') return { ...v, detailOffset: scrollOffset(connCount, v.detailOffset, m, height) };
  return {
    ...v,
    selection: moveSelection(
      rows.map((r) => r.key),
      v.selection,
      m,
      height,
    ),
  };
}

/** Enter on a row: a group opens its members, anything else its connections. */
export function drillIn(v: ViewState, row: Row | undefined): ViewState {
  if (v.mode !== 'list' || !row) return v;
  if (row.kind === 'group') return { ...v, scope: row.key, outer: v.selection, selection: NO_SELECTION, editing: null };
  return { ...v, mode: 'detail', detailKey: row.key, detailOffset: 0, editing: null };
}

/** Esc/←/Backspace: out of the drill-down, then out of a group; in the list, Esc clears the filter. */
export function back(v: ViewState): ViewState {
  if (v.mode === 'detail') return { ...v, mode: 'list', detailKey: null, detailOffset: 0 };
  if (v.scope !== null) return { ...v, scope: null, selection: v.outer ?? NO_SELECTION, outer: null };
  return v.filter ? { ...v, filter: '' } : v;
}

export function startFilter(v: ViewState): ViewState {
  return v.mode === 'list' ? { ...v, editing: 'filter' } : v;
}

export function editFilter(v: ViewState, text: string): ViewState {
  // The filter applies as it is typed; the selection starts again from the top of the new rows.
  return { ...v, filter: text, selection: { ...v.selection, index: 0, offset: 0 } };
}

export function endFilter(v: ViewState, keep: boolean): ViewState {
  return { ...v, editing: null, filter: keep ? v.filter : '' };
}

export function startSearch(v: ViewState): ViewState {
  return v.mode === 'list' ? { ...v, editing: 'search', search: '' } : v;
}

/**
 * The F3 search: the selection jumps to the first row at or after it (after it, for `next`)
 * that matches, wrapping around; the list is not filtered. No match leaves it where it is.
 */
export function searchJump(v: ViewState, rows: readonly Row[], next: boolean, height: number): ViewState {
  if (v.search.trim() === '' || rows.length === 0) return v;
  const keys = rows.map((r) => r.key);
  const at = Math.max(0, v.selection.key === null ? 0 : keys.indexOf(v.selection.key));
  for (let i = 0; i < rows.length; i++) {
    const j = (at + i + (next ? 1 : 0)) % rows.length;
    if (matchesFilter(rows[j]!, v.search)) {
      const selection = reconcileSelection(keys, { key: keys[j]!, index: j, offset: v.selection.offset }, height);
      return { ...v, selection };
    }
  }
  return v;
}

export function editSearch(v: ViewState, text: string, rows: readonly Row[], height: number): ViewState {
  return searchJump({ ...v, search: text }, rows, false, height);
}

/** The settings remembered between runs. */
export interface Settings {
  sort: SortState;
  units: Units;
  grouping: Grouping;
  names: boolean;
}

export function settingsOf(v: ViewState): Settings {
  return { sort: v.sort, units: v.units, grouping: v.grouping, names: v.names };
}

export function withSettings(v: ViewState, s: Partial<Settings>): ViewState {
  return { ...v, ...s };
}
