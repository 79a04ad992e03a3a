// The two footer lines: a status line (a prompt being typed, the result of the last action, else
// the active filter or a standing note such as degraded ownership) and the key hints for the
// current view.

import { fitLine, joinParts, seg, type Line } from './line.js';
import { sanitizeText } from './sanitize.js';
import type { Status } from './status.js';
import type { ViewState } from './view-state.js';

export type { Status } from './status.js';

function hints(pairs: Array<[string, string]>, width: number): Line {
  return fitLine(
    joinParts(
      pairs.map(([k, what]) => [seg(k, 'key'), seg(` ${what}`)]),
      width,
    ),
    width,
  );
}

export interface FooterInfo {
  status: Status | null;
  utf8: boolean;
  dialogOpen: boolean;
  shown: number;
  total: number;
  /** A standing sentence shown when nothing else is (e.g. how owners are learned, when degraded). */
  note: string | null;
}

function statusLine(v: ViewState, f: FooterInfo): Line {
  const matched = seg(` (${f.shown} of ${f.total})`, 'dim');
  if (v.editing === 'filter') {
    return [seg('filter: ', 'head'), seg(sanitizeText(v.filter, f.utf8)), seg('_', 'key'), matched, seg('   Enter keep  Esc clear', 'dim')];
  }
  if (v.editing === 'search') {
    return [seg('search: ', 'head'), seg(sanitizeText(v.search, f.utf8)), seg('_', 'key'), seg('   F3 next  Enter/Esc done', 'dim')];
  }
  if (f.status) return [seg(sanitizeText(f.status.text, f.utf8), f.status.error ? 'warn' : 'text')];
  if (v.filter && v.mode === 'list')
    return [seg('filter: ', 'head'), seg(sanitizeText(v.filter, f.utf8)), matched, seg('   / edit  Esc clear', 'dim')];
  if (f.note) return [seg(sanitizeText(f.note, f.utf8), 'dim')];
  return [];
}

export function footerLines(v: ViewState, f: FooterInfo, width: number): Line[] {
  const up = f.utf8 ? '↑↓' : 'Up/Dn';
  const keys: Array<[string, string]> = f.dialogOpen
    ? [
        ['y', 'send'],
        ['n/Esc', 'cancel'],
        [up, 'signal'],
      ]
    : v.sortMenu !== null
      ? [
          [up, 'choose'],
          ['Enter', 'sort'],
          ['Esc', 'close'],
        ]
      : v.help
        ? [
            ['Esc/?', 'close help'],
            ['q', 'quit'],
          ]
        : v.mode === 'detail'
          ? [
              ['Esc', 'back'],
              [up, 'scroll'],
              ['k', 'kill'],
              ['d', 'names'],
              ['m', 'units'],
              ['Space', 'pause'],
              ['?', 'help'],
              ['q', 'quit'],
            ]
          : [
              ['q', 'quit'],
              ['?', 'help'],
              ['s/r/t/p/n', 'sort'],
              ['Enter', 'details'],
              ['k', 'kill'],
              ['/', 'filter'],
              ['g', 'group'],
              ['m', 'units'],
              ['Space', 'pause'],
              ['d', 'names'],
            ];
  return [fitLine(statusLine(v, f), width), hints(keys, width)];
}
