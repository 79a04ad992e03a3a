// The F6 sort menu (as htop's): the sort columns in a small list; Enter picks one in its natural
// direction (traffic biggest first, pid and name smallest first).

import { fitLine, seg, type Line } from './line.js';
import { isDescending, type SortKey, type SortState } from './sort.js';

export const SORT_KEYS: readonly SortKey[] = ['total', 'sent', 'received', 'pid', 'name'];

const WHAT: Record<SortKey, string> = {
  total: 'sent + received',
  sent: 'sent',
  received: 'received',
  pid: 'pid',
  name: 'name',
};

const KEY: Record<SortKey, string> = { total: 't', sent: 's', received: 'r', pid: 'p', name: 'n' };

export function sortMenuLines(choice: number, sort: SortState, width: number, ascii: boolean): Line[] {
  return SORT_KEYS.map((k, i): Line => {
    const on = i === choice;
    const current = k === sort.key ? (isDescending(sort) ? (ascii ? ' v' : ' ▼') : ascii ? ' ^' : ' ▲') : '';
    return fitLine([seg(on ? '> ' : '  ', 'key'), seg(KEY[k], 'key'), seg('  '), seg(WHAT[k] + current, on ? 'warn' : 'text')], width);
  });
}

export const SORT_MENU_ROWS = SORT_KEYS.length;
