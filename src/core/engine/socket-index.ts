// The socket tables indexed for the join. A flow matches, in order: the exact socket
// (protocol + local + remote), then a socket bound to its local address with any remote (a TCP
// listener whose process will own the accepted socket, an unconnected UDP socket), then a socket
// bound to the wildcard address on its local port. IPv4-mapped IPv6 sockets are indexed under the
// IPv4 address, so IPv4 packets find dual-stack sockets.
import { SOCKET_TABLES, type SocketEntry, type TableName } from '../proc/types.js';
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

export class SocketIndex {
  private readonly exact = new Map<string, SocketEntry>();
  private readonly bound = new Map<string, SocketEntry>();
  readonly byInode = new Map<number, SocketEntry>();

  constructor(entries: Iterable<SocketEntry>) {
    for (const e of entries) this.add(e);
  }

  add(e: SocketEntry): void {
    {
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

  /** A socket read by an exact look-up: the freshest word on its conversation, so it replaces the row. */
  put(e: SocketEntry): void {
    if (e.remotePort === 0 && (e.state === 'LISTEN' || e.proto === 'udp')) {
      this.add(e);
      return;
    }
    const k = exactKey(e.proto, joinAddr(e.localAddr), e.localPort, joinAddr(e.remoteAddr), e.remotePort);
    this.dropInode(this.exact.get(k));
    this.exact.set(k, e);
    if (e.inode !== 0) this.byInode.set(e.inode, e);
  }

  /** An exact look-up found no socket for the conversation: it is closed. */
  drop(exactK: string): void {
    this.dropInode(this.exact.get(exactK));
    this.exact.delete(exactK);
  }

  /** The listeners and unconnected sockets, from a read of those alone (the rest is kept). */
  replaceBound(entries: Iterable<SocketEntry>): void {
    for (const e of this.bound.values()) this.dropInode(e);
    this.bound.clear();
    for (const e of entries) this.add(e);
  }

  private dropInode(e: SocketEntry | undefined): void {
    if (e && e.inode !== 0 && this.byInode.get(e.inode) === e) this.byInode.delete(e.inode);
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
      (family === 4 ? this.bound.get(boundKey(proto, '0.0.0.0', lport)) : undefined) ?? this.bound.get(boundKey(proto, '::', lport));
    return w ? { entry: w, kind: 'wildcard' } : null;
  }
}

export type { TableName };
export const ALL_TABLES: readonly TableName[] = SOCKET_TABLES.map((t) => t.name);

export function tableOf(e: SocketEntry): TableName {
  return e.family === 6 ? (e.proto === 'tcp' ? 'tcp6' : 'udp6') : e.proto;
}

/** The tables a flow's socket may be in, most likely first (IPv4 also: dual-stack IPv6 sockets). */
export function tablesFor(proto: 'tcp' | 'udp', family: number): readonly TableName[] {
  if (proto === 'tcp') return family === 4 ? ['tcp', 'tcp6'] : ['tcp6'];
  return family === 4 ? ['udp', 'udp6'] : ['udp6'];
}

/**
 * The four tables, each indexed on its own and re-read on its own: on a host whose TCP hash
 * table has many buckets, each TCP table read costs milliseconds of kernel time even when almost
 * empty, and a connection that lives a few milliseconds must be found within them.
 */
export class SocketTables {
  private readonly indexes = new Map<TableName, SocketIndex>();
  /** Generation at which each table was last read. */
  private readonly readAt = new Map<TableName, number>();
  /** Each table's rows as last read, in the kernel's order, ownerless ones (TIME_WAIT) included. */
  private readonly rowsRead = new Map<TableName, readonly SocketEntry[]>();
  generation = 0;
  /** When every row was last read (the live schedule's clock; 0: not told). */
  fullReadMs = 0;

  constructor(private readonly reader: (names: readonly TableName[]) => Iterable<SocketEntry>) {}

  refresh(names: readonly TableName[] = ALL_TABLES): void {
    this.apply(names, this.reader(names));
  }

  /**
   * A socket learned by an exact look-up between table reads: joined at once, replaced by the
   * next read of its table.
   */
  learn(e: SocketEntry): void {
    this.indexes.get(tableOf(e))?.put(e);
  }

  /** An exact look-up in every table the conversation may be in found nothing. */
  forget(names: readonly TableName[], exactK: string): void {
    for (const n of names) this.indexes.get(n)?.drop(exactK);
  }

  /**
   * Install a read of the listeners (or unconnected sockets) alone: cheap for the kernel, which
   * then skips walking every connection. Connected rows stay as they were, and the tables do not
   * count as read (a flow's miss counts only against a read of every row).
   */
  applyBound(names: readonly TableName[], entries: Iterable<SocketEntry>): void {
    const groups = new Map<TableName, SocketEntry[]>(names.map((n) => [n, []]));
    for (const e of entries) groups.get(tableOf(e))?.push(e);
    for (const [n, list] of groups) {
      const index = this.indexes.get(n);
      if (index) index.replaceBound(list);
      else this.indexes.set(n, new SocketIndex(list));
    }
  }

  /** Install freshly read tables (`entries` may hold rows of other tables: they are ignored). */
  apply(names: readonly TableName[], entries: Iterable<SocketEntry>): void {
    const groups = new Map<TableName, SocketEntry[]>(names.map((n) => [n, []]));
    for (const e of entries) groups.get(tableOf(e))?.push(e);
    this.generation++;
    for (const [n, entries] of groups) {
      this.indexes.set(n, new SocketIndex(entries));
      this.readAt.set(n, this.generation);
      this.rowsRead.set(n, entries);
    }
  }

  /** The oldest read among `names` (0 if one was never read). */
  readGeneration(names: readonly TableName[]): number {
    let g = Infinity;
    for (const n of names) g = Math.min(g, this.readAt.get(n) ?? 0);
    return g;
  }

  find(names: readonly TableName[], exactK: string): SocketEntry | undefined {
    let fallback: SocketEntry | undefined;
    for (const n of names) {
      const e = this.indexes.get(n)?.find(exactK);
      if (e && e.inode !== 0) return e;
      fallback ??= e;
    }
    return fallback;
  }

  findBound(
    names: readonly TableName[],
    proto: string,
    family: number,
    laddr: string,
    lport: number,
  ): { entry: SocketEntry; kind: MatchKind } | null {
    let wildcard: { entry: SocketEntry; kind: MatchKind } | null = null;
    for (const n of names) {
      const b = this.indexes.get(n)?.findBound(proto, family, laddr, lport);
      if (b?.kind === 'bound') return b;
      wildcard ??= b ?? null;
    }
    return wildcard;
  }

  /** Rows indexed, over every table. */
  get size(): number {
    let n = 0;
    for (const i of this.indexes.values()) n += i.size;
    return n;
  }

  byInode(inode: number): SocketEntry | undefined {
    for (const i of this.indexes.values()) {
      const e = i.byInode.get(inode);
      if (e) return e;
    }
    return undefined;
  }

  hasInode(inode: number): boolean {
    for (const i of this.indexes.values()) if (i.byInode.has(inode)) return true;
    return false;
  }

  /** Every row of the last read of `table` (a socket learned since is not among them until the next). */
  rowsOf(table: TableName): readonly SocketEntry[] {
    return this.rowsRead.get(table) ?? [];
  }

  *entries(): IterableIterator<SocketEntry> {
    for (const i of this.indexes.values()) yield* i.byInode.values();
  }
}
