// One socket table indexed for the join. A flow matches, in order: the exact socket
// (protocol + local + remote), then a socket bound to its local address with any remote (a TCP
// listener whose process will own the accepted socket, an unconnected UDP socket), then a socket
// bound to the wildcard address on its local port. IPv4-mapped IPv6 sockets are indexed under the
// IPv4 address, so IPv4 packets find dual-stack sockets.
import type { SocketEntry } from '../proc/types.js';
import { joinAddress } from '../proc/address.js';

export type MatchKind = 'exact' | 'bound' | 'wildcard';

/** The address packets carry for a socket (IPv4-mapped IPv6 sockets talk IPv4 on the wire). */
export const joinAddr = joinAddress;

export function exactKey(proto: string, laddr: string, lport: number, raddr: string, rport: number): string {
  return `${proto} ${laddr} ${lport} ${raddr} ${rport}`;
}

function boundKey(proto: string, laddr: string, lport: number): string {
  return `${proto} ${laddr} ${lport}`;
}

/** A row kept in an index, with the read that last saw it. */
interface Slot {
  entry: SocketEntry;
  gen: number;
}

/**
 * One table's rows, kept from read to read: a row the next read finds again (same conversation,
 * same inode) keeps its object, updated in place, and rows no read finds any more are dropped at
 * its end. Rebuilding the maps at each read made every row's object and key new once a second on
 * a busy host (50,000 TIME_WAIT rows), all of it living until the next read and so promoted to the
 * old generation: hundreds of MB between full collections.
 */
export class SocketIndex {
  private readonly exact = new Map<string, Slot>();
  private readonly bound = new Map<string, Slot>();
  readonly byInode = new Map<number, SocketEntry>();
  /** The read under way (or last made). */
  private gen = 0;
  /** The rows of the read under way, in the kernel's order. */
  private rows: SocketEntry[] = [];

  constructor(entries: Iterable<SocketEntry> = []) {
    this.beginRead();
    for (const e of entries) this.take(e, false);
    this.endRead();
  }

  beginRead(): void {
    this.gen++;
    this.rows = [];
  }

  /**
   * A row of the read under way. `copy`: the caller reuses `e` for the next row, so a row that
   * is new is copied.
   */
  take(e: SocketEntry, copy: boolean): void {
    const kept = this.place(e, copy);
    this.rows.push(kept ?? (copy ? { ...e } : e));
  }

  /** Indexes `e` (or keeps the object already indexed for its socket); null when another row hides it. */
  private place(e: SocketEntry, copy: boolean): SocketEntry | null {
    const l = joinAddr(e.localAddr);
    const isBound = e.remotePort === 0 && (e.state === 'LISTEN' || e.proto === 'udp');
    const map = isBound ? this.bound : this.exact;
    const k = isBound ? boundKey(e.proto, l, e.localPort) : exactKey(e.proto, l, e.localPort, joinAddr(e.remoteAddr), e.remotePort);
    const old = map.get(k);
    if (old && old.gen === this.gen) {
      // Two rows of one read on one key: a listener beats any other entry with the same local
      // endpoint; TIME_WAIT leftovers (inode 0) never hide a live socket on the same 4-tuple.
      const keepOld = isBound ? e.state !== 'LISTEN' : old.entry.inode !== 0;
      if (keepOld) return null;
    }
    if (old && old.entry.inode === e.inode && old.entry.localAddr === e.localAddr && old.entry.remoteAddr === e.remoteAddr) {
      // The same socket again: keep its object.
      old.entry.state = e.state;
      old.entry.uid = e.uid;
      old.gen = this.gen;
      return old.entry;
    }
    const kept = copy ? { ...e } : e;
    if (old) this.dropInode(old.entry);
    map.set(k, { entry: kept, gen: this.gen });
    if (kept.inode !== 0) this.byInode.set(kept.inode, kept);
    return kept;
  }

  /** The read is complete: rows it did not find are gone. Returns its rows in the kernel's order. */
  endRead(): SocketEntry[] {
    for (const map of [this.exact, this.bound]) {
      for (const [k, slot] of map) {
        if (slot.gen === this.gen) continue;
        this.dropInode(slot.entry);
        map.delete(k);
      }
    }
    return this.rows;
  }

  /** A socket read by an exact look-up: the freshest word on its conversation, so it replaces the row. */
  put(e: SocketEntry): void {
    if (e.remotePort === 0 && (e.state === 'LISTEN' || e.proto === 'udp')) {
      const k = boundKey(e.proto, joinAddr(e.localAddr), e.localPort);
      const old = this.bound.get(k);
      if (old && old.entry.state === 'LISTEN' && e.state !== 'LISTEN') return;
      if (old) this.dropInode(old.entry);
      this.bound.set(k, { entry: e, gen: this.gen });
    } else {
      const k = exactKey(e.proto, joinAddr(e.localAddr), e.localPort, joinAddr(e.remoteAddr), e.remotePort);
      const old = this.exact.get(k);
      if (old) this.dropInode(old.entry);
      this.exact.set(k, { entry: e, gen: this.gen });
    }
    if (e.inode !== 0) this.byInode.set(e.inode, e);
  }

  /** An exact look-up found no socket for the conversation: it is closed. */
  drop(exactK: string): void {
    this.dropInode(this.exact.get(exactK)?.entry);
    this.exact.delete(exactK);
  }

  /** The listeners and unconnected sockets, from a read of those alone (the rest is kept). */
  replaceBound(entries: Iterable<SocketEntry>): void {
    const found = new Set<SocketEntry>();
    for (const e of entries) {
      const kept = this.place(e, false);
      if (kept) found.add(kept);
    }
    for (const [k, slot] of this.bound) {
      if (found.has(slot.entry)) continue;
      this.dropInode(slot.entry);
      this.bound.delete(k);
    }
  }

  private dropInode(e: SocketEntry | undefined): void {
    if (e && e.inode !== 0 && this.byInode.get(e.inode) === e) this.byInode.delete(e.inode);
  }

  get size(): number {
    return this.exact.size + this.bound.size;
  }

  find(exactK: string): SocketEntry | undefined {
    return this.exact.get(exactK)?.entry;
  }

  /** The socket that receives for (laddr, lport) from any remote: bound address, then wildcard. */
  findBound(proto: string, family: number, laddr: string, lport: number): { entry: SocketEntry; kind: MatchKind } | null {
    const b = this.bound.get(boundKey(proto, laddr, lport))?.entry;
    if (b) return { entry: b, kind: 'bound' };
    const w =
      (family === 4 ? this.bound.get(boundKey(proto, '0.0.0.0', lport)) : undefined)?.entry ??
      this.bound.get(boundKey(proto, '::', lport))?.entry;
    return w ? { entry: w, kind: 'wildcard' } : null;
  }
}
