// The four socket tables, each indexed on its own (table-index.ts) and re-read on its own.
import { SOCKET_TABLES, type SocketEntry, type TableName } from '../proc/types.js';
import { SocketIndex, type MatchKind } from './table-index.js';

export { SocketIndex, exactKey, joinAddr, type MatchKind } from './table-index.js';

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
    for (const [n, list] of groups) {
      const read = this.beginRead(n);
      for (const e of list) read.take(e, false);
      this.endRead(n, read);
    }
  }

  /**
   * A read of one table row by row as it arrives (`take(row, true)` for a row object the reader
   * reuses); `finishRead` when every table of the read is done. Rows stay joinable meanwhile.
   */
  beginRead(name: TableName): SocketIndex {
    let index = this.indexes.get(name);
    if (!index) {
      index = new SocketIndex();
      this.indexes.set(name, index);
    }
    index.beginRead();
    return index;
  }

  endRead(name: TableName, index: SocketIndex): void {
    this.rowsRead.set(name, index.endRead());
    this.readAt.set(name, this.generation);
  }

  /** A read made by beginRead/endRead of each of its tables is complete. */
  finishRead(names: readonly TableName[]): void {
    this.generation++;
    for (const n of names) this.readAt.set(n, this.generation);
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
