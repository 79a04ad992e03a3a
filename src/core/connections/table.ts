// Human output of `bwtop connections`: columns aligned like `ss -tanp`, sized to their content
// so typical IPv4 listings fit 80 columns. A socket held by several processes gets one line per
// extra holder, under the process column. Names are untrusted: sanitised before printing.
// A Container column is added when a socket is in a container or another network namespace.
import type { ProcessInfo, SocketEntry } from '../proc/types.js';
import { sanitizeText } from '../view/sanitize.js';
import { textWidth } from '../view/width.js';
import type { ListingSink } from './listing.js';
import { socketContainer, type SocketNamespace } from './namespaces.js';

// ss's state spellings, which people reading this table already know.
const SS_STATE: Record<string, string> = {
  ESTABLISHED: 'ESTAB',
  SYN_SENT: 'SYN-SENT',
  SYN_RECV: 'SYN-RECV',
  FIN_WAIT1: 'FIN-WAIT-1',
  FIN_WAIT2: 'FIN-WAIT-2',
  TIME_WAIT: 'TIME-WAIT',
  CLOSE_WAIT: 'CLOSE-WAIT',
  LAST_ACK: 'LAST-ACK',
  NEW_SYN_RECV: 'SYN-RECV',
};

/** "addr:port" with IPv6 bracketed and a wildcard port written "*", as ss does. */
function endpoint(addr: string, port: number): string {
  const p = port === 0 ? '*' : String(port);
  return addr.includes(':') ? '[' + addr + ']:' + p : addr + ':' + p;
}

const HEADER = ['Proto', 'State', 'Local Address:Port', 'Peer Address:Port', 'PID/Program', 'User', 'Container'] as const;
const GAP = '  ';

interface Line {
  proto: string;
  state: string;
  local: string;
  remote: string;
  holders: readonly number[];
  /** Container or namespace name, "" on the host. */
  place: string;
}

export class TableListing implements ListingSink {
  private readonly lines: Line[] = [];
  private ns: SocketNamespace = { inode: null, container: null, foreign: false };

  constructor(
    private readonly lookup: (pid: number) => ProcessInfo | null,
    private readonly utf8: boolean,
    private readonly containerOf: (pid: number) => string | null = () => null,
  ) {}

  namespace(ns: SocketNamespace): void {
    this.ns = ns;
  }

  private place(holders: readonly number[]): string {
    const c = socketContainer(holders, this.containerOf, this.ns);
    if (c !== null) return sanitizeText(c, this.utf8);
    return this.ns.foreign ? `netns:${this.ns.inode}` : '';
  }

  add(row: SocketEntry, holders: readonly number[]): void {
    this.lines.push({
      proto: row.family === 6 ? row.proto + '6' : row.proto,
      state: SS_STATE[row.state] ?? row.state,
      local: endpoint(row.localAddr, row.localPort),
      remote: endpoint(row.remoteAddr, row.remotePort),
      holders,
      place: this.place(holders),
    });
  }

  finish(): string {
    // [pid/name, user] per pid, sanitised once.
    const cells = new Map<number, [string, string] | null>();
    const holderCells = (pid: number): [string, string] | null => {
      let c = cells.get(pid);
      if (c === undefined) {
        const p = this.lookup(pid);
        c = p === null ? null : [`${pid}/${sanitizeText(p.name, this.utf8)}`, sanitizeText(p.user, this.utf8)];
        cells.set(pid, c);
      }
      return c;
    };
    const w = HEADER.map((h) => h.length);
    const shown: Array<Array<[string, string]>> = [];
    for (const l of this.lines) {
      if (l.proto.length > w[0]!) w[0] = l.proto.length;
      if (l.state.length > w[1]!) w[1] = l.state.length;
      if (l.local.length > w[2]!) w[2] = l.local.length;
      if (l.remote.length > w[3]!) w[3] = l.remote.length;
      const hs: Array<[string, string]> = [];
      for (const pid of l.holders) {
        const c = holderCells(pid);
        if (c === null) continue;
        hs.push(c);
        const cw = textWidth(c[0]);
        if (cw > w[4]!) w[4] = cw;
        const uw = textWidth(c[1]);
        if (uw > w[5]!) w[5] = uw;
      }
      shown.push(hs);
    }
    const padCell = (text: string, width: number) => {
      const tw = textWidth(text);
      return tw >= width ? text : text + ' '.repeat(width - tw);
    };
    const blank = ' '.repeat(w[0]! + w[1]! + w[2]! + w[3]! + 4 * GAP.length);
    // The Container column only when some socket is outside the host's namespace or in a container.
    const withPlace = this.lines.some((l) => l.place !== '');
    const placeCell = (user: string, place: string) => (withPlace ? padCell(user, w[5]!) + GAP + place : user);
    const out: string[] = [
      (
        HEADER[0].padEnd(w[0]!) +
        GAP +
        HEADER[1].padEnd(w[1]!) +
        GAP +
        HEADER[2].padEnd(w[2]!) +
        GAP +
        HEADER[3].padEnd(w[3]!) +
        GAP +
        HEADER[4].padEnd(w[4]!) +
        GAP +
        placeCell(HEADER[5], HEADER[6])
      ).trimEnd(),
    ];
    this.lines.forEach((l, i) => {
      const hs = shown[i]!;
      const first = hs[0];
      const head = l.proto.padEnd(w[0]!) + GAP + l.state.padEnd(w[1]!) + GAP + l.local.padEnd(w[2]!) + GAP + l.remote.padEnd(w[3]!) + GAP;
      const holder = first === undefined ? ['-', ''] : first;
      out.push((head + padCell(holder[0]!, w[4]!) + GAP + placeCell(holder[1]!, l.place)).trimEnd());
      for (let k = 1; k < hs.length; k++) out.push((blank + padCell(hs[k]![0], w[4]!) + GAP + hs[k]![1]).trimEnd());
    });
    return out.join('\n') + '\n';
  }
}
