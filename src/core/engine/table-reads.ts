// The live engine's socket-table reads (see table-plan.ts for when and how much): every row, the
// listeners and unconnected sockets alone, or changed connections one by one; with counts of each
// for tests and the bench.
import type { SocketEntry } from '../proc/types.js';
import type { Engine } from './engine.js';
import { ALL_TABLES, type TableName } from './socket-index.js';
import { FULL_GAP_MS } from './netns-registry.js';
import { OwnerSearch, type SearchSpace } from './owner-search.js';
import { allChecked, lookUpFlows, planTables, type ExactLookup, type ReadMark, type SocketNeed } from './table-plan.js';

const TCP_TABLES: readonly TableName[] = ['tcp', 'tcp6'];
const UDP_TABLES: readonly TableName[] = ['udp', 'udp6'];
/**
 * Pending flows may need a listener or an unconnected socket that opened since the last read (a
 * server started a moment ago); those alone are read (cheap: the kernel skips the connections),
 * at most this often.
 */
const BOUND_READ_GAP_MS = 50;

export interface TableSources {
  /** An exact look-up of one socket (netlink), when available. */
  lookup?: ExactLookup;
  /** The socket tables, read off the main thread where possible. */
  readTables(names: readonly TableName[]): Promise<SocketEntry[]> | SocketEntry[];
  /**
   * One table row by row as the kernel sends it (netlink), handing ONE reused row object: rows
   * the last read had are kept as they were, so a read makes no object per row.
   */
  forEachTableRow?(name: TableName, visit: (row: SocketEntry) => void): Promise<void>;
  /** The TCP listeners alone (netlink), when available: far cheaper than every row. */
  readListeners?(names: readonly TableName[]): Promise<SocketEntry[]>;
  /** What the sink needs of the tables this refresh (default 'fresh': every row, each refresh). */
  socketNeed?(): SocketNeed;
  /**
   * Every socket of every network namespace is listed with its holders (the exporter's
   * /connections): each read of every row also reads every other namespace's tables (within a
   * budget, see flow-namespace.ts) and looks for the holders of sockets that have none (owner-search.ts).
   */
  everyNamespace?(): boolean;
}

export class TableReads {
  /** Reads of every row, of the listeners alone, and exact look-ups made. */
  readonly counts = { all: 0, bound: 0, lookups: 0 };
  stopped = false;
  private lastRead: ReadMark = { changes: -1, atMs: -Infinity, holders: 0, rows: 0 };
  private lastBoundRead = -Infinity;
  private scansSeen = 0;
  private changesAtRefresh = 0;
  private search: OwnerSearch | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly o: TableSources,
    private readonly now: () => number,
  ) {}

  /** One exact look-up, counted. */
  lookup: ExactLookup = (...a) => {
    this.counts.lookups++;
    return this.o.lookup!(...a);
  };

  get canLookUp(): boolean {
    return this.o.lookup !== undefined;
  }

  async read(names: readonly TableName[]): Promise<void> {
    if (names.length === 0) return;
    this.counts.all++;
    const tables = this.engine.resolver.tables;
    const forEach = this.o.forEachTableRow;
    if (!forEach) {
      const entries = await this.o.readTables(names);
      if (!this.stopped) tables.apply(names, entries);
      return;
    }
    for (const n of names) {
      const index = tables.beginRead(n);
      // A failed read leaves the rows of the last one (those seen again already updated).
      if (
        !(await forEach(n, (row) => index.take(row, true)).then(
          () => true,
          () => false,
        ))
      )
        return;
      if (this.stopped) return;
      tables.endRead(n, index);
    }
    tables.finishRead(names);
  }

  /** Every row was just read: the plan starts over from here. */
  markRead(): void {
    const e = this.engine;
    allChecked(e);
    const r = e.resolver;
    r.tables.fullReadMs = this.now();
    this.lastRead = { changes: e.socketChanges, atMs: this.now(), holders: r.owners.holderCount, rows: r.tables.size };
  }

  /**
   * Listeners and unconnected sockets only (see BOUND_READ_GAP_MS), in the background: the pass
   * must not wait behind a read of every row under way on the same socket. `then` runs after.
   */
  readBound(then: () => void): void {
    const now = this.now();
    if (!this.o.readListeners || now - this.lastBoundRead < BOUND_READ_GAP_MS) return;
    this.lastBoundRead = now;
    this.counts.bound++;
    Promise.all([this.o.readListeners(TCP_TABLES), this.o.readTables(UDP_TABLES)]).then(
      ([listeners, udp]) => {
        if (this.stopped) return;
        this.engine.resolver.tables.applyBound(TCP_TABLES, listeners);
        this.engine.resolver.tables.apply(UDP_TABLES, udp);
        then();
      },
      () => {}, // the next read of every row brings them
    );
  }

  /** Holders of every namespace's sockets that have none (owner-search.ts). */
  private searchOwners(): void {
    const r = this.engine.resolver;
    this.search ??= new OwnerSearch(r.owners);
    const spaces: SearchSpace[] = [{ tables: r.tables, pids: [] }];
    for (const ns of r.netns.all()) if (ns.tables.generation !== 0) spaces.push({ tables: ns.tables, pids: ns.pids });
    this.search.run(spaces, this.now());
  }

  /** Before a refresh: read what may have changed since the last one (table-plan.ts). */
  async refresh(): Promise<void> {
    const r = this.engine.resolver;
    if (r.owners.fullScansDone !== this.scansSeen) {
      // A full scan reads only sockets that exist: nothing in what it added needs forgetting.
      this.scansSeen = r.owners.fullScansDone;
      this.lastRead.holders = Math.max(this.lastRead.holders, r.owners.holderCount);
    }
    // Without process events, reads of every row are part of the evidence for short-lived
    // processes' sockets (process-census.ts): never put off then.
    const churning = this.engine.socketChanges !== this.changesAtRefresh && r.owners.eventsActive;
    this.changesAtRefresh = this.engine.socketChanges;
    const need = this.o.socketNeed?.() ?? 'fresh';
    const every = this.o.everyNamespace?.() ?? false;
    r.everyNamespace = every;
    // Without process events nothing else tells of a namespace made since the last look.
    r.netns.rescanMs = every && !r.owners.eventsActive ? FULL_GAP_MS : Infinity;
    const plan = planTables(this.engine, need, this.lastRead, { canLookUp: this.canLookUp, churning }, this.now());
    if (plan.all) {
      await this.read(ALL_TABLES);
      if (this.stopped) return;
      r.tablesRefreshed(this.now);
      this.markRead();
      if (every) this.searchOwners();
    } else if (plan.lookups.length > 0) {
      await lookUpFlows(this.engine, plan.lookups, this.lookup, this.now());
    }
  }
}
