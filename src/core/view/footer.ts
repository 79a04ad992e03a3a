// The two footer lines: a status line (filter being typed, the result of the last action) and the
// key hints for the current view.

import { fitLine, joinParts, seg, type Line } from './line.js';
import { sanitizeText } from './sanitize.js';
import type { ViewState } from './view-state.js';

export interface Status {
  text: string;
  error: boolean;
}

function hints(pairs: Array<[string, string]>, width: number): Line {
  return fitLine(joinParts(pairs.map(([k, what]) => [seg(k, 'key'), seg(` ${what}`)]), width), width);
}

export function footerLines(
  v: ViewState,
  status: Status | null,
  width: number,
  utf8: boolean,
  dialogOpen: boolean,
  counts: { shown: number; total: number },
): Line[] {
  let statusLine: Line;
  const matched = seg(` (${counts.shown} of ${counts.total})`, 'dim');
  if (v.editingFilter) {
    statusLine = [seg('filter: ', 'head'), seg(sanitizeText(v.filter, utf8)), seg('_', 'key'), matched, seg('   Enter keep  Esc clear', 'dim')];
  } else if (status) {
    statusLine = [seg(sanitizeText(status.text, utf8), status.error ? 'warn' : 'text')];
  } else if (v.filter && v.mode === 'list') {
    statusLine = [seg('filter: ', 'head'), seg(sanitizeText(v.filter, utf8)), matched, seg('   / edit  Esc clear', 'dim')];
  } else {
    statusLine = [];
  }
  const up = utf8 ? '↑↓' : 'Up/Dn';
  const keys: Array<[string, string]> = dialogOpen
    ? [['y', 'send'], ['n/Esc', 'cancel'], [up, 'signal']]
    : v.help
      ? [['Esc/?', 'close help'], ['q', 'quit']]
      : v.mode === 'detail'
        ? [['Esc', 'back'], [up, 'scroll'], ['k', 'kill'], ['d', 'names'], ['m', 'units'], ['Space', 'pause'], ['?', 'help'], ['q', 'quit']]
        : [['q', 'quit'], ['?', 'help'], ['s/r/t/p/n', 'sort'], ['Enter', 'details'], ['k', 'kill'], ['/', 'filter'], ['m', 'units'], ['Space', 'pause'], ['d', 'names']];
  return [fitLine(statusLine, width), hints(keys, width)];
}
