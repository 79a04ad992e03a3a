// The help overlay's text.

import { fitLine, seg, type Line } from './line.js';

const KEYS: Array<[string, string]> = [
  ['s r t p n', 'sort by sent / received / total / pid / name; again reverses'],
  ['F6', 'sort menu (Up/Dn, Enter); a click on a heading sorts too'],
  ['Up Dn PgUp PgDn', 'move the selection (in details: scroll); wheel too'],
  ['Home End', 'first / last row'],
  ['Enter Right', 'details: sockets and chart (a group: its members)'],
  ['Esc Left Bksp', 'back; in the list, clear the filter'],
  ['g', 'group by process, program, container/service'],
  ['k F9', 'kill the selected process: pick a signal, y sends'],
  ['/ F4', 'filter by name, command, user, container, or pid'],
  ['F3', 'search: jump to the next matching row (F3 again)'],
  ['m', 'units: bytes/s, bits/s, total bytes'],
  ['d', 'host names (reverse DNS) on / off'],
  ['Space', 'pause / resume the display (capture goes on)'],
  ['Ctrl-L', 'redraw the whole screen'],
  ['? F1', 'this help'],
  ['q F10 Ctrl-C', 'quit'],
];

export function helpLines(width: number): Line[] {
  const keyW = Math.max(...KEYS.map(([k]) => k.length));
  const lines: Line[] = KEYS.map(([k, what]) => [seg(k.padEnd(keyW), 'key'), seg('  ' + what)]);
  lines.push(
    [],
    [seg('Mouse: click selects, a second click opens; --no-mouse turns it off.', 'dim')],
    [seg('Processes that exited stay a while, dimmed and marked "exited".', 'dim')],
  );
  return lines.map((l) => fitLine(l, width));
}

export const HELP_ROWS = KEYS.length + 3;
