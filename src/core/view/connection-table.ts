// The drill-down: a process's summary lines and its connection table. Remote endpoints show the
// host name once reverse DNS has answered (and names are switched on), else the address.

import type { ConnectionStats, ProcessStats } from '../model.js';
import { fitLine, joinParts, lineWidth, seg, type Line } from './line.js';
import { sanitizeText } from './sanitize.js';
import { isDescending, receivedValue, sentValue, type SortState } from './sort.js';
import { formatBytes, formatRate, type Units } from './units.js';
import { fitLeft, fitRight, textWidth, truncate } from './width.js';
import type { TableStyle } from './process-table.js';

export type ConnColumnId = 'proto' | 'local' | 'remote' | 'state' | 'sent' | 'received' | 'sentAlt' | 'receivedAlt';

export interface ConnColumn {
  id: ConnColumnId;
  width: number;
}

const NUM = 11;

export function connectionColumns(width: number): ConnColumn[] {
  const fixed: ConnColumn[] = [
    { id: 'proto', width: 5 },
    { id: 'state', width: 11 }, // ESTABLISHED
    { id: 'sent', width: NUM },
    { id: 'received', width: NUM },
  ];
  if (width >= 110) fixed.push({ id: 'sentAlt', width: NUM }, { id: 'receivedAlt', width: NUM });
  const flex = width - fixed.reduce((w, c) => w + c.width, 0) - (fixed.length + 1);
  const localW = Math.max(8, Math.floor(flex * 0.42));
  const remoteW = Math.max(8, flex - localW);
  const byId = new Map<ConnColumnId, ConnColumn>(fixed.map((c) => [c.id, c]));
  byId.set('local', { id: 'local', width: localW });
  byId.set('remote', { id: 'remote', width: remoteW });
  const order: ConnColumnId[] = ['proto', 'local', 'remote', 'state', 'sent', 'received', 'sentAlt', 'receivedAlt'];
  return order.flatMap((id) => {
    const c = byId.get(id);
    return c ? [c] : [];
  });
}

