// The live engine's schedule: when to read young processes, when to read which socket tables,
// when to close an interval. The driver only forwards what happens (packets, process events,
// table reads finishing) and supplies a clock and timers, so this runs the same on a fake
// clock with a replayed capture and a fake event source (test/engine/live-loop.test.ts) as live.
import type { Snapshot } from '../model.js';
import { PROTO_TCP, type PacketInfo } from '../packet.js';
import { formatAddress } from './address.js';
import { flowKey, flowTables } from './flow-text.js';
import type { SocketEntry } from '../proc/types.js';
import type { Engine } from './engine.js';
import type { Flow } from './flow.js';
import type { WantsSockets } from './interval.js';
import { ALL_TABLES, type TableName } from './socket-index.js';
import { allChecked, lookUpFlows, planTables, type ReadMark, type SocketNeed } from './table-plan.js';

const TCP_TABLES: readonly TableName[] = ['tcp', 'tcp6'];
const UDP_TABLES: readonly TableName[] = ['udp', 'udp6'];

/** Processes read per resolver pass during a full fd scan, so one pass stays short. */
const PIDS_PER_PASS = 128;
/** Resolver passes are at least this far apart, and further when a pass is slow. */
const MIN_PASS_GAP_MS = 2;
/** Young-process reads triggered by new flows are at least this far apart. */
const PRESCAN_GAP_MS = 1;
/**
 * While new flows keep appearing (a burst of short connections), young processes are also read
 * this often, so one that connects, finishes and exits within a millisecond was still seen alive
 * holding its sockets just before (see process-census.ts). Idle otherwise.
 */
const WATCH_MS = 2;
const BURST_MS = 1000;
/**
 * Pending flows may need a listener or an unconnected socket that opened since the last read (a
 * server started a moment ago); those alone are read (cheap: the kernel skips the connections),
 * at most this often.
 */
const BOUND_READ_GAP_MS = 50;

export interface LoopTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LiveLoopOptions {
  delayMs: number;
  /** Stop after this many refreshes (0: never). */
  count: number;
  /** An exact look-up of one socket (netlink), when available. */
  lookup?(table: TableName, localAddr: string, localPort: number, remoteAddr: string, remotePort: number): Promise<SocketEntry | null>;
  /** The socket tables, read off the main thread where possible. */
  readTables(names: readonly TableName[]): Promise<SocketEntry[]> | SocketEntry[];
  /** The TCP listeners alone (netlink), when available: far cheaper than every row. */
  readListeners?(names: readonly TableName[]): Promise<SocketEntry[]>;
  /** What the sink needs of the tables this refresh (default 'fresh': every row, each refresh). */
  socketNeed?(): SocketNeed;
  /** Local addresses changed? Called before each refresh. */
  refreshLocal(): void;
  dropped(): number;
  emit(s: Snapshot): void;
  wantsSockets?: WantsSockets;
  /** Called once `count` refreshes were emitted. */
  done(): void;
}

export class LiveLoop {
  private passTimer: unknown = null;
  private passRunning = false;
  private lastPassEnd = 0;
  private lastPassCost = 0;
  private lastPrescan = -Infinity;
  private lastNewFlow = -Infinity;
  private watcher: unknown = null;
  private tickTimer: unknown = null;
  private ticking = false;
  private emitted = 0;
  private stopped = false;
  private lastRead: ReadMark = { changes: -1, atMs: -Infinity, holders: 0, rows: 0 };
  private lastBoundRead = -Infinity;
  /** Look-ups made the moment a flow appeared, still under way (the pass waits for them). */
  private readonly asking = new Map<Flow, Promise<void>>();
  /** Table reads and exact look-ups made, for tests and the bench. */
  readonly reads = { all: 0, bound: 0, lookups: 0 };
  /** Connection openings arrive through the immediate SYN watchers (see opening()). */
  synWatched = false;

  constructor(
    private readonly engine: Engine,
    private readonly t: LoopTimers,
    private readonly o: LiveLoopOptions,
  ) {}

