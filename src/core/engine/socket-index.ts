// The socket tables indexed for the join. A flow matches, in order: the exact socket
// (protocol + local + remote), then a socket bound to its local address with any remote (a TCP
// listener whose process will own the accepted socket, an unconnected UDP socket), then a socket
// bound to the wildcard address on its local port. IPv4-mapped IPv6 sockets are indexed under the
// IPv4 address, so IPv4 packets find dual-stack sockets.
import type { SocketEntry } from '../proc/types.js';

export type MatchKind = 'exact' | 'bound' | 'wildcard';

export function joinAddr(addr: string): string {
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

export function exactKey(proto: string, laddr: string, lport: number, raddr: string, rport: number): string {
  return `${proto} ${laddr} ${lport} ${raddr} ${rport}`;
}

function boundKey(proto: string, laddr: string, lport: number): string {
  return `${proto} ${laddr} ${lport}`;
}

export class SocketIndex {
  private readonly exact = new Map<string, SocketEntry>();
  private readonly bound = new Map<string, SocketEntry>();
  readonly byInode = new Map<number, SocketEntry>();

  constructor(entries: Iterable<SocketEntry>) {
    for (const e of entries) {
      const l = joinAddr(e.localAddr);
      const r = joinAddr(e.remoteAddr);
      if (e.inode !== 0) this.byInode.set(e.inode, e);
      if (e.remotePort === 0 && (e.state === 'LISTEN' || e.proto === 'udp')) {
        const k = boundKey(e.proto, l, e.localPort);
        // A listener beats any other entry with the same local endpoint.
        if (!this.bound.has(k) || e.state === 'LISTEN') this.bound.set(k, e);
      } else {
        const k = exactKey(e.proto, l, e.localPort, r, e.remotePort);
        const old = this.exact.get(k);
        // TIME_WAIT leftovers (inode 0) never hide a live socket on the same 4-tuple.
        if (!old || old.inode === 0) this.exact.set(k, e);
      }
    }
  }

  get size(): number {
    return this.exact.size + this.bound.size;
  }

  find(exactK: string): SocketEntry | undefined {
    return this.exact.get(exactK);
  }

  /** The socket that receives for (laddr, lport) from any remote: bound address, then wildcard. */
  findBound(proto: string, family: number, laddr: string, lport: number): { entry: SocketEntry; kind: MatchKind } | null {
    const b = this.bound.get(boundKey(proto, laddr, lport));
    if (b) return { entry: b, kind: 'bound' };
    const w =
      (family === 4 ? this.bound.get(boundKey(proto, '0.0.0.0', lport)) : undefined) ??
      this.bound.get(boundKey(proto, '::', lport));
    return w ? { entry: w, kind: 'wildcard' } : null;
  }
}
