// The drill-down's lines: two summary lines (who the row is; its traffic and sockets) and the
// socket table.

import type { ConnectionStats } from '../model.js';
import {
  connectionColumns,
  connectionHeader,
  connectionRow,
  endpointAddress,
  socketSummary,
  sortConnections,
  type EndNames,
} from './connection-table.js';
import { fitLine, joinParts, lineWidth, seg, type Line } from './line.js';
import type { TableStyle } from './process-table.js';
import type { Row } from './rows.js';
import { sanitizeText } from './sanitize.js';
import type { SortState } from './sort.js';
import { formatBytes, formatRate } from './units.js';
import { truncate } from './width.js';

function message(text: string, width: number): Line {
  return fitLine([seg(text, 'dim')], width);
}

export function detailSummary(p: Row | null, gone: boolean, goneKey: string, width: number, style: TableStyle): Line[] {
  if (!p) return [message(`${goneKey} is gone`, width), fitLine([], width)];
  const ell = style.ascii ? '~' : '…';
  const rate = style.units === 'bits' ? 'bits' : 'bytes';
  const parts: Line[] = [];
  if (p.pid !== null) parts.push([seg('pid ', 'head'), seg(String(p.pid))]);
  parts.push([seg(sanitizeText(p.name, style.utf8) || '?', 'name'), ...(p.tag ? [seg(` ${p.tag}`, 'dim')] : [])]);
  parts.push([seg('user ', 'head'), seg(sanitizeText(p.user, style.utf8))]);
  if (p.container !== null) parts.push([seg('container ', 'head'), seg(sanitizeText(p.container, style.utf8))]);
  if (gone) parts.push([seg('[gone from the capture]', 'warn')]);
  else if (p.exited) parts.push([seg('[exited]', 'warn')]);
  const who = joinParts(parts, width);
  // The command line (a program entry: its pids) takes what is left, cut rather than dropped.
  const used = lineWidth(who);
  const [label, text] = p.pid === null ? ['pids ', p.pids.join(' ')] : ['cmd ', sanitizeText(p.cmdline, style.utf8).trim() || '-'];
  const room = width - used - 2 - label.length;
  const whoLine = room > 3 ? [...who, seg('  '), seg(label, 'head'), seg(truncate(text, room, ell))] : who;
  const traffic = joinParts(
    [
      [seg(socketSummary(p.connections), 'head')],
      [seg('sent ', 'head'), seg(formatRate(p.sentRate, rate), 'sent')],
      [seg('received ', 'head'), seg(formatRate(p.receivedRate, rate), 'received')],
      [seg('since start ', 'head'), seg(`${formatBytes(p.sentTotal)} sent, ${formatBytes(p.receivedTotal)} received`)],
    ],
    width,
  );
  return [fitLine(whoLine, width), fitLine(traffic, width)];
}

/** Looks up a host name for an address (null until known, or with names off). */
export type NameOf = (addr: string) => string | null;

export function endNames(c: ConnectionStats, names: NameOf | null): EndNames {
  if (!names) return { local: null, remote: null };
  return { local: names(endpointAddress(c.local)), remote: names(c.remoteAddr) };
}

/** The socket table: the title row, then `height` rows from `offset`. */
export function detailBody(
  p: Row | null,
  sort: SortState,
  offset: number,
  names: NameOf | null,
  width: number,
  height: number,
  style: TableStyle,
): Line[] {
  const cols = connectionColumns(width);
  const out = [fitLine(connectionHeader(cols, style), width)];
  const conns = p ? sortConnections(p.connections, sort, style.units) : [];
  if (conns.length === 0) out.push(message(p ? 'no open sockets seen for it' : 'gone from the capture', width));
  const busy = conns.filter((c) => c.active);
  const max = busy.reduce((m, c) => Math.max(m, style.units === 'total' ? c.sentTotal + c.receivedTotal : c.sentRate + c.receivedRate), 0);
  for (const c of conns.slice(offset, offset + height)) out.push(fitLine(connectionRow(c, cols, endNames(c, names), style, max), width));
  return out;
}
