// The remembered settings as a file: JSON with the sort column and direction, the units, the
// grouping and whether host names are shown. Unknown keys are ignored and bad values are
// reported, so a hand-edited file never stops the screen from starting.

import { GROUPINGS, type Grouping } from './rows.js';
import type { SortKey } from './sort.js';
import { SORT_KEYS } from './sort-menu.js';
import { UNITS_CYCLE, type Units } from './units.js';
import type { Settings } from './view-state.js';

export type ParsedSettings = { settings: Partial<Settings>; error: null } | { settings: Partial<Settings>; error: string };

/** Reads the file's text; on any problem the settings are empty and `error` says what was wrong. */
export function parseSettings(text: string, where: string): ParsedSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { settings: {}, error: `ignoring ${where}: it is not valid JSON; fix or delete it (defaults are used)` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { settings: {}, error: `ignoring ${where}: it should hold a JSON object; fix or delete it (defaults are used)` };
  }
  const o = raw as Record<string, unknown>;
  const out: Partial<Settings> = {};
  const bad: string[] = [];
  if ('sort' in o) {
    if (SORT_KEYS.includes(o.sort as SortKey)) out.sort = { key: o.sort as SortKey, reversed: o.reversed === true };
    else bad.push('sort');
  }
  if ('units' in o) {
    if (UNITS_CYCLE.includes(o.units as Units)) out.units = o.units as Units;
    else bad.push('units');
  }
  if ('grouping' in o) {
    if (GROUPINGS.includes(o.grouping as Grouping)) out.grouping = o.grouping as Grouping;
    else bad.push('grouping');
  }
  if ('names' in o) {
    if (typeof o.names === 'boolean') out.names = o.names;
    else bad.push('names');
  }
  if (bad.length > 0)
    return { settings: {}, error: `ignoring ${where}: bad value for ${bad.join(', ')}; fix or delete it (defaults are used)` };
  return { settings: out, error: null };
}

export function serializeSettings(s: Settings): string {
  const file = { sort: s.sort.key, reversed: s.sort.reversed, units: s.units, grouping: s.grouping, names: s.names };
  return `${JSON.stringify(file, null, 2)}\n`;
}
