// The process table: which columns fit the terminal width, the title row with the sort marker,
// and one line per process. Every line is exactly the table width.

import { renderBar } from './bar.js';
import { seg, type Line, type Role } from './line.js';
import type { Row } from './rows.js';
import { sanitizeText } from './sanitize.js';
import { receivedValue, sentValue, sortMarker, type SortKey, type SortState } from './sort.js';
import { byteColumnTitle, formatBytes, formatRate, isByteColumn, type ByteColumnId, type Units } from './units.js';
import { fitLeft, fitRight, textWidth, truncate } from './width.js';

export type ColumnId = 'pid' | 'user' | 'name' | 'container' | 'sent' | 'received' | 'bar' | 'sentAlt' | 'receivedAlt' | 'conns';

export interface Column {
  id: ColumnId;
  width: number;
  align: 'left' | 'right';
}

export interface TableStyle {
  units: Units;
  /** Terminal draws UTF-8 text. */
  utf8: boolean;
  /** Plain ASCII glyphs for bars and markers (non-UTF-8 locale, or a console font without them). */
  ascii: boolean;
}

const NUM = 11; // "1023.9 KiB/s" never exceeds 11 cells ("12.5 Mbit/s")
const ALT_MIN_WIDTH = 110; // below this the second pair of numbers (totals or rates) is left out

const CONTAINER_W = 14;

/**
 * Lays the columns out for `width` cells; name and bar share what is left. The CONTAINER column
 * is there on wide terminals, and from 100 cells when some row runs in a container.
 */
export function processColumns(width: number, containers = false): Column[] {
  const fixed: Column[] = [
    { id: 'pid', width: 7, align: 'right' },
    { id: 'user', width: 8, align: 'left' },
    { id: 'sent', width: NUM, align: 'right' },
    { id: 'received', width: NUM, align: 'right' },
    { id: 'sentAlt', width: NUM, align: 'right' },
    { id: 'receivedAlt', width: NUM, align: 'right' },
    { id: 'conns', width: 4, align: 'right' },
  ];
  const container = width >= 150 || (containers && width >= 100);
  if (container) fixed.push({ id: 'container', width: CONTAINER_W, align: 'left' });
  // The container column takes the room of the second pair of numbers until there is room for both.
  const alt = width >= (container ? 150 : ALT_MIN_WIDTH);
  let cols = alt ? fixed : fixed.filter((c) => c.id !== 'sentAlt' && c.id !== 'receivedAlt');
  const flexFor = (cs: Column[], n: number): number => width - cs.reduce((w, c) => w + c.width, 0) - (cs.length + n - 1);
  // Narrow terminals give up the user, then the connection count, before the name gets too short.
  for (const drop of ['user', 'conns'] as const) {
    if (flexFor(cols, 2) >= 16) break;
    cols = cols.filter((c) => c.id !== drop);
  }
  const flex = flexFor(cols, 2);
  let nameW = Math.max(10, Math.min(48, Math.floor(flex * 0.6)));
  let barW = flex - nameW;
  if (barW < 5) {
    nameW = Math.max(1, flex + 1);
    barW = 0;
  }
  const order: ColumnId[] = ['pid', 'user', 'name', 'container', 'sent', 'received', 'bar', 'sentAlt', 'receivedAlt', 'conns'];
  const all: Column[] = [...cols, { id: 'name', width: nameW, align: 'left' }];
  if (barW > 0) all.push({ id: 'bar', width: barW, align: 'left' });
  return order.flatMap((id) => all.filter((c) => c.id === id));
}

const PROCESS_TITLES: Record<Exclude<ColumnId, ByteColumnId>, string> = {
  pid: 'PID',
  user: 'USER',
  name: 'PROGRAM',
  container: 'CONTAINER',
  conns: 'CONN',
};

function title(id: ColumnId, units: Units): string {
  return isByteColumn(id) ? byteColumnTitle(id, units) : PROCESS_TITLES[id];
}

export const SORT_COLUMN: Record<SortKey, ColumnId> = {
  sent: 'sent',
  received: 'received',
  total: 'bar',
  pid: 'pid',
  name: 'name',
};

/** The sort a click on a column's heading picks, or null for columns that do not sort. */
export function columnSort(id: ColumnId): SortKey | null {
  switch (id) {
    case 'pid':
    case 'name':
      return id;
    case 'sent':
    case 'sentAlt':
      return 'sent';
    case 'received':
    case 'receivedAlt':
      return 'received';
    case 'bar':
      return 'total';
    default:
      return null;
  }
}

function join(cells: Line[]): Line {
  return cells.flatMap((c, i) => (i === 0 ? c : [seg(' '), ...c]));
}