/** Connections in the process table's order: by sent or received when that is the sort, else by both. */
export function sortConnections(list: readonly ConnectionStats[], sort: SortState, units: Units): ConnectionStats[] {
  const value = (c: ConnectionStats): number =>
    sort.key === 'sent' ? sentValue(c, units)
    : sort.key === 'received' ? receivedValue(c, units)
    : sentValue(c, units) + receivedValue(c, units);
  const numeric = sort.key === 'sent' || sort.key === 'received' || sort.key === 'total';
  const sign = numeric && !isDescending(sort) ? 1 : -1;
  return [...list].sort((a, b) => sign * (value(a) - value(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function title(id: ConnColumnId, units: Units): string {
  const alt = units === 'total';
  switch (id) {
    case 'proto': return 'PROTO';
    case 'local': return 'LOCAL';
    case 'remote': return 'REMOTE';
    case 'state': return 'STATE';
    case 'sent': return alt ? 'SENT TOTAL' : 'SENT';
    case 'received': return alt ? 'RECV TOTAL' : 'RECEIVED';
    case 'sentAlt': return alt ? 'SENT' : 'SENT TOTAL';
    case 'receivedAlt': return alt ? 'RECEIVED' : 'RECV TOTAL';
  }
}

const LEFT: ReadonlySet<ConnColumnId> = new Set(['proto', 'local', 'remote', 'state']);

function join(cells: Line[]): Line {
  return cells.flatMap((c, i) => (i === 0 ? c : [seg(' '), ...c]));
}

export function connectionHeader(cols: ConnColumn[], style: TableStyle): Line {
  const ell = style.ascii ? '~' : '…';
  return join(
    cols.map((c) => {
      const t = title(c.id, style.units);
      return [seg(LEFT.has(c.id) ? fitLeft(t, c.width, ell) : fitRight(t, c.width, ell), 'head')];
    }),
  );
}

/** "host:port" when a name is known, else the endpoint as captured. */
export function remoteLabel(c: ConnectionStats, hostName: string | null): string {
  if (!hostName) return c.remote;
  const port = c.remote.slice(c.remote.lastIndexOf(':') + 1);
  return `${hostName}:${port}`;
}

/** An endpoint in `width` cells: the host part is cut (at its end), the port always stays. */
export function fitEndpoint(endpoint: string, width: number, ell: string): string {
  const colon = endpoint.lastIndexOf(':');
  if (colon <= 0 || textWidth(endpoint) <= width) return fitLeft(endpoint, width, ell);
  const port = endpoint.slice(colon);
  if (textWidth(port) + 2 > width) return fitLeft(endpoint, width, ell);
  return fitLeft(truncate(endpoint.slice(0, colon), width - textWidth(port), ell) + port, width, ell);
}

export function connectionRow(c: ConnectionStats, cols: ConnColumn[], hostName: string | null, style: TableStyle): Line {
  const ell = style.ascii ? '~' : '…';
  const u = style.units;
  const num = (bytes: number, rate: number, primary: boolean): string =>
    (u === 'total') === primary ? formatBytes(bytes) : formatRate(rate, u === 'bits' ? 'bits' : 'bytes');
  return join(
    cols.map((col): Line => {
      const w = col.width;
      switch (col.id) {
        case 'proto':
          return [seg(fitLeft(c.proto + (c.family === 6 ? '6' : ''), w, ell))];
        case 'local':
          return [seg(fitEndpoint(sanitizeText(c.local, style.utf8), w, ell))];
        case 'remote':
          return [seg(fitEndpoint(sanitizeText(remoteLabel(c, hostName), style.utf8), w, ell))];
        case 'state':
          return [seg(fitLeft(sanitizeText(c.state, style.utf8) || '-', w, ell), c.state === 'CLOSED' ? 'dim' : 'text')];
        case 'sent':
          return [seg(fitRight(num(c.sentTotal, c.sentRate, true), w, ell), 'sent')];
        case 'received':
          return [seg(fitRight(num(c.receivedTotal, c.receivedRate, true), w, ell), 'received')];
        case 'sentAlt':
          return [seg(fitRight(num(c.sentTotal, c.sentRate, false), w, ell))];
        case 'receivedAlt':
          return [seg(fitRight(num(c.receivedTotal, c.receivedRate, false), w, ell))];
      }
    }),
  );
}

/** Two summary lines above the connections: who the process is, and its traffic. */
export function processSummary(p: ProcessStats, gone: boolean, width: number, style: TableStyle): Line[] {
  const ell = style.ascii ? '~' : '…';
  const rate = style.units === 'bits' ? 'bits' : 'bytes';
  const parts: Line[] = [
    [seg('pid ', 'head'), seg(String(p.pid))],
    [seg(sanitizeText(p.name, style.utf8), 'name')],
    [seg('user ', 'head'), seg(sanitizeText(p.user, style.utf8))],
  ];
  if (gone) parts.push([seg('[gone from the capture]', 'warn')]);
  else if (p.exitedAtMs !== 0) parts.push([seg('[exited]', 'warn')]);
  const who = joinParts(parts, width);
  // The command line takes what is left, cut rather than dropped.
  const used = lineWidth(who);
  const cmd = sanitizeText(p.cmdline, style.utf8).trim() || '-';
  const room = width - used - 6;
  const whoLine = room > 3 ? [...who, seg('  '), seg('cmd ', 'head'), seg(truncate(cmd, room, ell))] : who;
  const traffic = joinParts(
    [
      [seg('sent ', 'head'), seg(formatRate(p.sentRate, rate), 'sent')],
      [seg('received ', 'head'), seg(formatRate(p.receivedRate, rate), 'received')],
      [seg('since start ', 'head'), seg(`${formatBytes(p.sentTotal)} sent, ${formatBytes(p.receivedTotal)} received`)],
      [seg(`${p.connections.length} connection${p.connections.length === 1 ? '' : 's'}`, 'head')],
    ],
    width,
  );
  return [fitLine(whoLine, width), fitLine(traffic, width)];
}