  /** Called by the engine once per new flow (EngineOptions.onPending). */
  newFlow(f: Flow): void {
    // Right away, inside the packet callback: the process behind a connection that lives a few
    // milliseconds is read while it still holds its socket (rate-limited). Only for conversations
    // this host opens: an accepted connection belongs to its listener's process, and a burst of
    // inbound SYNs (a port scan) must not set young-process reads off. A second one within
    // BURST_MS starts the watcher.
    if (f.initiated) {
      const now = this.t.now();
      if (now - this.lastPrescan >= PRESCAN_GAP_MS) {
        this.lastPrescan = now;
        this.engine.resolver.prescan(now);
      }
      // With the SYN watchers every TCP opening is seen at once; the watcher is for UDP, and for
      // TCP where no watcher could be opened.
      if (now - this.lastNewFlow <= BURST_MS && this.watcher === null && (!this.synWatched || f.proto !== PROTO_TCP)) this.watch();
      this.lastNewFlow = now;
    }
    // Unless the connection-opening watcher has already found its socket.
    if (!this.known(f)) this.lookup(flowTables(f)[0]!, f.localAddrText, f.lport, f.remoteAddrText, f.rport, f);
    this.schedulePass();
  }

  /**
   * A connection opening seen by the immediate SYN watcher, milliseconds before the main
   * capture delivers it: read the young processes and look its socket up now.
   */
  opening(p: PacketInfo): void {
    if (p.proto !== PROTO_TCP || !this.engine.local.has(p.family, p.s0, p.s1, p.s2, p.s3)) return;
    const now = this.t.now();
    if (now - this.lastPrescan >= PRESCAN_GAP_MS) {
      this.lastPrescan = now;
      this.engine.resolver.prescan(now, true);
    }
    const l = formatAddress(p.family, p.s0, p.s1, p.s2, p.s3);
    const r = formatAddress(p.family, p.d0, p.d1, p.d2, p.d3);
    this.lookup(p.family === 6 ? 'tcp6' : 'tcp', l, p.sport, r, p.dport);
  }

  /** The flow's own socket (with its inode) is in the tables already. */
  private known(f: Flow): boolean {
    return (this.engine.resolver.tables.find(flowTables(f), flowKey(f))?.inode ?? 0) !== 0;
  }

  /** A pending flow's socket in each table it may be in (IPv4 also: dual-stack sockets). */
  private async lookupFlow(f: Flow): Promise<void> {
    flowKey(f);
    let found: SocketEntry | null = null;
    for (const t of flowTables(f)) {
      this.reads.lookups++;
      found = await this.o.lookup!(t, f.localAddrText, f.lport, f.remoteAddrText, f.rport).catch(() => null);
      if (found) break;
    }
    if (!this.stopped) this.engine.resolver.lookedUp(f, found, this.t.now());
  }

  /** Looks a socket up at once; `f`: the flow it is for (the pass then waits for the answer instead of asking again). */
  private lookup(table: TableName, la: string, lp: number, ra: string, rp: number, f?: Flow): void {
    if (!this.o.lookup) return;
    this.reads.lookups++;
    const asked = this.o.lookup(table, la, lp, ra, rp).then(
      (e) => {
        if (e && !this.stopped) {
          this.engine.resolver.learn(e, this.t.now());
          this.schedulePass();
        }
      },
      () => {}, // a refused look-up changes nothing: the pass asks again
    );
    if (f) {
      this.asking.set(f, asked);
      void asked.then(() => this.asking.delete(f));
    }
  }

  private watch(): void {
    const now = this.t.now();
    if (this.stopped || now - this.lastNewFlow > BURST_MS) {
      this.watcher = null;
      return;
    }
    if (now - this.lastPrescan >= PRESCAN_GAP_MS) {
      this.lastPrescan = now;
      this.engine.resolver.prescan(now, true);
    }
    this.watcher = this.t.setTimeout(() => this.watch(), WATCH_MS);
  }

  /** Initial tables and a background scan of every process, then the refresh timer. */
  async start(): Promise<void> {
    // The first tables and the newest processes synchronously: whoever asks right after start
    // (the exporter's first scrape) finds the sockets and their owners, bwtop's own among them.
    const r = this.engine.resolver;
    r.refreshTables();
    this.markRead();
    this.o.refreshLocal();
    // Learn every existing socket's owner in the background, so old connections resolve at once.
    r.owners.startFullScan();
    r.owners.stepFullScan(PIDS_PER_PASS, this.t.now());
    this.schedulePass();
    this.tickTimer = this.t.setTimeout(() => this.tick(), this.o.delayMs);
  }

  /**
   * Process events were lost (a burst overflowed the socket): exits may have been missed, so
   * look at every process we credit, and read every process's descriptors again.
   */
  eventsLost(): void {
    const r = this.engine.resolver;
    for (const pid of this.engine.registry.checkLiveness(this.t.now())) r.owners.pidGone(pid);
    r.owners.startFullScan();
    this.schedulePass();
  }

