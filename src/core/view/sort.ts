// Sorting of the process table. Rates (or totals, in total mode) sort biggest first, pid and name
// smallest first; pressing the key of the current sort reverses it. Ties are broken by pid so rows
// with equal values keep one order from refresh to refresh instead of jumping around.

import type { Units } from './units.js';

export type SortKey = 'sent' | 'received' | 'total' | 'pid' | 'name';

export interface SortState {
  key: SortKey;
  /** True when the user reversed the key's natural direction. */
  reversed: boolean;
}

export const DEFAULT_SORT: SortState = { key: 'total', reversed: false };

/** Natural direction: numbers of traffic descend, pid and name ascend. */
export function naturallyDescending(key: SortKey): boolean {
  return key === 'sent' || key === 'received' || key === 'total';
}

/** A sort key pressed: same key reverses, another key starts in its natural direction. */
export function pressSortKey(state: SortState, key: SortKey): SortState {
  return state.key === key ? { key, reversed: !state.reversed } : { key, reversed: false };
}

export function isDescending(state: SortState): boolean {
  return naturallyDescending(state.key) !== state.reversed;
}

/** The value a process is sorted by; traffic keys use totals in total mode, rates otherwise. */
export function sentValue(p: { sentRate: number; sentTotal: number }, units: Units): number {
  return units === 'total' ? p.sentTotal : p.sentRate;
}

export function receivedValue(p: { receivedRate: number; receivedTotal: number }, units: Units): number {
  return units === 'total' ? p.receivedTotal : p.receivedRate;
}

/** What sorting reads of a row (processes, program entries and groups alike). */
export interface Sortable {
  key?: string;
  pid: number | null;
  name: string;
  sentRate: number;
  sentTotal: number;
  receivedRate: number;
  receivedTotal: number;
}

function compareBy(key: SortKey, units: Units, a: Sortable, b: Sortable): number {
  switch (key) {
    case 'sent':
      return sentValue(a, units) - sentValue(b, units);
    case 'received':
      return receivedValue(a, units) - receivedValue(b, units);
    case 'total':
      return sentValue(a, units) + receivedValue(a, units) - (sentValue(b, units) + receivedValue(b, units));
    case 'pid':
      // Rows without a pid (program entries, groups) come after those with one.
      return (a.pid ?? Infinity) - (b.pid ?? Infinity) || 0;
    case 'name': {
      // Case-insensitive first so "Xorg" sorts among the x's; raw order only splits exact ties.
      const x = a.name.toLowerCase();
      const y = b.name.toLowerCase();
      return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    }
  }
}

function tieBreak(a: Sortable, b: Sortable): number {
  const d = (a.pid ?? Infinity) - (b.pid ?? Infinity);
  if (d) return d;
  const x = a.key ?? a.name;
  const y = b.key ?? b.name;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A sorted copy; the input is not modified. */
export function sortProcesses<T extends Sortable>(list: readonly T[], state: SortState, units: Units): T[] {
  const sign = isDescending(state) ? -1 : 1;
  return [...list].sort((a, b) => sign * (compareBy(state.key, units, a, b) || 0) || tieBreak(a, b));
}

/** The marker shown after the sorted column's title. */
export function sortMarker(state: SortState, ascii: boolean): string {
  const desc = isDescending(state);
  if (ascii) return desc ? 'v' : '^';
  return desc ? '▼' : '▲';
}
