// The help overlay's text.

import { fitLine, seg, type Line } from '../core/view/line.js';

const KEYS: Array<[string, string]> = [
  ['s r t', 'sort by sent / received / total; again reverses'],
  ['p n', 'sort by pid / name; again reverses'],
  ['Up Dn PgUp PgDn', 'move the selection (in details: scroll)'],
  ['Home End', 'first / last row'],
  ['Enter Right', 'details: connections and chart of the process'],
  ['Esc Left Bksp', 'back to the list; in the list, clear the filter'],
  ['k', 'kill the selected process: pick a signal, y sends'],
  ['/', 'filter by name, command line, user, or exact pid'],
  ['m', 'units: bytes/s, bits/s, total bytes'],
  ['d', 'remote host names (reverse DNS) on / off'],
  ['Space', 'pause / resume the display (capture goes on)'],
  ['Ctrl-L', 'redraw the whole screen'],
  ['?', 'this help'],
  ['q Ctrl-C', 'quit'],
];

export function helpLines(width: number): Line[] {
  const keyW = Math.max(...KEYS.map(([k]) => k.length));
  const lines: Line[] = KEYS.map(([k, what]) => [seg(k.padEnd(keyW), 'key'), seg('  ' + what)]);
  lines.push([], [seg('Processes that exited stay a while, dimmed and marked "exited".', 'dim')]);
  return lines.map((l) => fitLine(l, width));
}

export const HELP_ROWS = KEYS.length + 2;
