// The two header lines above the chart: where we capture and how healthy the capture is, then the
// machine's total traffic. Parts that do not fit the width are left out from the end.

import type { Snapshot } from '../model.js';
import { fitLine, joinParts, seg, type Line } from './line.js';
import { sanitizeText } from './sanitize.js';
import { formatBytes, formatRate, unitsLabel, type Units } from './units.js';

export interface HeaderInfo {
  hostname: string;
  paused: boolean;
  units: Units;
  /** What the list counts: "12 processes", "3 of 12 processes", "4 programs". */
  count: string;
  /** How rows are grouped, when they are. */
  grouping: string | null;
  /** Set once a replayed capture has been read to its end. */
  ended: boolean;
  utf8: boolean;
}

export function headerLines(s: Snapshot | null, info: HeaderInfo, width: number): Line[] {
  const first: Line[] = [[seg('bwtop', 'head'), seg(' '), seg(sanitizeText(info.hostname, info.utf8), 'name')]];
  if (info.paused) first.push([seg('[PAUSED]', 'warn')]);
  if (info.ended) first.push([seg('[capture ended: replay finished, q quits]', 'warn')]);
  if (!s) {
    first.push([seg('waiting for the first refresh', 'dim')]);
    return [fitLine(joinParts(first, width), width), fitLine([], width)];
  }
  const c = s.capture;
  const ifaces = c.interfaces.map((i) => sanitizeText(i, info.utf8)).join(',') || '-';
  first.push(
    [seg('if ', 'head'), seg(ifaces)],
    [seg('packets ', 'head'), seg(String(c.packets))],
    [seg('dropped ', 'head'), seg(String(c.dropped), c.dropped > 0 ? 'warn' : 'text')],
    [seg('unknown ', 'head'), seg(formatBytes(s.unknown.sentTotal + s.unknown.receivedTotal))],
  );
  // A captured interface that was deleted or went down: the others go on, and the header says so.
  const lost = (c.lost ?? []).map((l) => `${sanitizeText(l.name, info.utf8)} ${sanitizeText(l.why, info.utf8)}`).join(', ');
  if (lost) first.push([seg('lost ', 'head'), seg(lost, 'warn')]);
  if (c.malformed > 0) first.push([seg('malformed ', 'head'), seg(String(c.malformed), 'warn')]);
  if (s.pendingBytes > 0) first.push([seg('pending ', 'head'), seg(formatBytes(s.pendingBytes))]);
  // Tunnels' outer packets (the kernel's, no process): each tunnel by name, where there are any.
  for (const tu of s.tunnels ?? [])
    first.push([seg(`${sanitizeText(tu.name, info.utf8)} `, 'head'), seg(formatBytes(tu.sentTotal + tu.receivedTotal))]);
  const rate = info.units === 'bits' ? 'bits' : 'bytes';
  const t = s.totals;
  const second: Line[] = [
    [seg('sent ', 'head'), seg(formatRate(t.sentRate, rate), 'sent')],
    [seg('received ', 'head'), seg(formatRate(t.receivedRate, rate), 'received')],
    [seg('since start ', 'head'), seg(`${formatBytes(t.sentTotal)} sent, ${formatBytes(t.receivedTotal)} received`)],
    [seg(info.count, 'head')],
    ...(info.grouping ? [[seg('grouped by ', 'head'), seg(info.grouping)]] : []),
    [seg('units ', 'head'), seg(unitsLabel(info.units))],
  ];
  return [fitLine(joinParts(first, width), width), fitLine(joinParts(second, width), width)];
}