/** The title row; the sorted column carries ▲/▼ (or ^/v). */
export function processHeader(cols: Column[], sort: SortState, style: TableStyle): Line {
  const ell = style.ascii ? '~' : '…';
  const sorted = SORT_COLUMN[sort.key];
  // With the bar column gone, the total sort is shown on the sent column's title.
  const markOn = cols.some((c) => c.id === sorted) ? sorted : 'sent';
  return join(
    cols.map((c) => {
      let t = title(c.id, style.units);
      if (c.id === markOn) t += sortMarker(sort, style.ascii);
      return [seg(c.align === 'right' ? fitRight(t, c.width, ell) : fitLeft(t, c.width, ell), 'head')];
    }),
  );
}

/** The value the bar shows and is scaled by: sent + received (rates, or totals in total mode). */
export function barValue(p: Row, units: Units): number {
  return sentValue(p, units) + receivedValue(p, units);
}

export function barScale(rows: readonly Row[], units: Units): number {
  return rows.reduce((m, p) => Math.max(m, barValue(p, units)), 0);
}

function rateOrTotal(bytes: number, rate: number, units: Units, primary: boolean): string {
  const showTotal = (units === 'total') === primary;
  return showTotal ? formatBytes(bytes) : formatRate(rate, units === 'bits' ? 'bits' : 'bytes');
}

/**
 * The program column: the program name (emphasised) and its arguments. When the command line's
 * first word is the program (comm is cut at 15 characters, so "starts with"), its base name is
 * the name and the rest are the arguments; otherwise the whole command line follows the name.
 */
export function programText(name: string, cmdline: string): [string, string] {
  const cmd = cmdline.trim();
  if (!cmd) return [name, ''];
  const space = cmd.indexOf(' ');
  const argv0 = space < 0 ? cmd : cmd.slice(0, space);
  const base = argv0.slice(argv0.lastIndexOf('/') + 1);
  if (name && base.startsWith(name)) return [base, space < 0 ? '' : cmd.slice(space + 1).trim()];
  return [name, cmd === name ? '' : cmd];
}

/** One row (process, program entry or group). `barMax` is barScale() of the rows on screen. */
export function processRow(p: Row, cols: Column[], barMax: number, style: TableStyle): Line {
  const ell = style.ascii ? '~' : '…';
  const exited = p.exited;
  const role = (r: Role): Role => (exited ? 'dim' : r);
  const u = style.units;
  return join(
    cols.map((c): Line => {
      const fit = (t: string): string => (c.align === 'right' ? fitRight(t, c.width, ell) : fitLeft(t, c.width, ell));
      switch (c.id) {
        case 'pid':
          return [seg(fit(p.pid === null ? '-' : String(p.pid)), role('text'))];
        case 'user':
          return [seg(fit(sanitizeText(p.user, style.utf8)), role('text'))];
        case 'name': {
          const [name, args] = programText(sanitizeText(p.name, style.utf8), sanitizeText(p.cmdline, style.utf8));
          const shown = truncate(name, c.width, ell);
          let rest = c.width - textWidth(shown);
          const out: Line = [seg(shown, role('name'))];
          if (p.tag && rest > 2) {
            const tag = truncate(` ${p.tag}`, rest, ell);
            out.push(seg(tag, 'dim'));
            rest -= textWidth(tag);
          }
          out.push(seg(args && rest > 2 ? fitLeft(` ${args}`, rest, ell) : ' '.repeat(rest), role('text')));
          return out;
        }
        case 'container': {
          const where = p.container ?? (p.groupKind === 'unit' ? p.unit : null) ?? '-';
          return [seg(fit(sanitizeText(where, style.utf8)), role('text'))];
        }
        case 'sent':
          return [seg(fit(rateOrTotal(p.sentTotal, p.sentRate, u, true)), role('sent'))];
        case 'received':
          return [seg(fit(rateOrTotal(p.receivedTotal, p.receivedRate, u, true)), role('received'))];
        case 'sentAlt':
          return [seg(fit(rateOrTotal(p.sentTotal, p.sentRate, u, false)), role('text'))];
        case 'receivedAlt':
          return [seg(fit(rateOrTotal(p.receivedTotal, p.receivedRate, u, false)), role('text'))];
        case 'bar':
          return exited
            ? [seg(fitLeft('exited', c.width, ell), 'dim')]
            : [seg(renderBar(barValue(p, u), barMax, c.width, style.ascii), 'bar')];
        case 'conns':
          return [seg(fit(String(p.connections.length)), role('text'))];
      }
    }),
  );
}
