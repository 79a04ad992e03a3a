// The drill-down: every socket the process holds. Busy sockets come first, in the list's sort,
// with their rates and a small bar; idle ones follow dimmed with their totals, listeners last and
// marked. Both ends are written the same way: addresses, or host names once reverse DNS has
// answered (and names are switched on).

import type { ConnectionStats } from '../model.js';
import { renderBar } from './bar.js';
import { seg, type Line, type Role } from './line.js';
import type { TableStyle } from './process-table.js';
import { sanitizeText } from './sanitize.js';
import { isDescending, receivedValue, sentValue, type SortKey, type SortState } from './sort.js';
import { byteColumnTitle, formatBytes, formatRate, isByteColumn, type ByteColumnId, type Units } from './units.js';
import { fitLeft, fitRight, textWidth, truncate } from './width.js';
import { plural } from './words.js';

export type ConnColumnId = 'proto' | 'local' | 'remote' | 'state' | 'sent' | 'received' | 'bar' | 'sentAlt' | 'receivedAlt';

export interface ConnColumn {
  id: ConnColumnId;
  width: number;
}

const NUM = 11;
const BAR_W = 10;

export function connectionColumns(width: number): ConnColumn[] {
  const fixed: ConnColumn[] = [
    { id: 'proto', width: 5 },
    { id: 'state', width: 11 }, // ESTABLISHED
    { id: 'sent', width: NUM },
    { id: 'received', width: NUM },
  ];
  if (width >= 100) fixed.push({ id: 'bar', width: BAR_W });
  if (width >= 120) fixed.push({ id: 'sentAlt', width: NUM }, { id: 'receivedAlt', width: NUM });
  const flex = width - fixed.reduce((w, c) => w + c.width, 0) - (fixed.length + 1);
  const localW = Math.max(8, Math.floor(flex * 0.45));
  const remoteW = Math.max(8, flex - localW);
  const byId = new Map<ConnColumnId, ConnColumn>(fixed.map((c) => [c.id, c]));
  byId.set('local', { id: 'local', width: localW });
  byId.set('remote', { id: 'remote', width: remoteW });
  const order: ConnColumnId[] = ['proto', 'local', 'remote', 'state', 'sent', 'received', 'bar', 'sentAlt', 'receivedAlt'];
  return order.flatMap((id) => {
    const c = byId.get(id);
    return c ? [c] : [];
  });
}

/** A socket that waits for peers: a TCP listener, or a UDP socket with no fixed peer. */
export function isListener(c: ConnectionStats): boolean {
  return c.state === 'LISTEN' || (c.proto === 'udp' && /^(\*|0\.0\.0\.0|\[::\]|\[\*\]):(\*|0)$/.test(c.remote));
}

function byId(a: ConnectionStats, b: ConnectionStats): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Busy sockets first in the list's order (by sent or received when that is the sort, else by both), then idle, then listeners. */
export function sortConnections(list: readonly ConnectionStats[], sort: SortState, units: Units): ConnectionStats[] {
  const value = (c: ConnectionStats): number =>
    sort.key === 'sent'
      ? sentValue(c, units)
      : sort.key === 'received'
        ? receivedValue(c, units)
        : sentValue(c, units) + receivedValue(c, units);
  const numeric = sort.key === 'sent' || sort.key === 'received' || sort.key === 'total';
  const sign = numeric && !isDescending(sort) ? 1 : -1;
  const rank = (c: ConnectionStats): number => (c.active ? 0 : isListener(c) ? 2 : 1);
  const total = (c: ConnectionStats): number => c.sentTotal + c.receivedTotal;
  return [...list].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? sign * (value(a) - value(b)) : total(b) - total(a)) || byId(a, b));
}

const CONNECTION_TITLES: Record<Exclude<ConnColumnId, ByteColumnId>, string> = {
  proto: 'PROTO',
  local: 'LOCAL',
  remote: 'REMOTE',
  state: 'STATE',
};

export function connectionTitle(id: ConnColumnId, units: Units): string {
  return isByteColumn(id) ? byteColumnTitle(id, units) : CONNECTION_TITLES[id];
}

export function connColumnSort(id: ConnColumnId): SortKey | null {
  return id === 'sent' || id === 'sentAlt'
    ? 'sent'
    : id === 'received' || id === 'receivedAlt'
      ? 'received'
      : id === 'bar'
        ? 'total'
        : null;
}

const LEFT: ReadonlySet<ConnColumnId> = new Set(['proto', 'local', 'remote', 'state', 'bar']);

function join(cells: Line[]): Line {
  return cells.flatMap((c, i) => (i === 0 ? c : [seg(' '), ...c]));
}