  stop(): void {
    this.stopped = true;
    for (const h of [this.passTimer, this.watcher, this.tickTimer]) if (h !== null) this.t.clearTimeout(h);
  }

  private async readTables(names: readonly TableName[]): Promise<void> {
    if (names.length === 0) return;
    this.reads.all++;
    const entries = await this.o.readTables(names);
    if (!this.stopped) this.engine.resolver.tables.apply(names, entries);
  }

  /** Every row was just read: the plan starts over from here. */
  private markRead(): void {
    const e = this.engine;
    allChecked(e);
    const r = e.resolver;
    this.lastRead = { changes: e.socketChanges, atMs: this.t.now(), holders: r.owners.holderCount, rows: r.tables.size };
  }

  /**
   * Listeners and unconnected sockets only (see BOUND_READ_GAP_MS), in the background: the pass
   * must not wait behind a read of every row under way on the same socket. Another pass follows.
   */
  private readBound(): void {
    const now = this.t.now();
    if (!this.o.readListeners || now - this.lastBoundRead < BOUND_READ_GAP_MS) return;
    this.lastBoundRead = now;
    this.reads.bound++;
    Promise.all([this.o.readListeners(TCP_TABLES), this.o.readTables(UDP_TABLES)]).then(
      ([listeners, udp]) => {
        if (this.stopped) return;
        this.engine.resolver.tables.applyBound(TCP_TABLES, listeners);
        this.engine.resolver.tables.apply(UDP_TABLES, udp);
        this.schedulePass();
      },
      () => {}, // the next read of every row brings them
    );
  }

  private schedulePass(): void {
    if (this.passTimer !== null || this.passRunning || this.stopped) return;
    // Passes may take up to half the time while new flows keep coming (a burst of connections).
    const wait = Math.max(0, this.lastPassEnd + Math.max(MIN_PASS_GAP_MS, this.lastPassCost) - this.t.now());
    this.passTimer = this.t.setTimeout(() => void this.pass(), wait);
  }

  private async pass(): Promise<void> {
    this.passTimer = null;
    this.passRunning = true;
    const r = this.engine.resolver;
    const t0 = this.t.now();
    r.prescan(t0);
    if (this.o.lookup) {
      // One exact look-up per pending flow: a dump walks the kernel's whole connection table,
      // which on a busy host costs far more than the few sockets a pass needs.
      await Promise.all(r.pendingFlows().map((f) => this.asking.get(f) ?? (this.known(f) ? undefined : this.lookupFlow(f))));
      // A flow whose own socket is still unknown may belong to a listener or an unconnected socket.
      if (r.pendingFlows().some((f) => !this.known(f))) this.readBound();
      r.step(this.t.now(), PIDS_PER_PASS);
    } else {
      await this.readTables(r.firstTables());
      r.step(this.t.now(), PIDS_PER_PASS);
      await this.readTables(r.staleTables());
      r.step(this.t.now(), PIDS_PER_PASS);
    }
    this.lastPassEnd = this.t.now();
    this.lastPassCost = this.lastPassEnd - t0;
    this.passRunning = false;
    if (r.busy) this.schedulePass();
  }

  private async tick(): Promise<void> {
    this.tickTimer = this.stopped ? null : this.t.setTimeout(() => void this.tick(), this.o.delayMs);
    if (this.ticking || this.stopped) return; // a slow table read must not pile refreshes up
    this.ticking = true;
    const r = this.engine.resolver;
    const plan = planTables(this.engine, this.o.socketNeed?.() ?? 'fresh', this.lastRead, !!this.o.lookup, this.t.now());
    if (plan.all) {
      await this.readTables(ALL_TABLES);
      if (this.stopped) return;
      r.tablesRefreshed();
      this.markRead();
    } else if (plan.lookups.length > 0 && this.o.lookup) {
      const lookup = this.o.lookup;
      const counted: typeof lookup = (...a) => {
        this.reads.lookups++;
        return lookup(...a);
      };
      await lookUpFlows(this.engine, plan.lookups, counted, this.t.now());
      if (this.stopped) return;
    }
    const now = this.t.now();
    this.o.refreshLocal();
    // With process events every exit is reported; without them, look.
    if (!r.owners.eventsActive) for (const pid of this.engine.registry.checkLiveness(now)) r.owners.pidGone(pid);
    r.step(now, PIDS_PER_PASS);
    this.o.emit(this.engine.snapshot(now, this.o.dropped(), this.o.wantsSockets));
    this.emitted++;
    this.ticking = false;
    if (this.o.count > 0 && this.emitted >= this.o.count) this.o.done();
  }
}