export function connectionHeader(cols: ConnColumn[], style: TableStyle): Line {
  const ell = style.ascii ? '~' : '…';
  return join(
    cols.map((c) => {
      const t = connectionTitle(c.id, style.units);
      return [seg(LEFT.has(c.id) ? fitLeft(t, c.width, ell) : fitRight(t, c.width, ell), 'head')];
    }),
  );
}

/** The address part of an endpoint ("127.0.0.1:80" → "127.0.0.1", "[::1]:80" → "::1"). */
export function endpointAddress(endpoint: string): string {
  const colon = endpoint.lastIndexOf(':');
  const host = colon < 0 ? endpoint : endpoint.slice(0, colon);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** "host:port" when a name is known, else the endpoint as captured. */
export function endpointLabel(endpoint: string, hostName: string | null): string {
  if (!hostName) return endpoint;
  return `${hostName}:${endpoint.slice(endpoint.lastIndexOf(':') + 1)}`;
}

/** The remote end's label (kept for callers that name only the remote end). */
export function remoteLabel(c: ConnectionStats, hostName: string | null): string {
  return endpointLabel(c.remote, hostName);
}

/** An endpoint in `width` cells: the host part is cut (at its end), the port always stays. */
export function fitEndpoint(endpoint: string, width: number, ell: string): string {
  const colon = endpoint.lastIndexOf(':');
  if (colon <= 0 || textWidth(endpoint) <= width) return fitLeft(endpoint, width, ell);
  const port = endpoint.slice(colon);
  if (textWidth(port) + 2 > width) return fitLeft(endpoint, width, ell);
  return fitLeft(truncate(endpoint.slice(0, colon), width - textWidth(port), ell) + port, width, ell);
}

/** Host names of the two ends (null: show the address). */
export interface EndNames {
  local: string | null;
  remote: string | null;
}

/** One socket. `barMax` is the largest sent+received of the busy sockets shown. */
export function connectionRow(c: ConnectionStats, cols: ConnColumn[], names: EndNames, style: TableStyle, barMax = 0): Line {
  const ell = style.ascii ? '~' : '…';
  const u = style.units;
  const idle = !c.active;
  const listener = isListener(c);
  const role = (r: Role): Role => (idle ? 'dim' : r);
  // Idle sockets have no rate to show: their columns give what they carried since start.
  const num = (bytes: number, rate: number, primary: boolean): string =>
    idle || (u === 'total') === primary ? formatBytes(bytes) : formatRate(rate, u === 'bits' ? 'bits' : 'bytes');
  return join(
    cols.map((col): Line => {
      const w = col.width;
      switch (col.id) {
        case 'proto':
          return [seg(fitLeft(c.proto + (c.family === 6 ? '6' : ''), w, ell), role('text'))];
        case 'local':
          return [seg(fitEndpoint(sanitizeText(endpointLabel(c.local, names.local), style.utf8), w, ell), role('text'))];
        case 'remote':
          return [
            seg(fitEndpoint(sanitizeText(listener ? c.remote : endpointLabel(c.remote, names.remote), style.utf8), w, ell), role('text')),
          ];
        case 'state': {
          const state = listener ? 'LISTEN' : sanitizeText(c.state, style.utf8) || '-';
          return [seg(fitLeft(state, w, ell), idle || c.state === 'CLOSED' ? 'dim' : 'text')];
        }
        case 'sent':
          return [seg(fitRight(num(c.sentTotal, c.sentRate, true), w, ell), role('sent'))];
        case 'received':
          return [seg(fitRight(num(c.receivedTotal, c.receivedRate, true), w, ell), role('received'))];
        case 'bar':
          if (idle) return [seg(fitLeft(listener ? 'listening' : 'idle', w, ell), 'dim')];
          return [seg(renderBar(sentValue(c, u) + receivedValue(c, u), barMax, w, style.ascii), 'bar')];
        case 'sentAlt':
          return [seg(fitRight(num(c.sentTotal, c.sentRate, false), w, ell), role('text'))];
        case 'receivedAlt':
          return [seg(fitRight(num(c.receivedTotal, c.receivedRate, false), w, ell), role('text'))];
      }
    }),
  );
}

/** "5 sockets (4 TCP, 1 UDP), 2 active". */
export function socketSummary(list: readonly ConnectionStats[]): string {
  const tcp = list.filter((c) => c.proto === 'tcp').length;
  const udp = list.length - tcp;
  const kinds = [tcp ? `${tcp} TCP` : '', udp ? `${udp} UDP` : ''].filter(Boolean).join(', ');
  const active = list.filter((c) => c.active).length;
  return `${plural(list.length, 'socket')}${kinds ? ` (${kinds})` : ''}, ${active} active`;
}
