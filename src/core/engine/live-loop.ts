// The live engine's schedule: when to read young processes, when to look sockets up (which
// tables a refresh reads is table-plan.ts's and table-reads.ts's), when to close an interval.
// The driver only forwards what happens (packets, process events, table reads finishing) and
// supplies a clock and timers, so this runs the same on a fake clock with a replayed capture and
// a fake event source (test/engine/live-loop.test.ts) as live.
import type { Snapshot } from '../model.js';
import { PROTO_TCP, type PacketInfo } from '../packet.js';
import { formatAddress } from './address.js';
import { flowKey, flowTables } from './flow-text.js';
import { translatedOrigin } from './flow-namespace.js';
import type { SocketEntry } from '../proc/types.js';
import type { Engine } from './engine.js';
import type { Flow } from './flow.js';
import type { WantsSockets } from './interval.js';
import type { TableName } from './socket-index.js';
import { TableReads, type TableSources } from './table-reads.js';

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

export interface LoopTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LiveLoopOptions extends TableSources {
  delayMs: number;
  /** Stop after this many refreshes (0: never). */
  count: number;
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
  /** Look-ups made the moment a flow appeared, still under way (the pass waits for them). */
  private readonly asking = new Map<Flow, Promise<void>>();
  /** Connection openings arrive through the immediate SYN watchers (see opening()). */
  synWatched = false;

  /** The socket-table reads and look-ups (counted, for tests and the bench). */
  readonly tables: TableReads;

  constructor(
    private readonly engine: Engine,
    private readonly t: LoopTimers,
    private readonly o: LiveLoopOptions,
  ) {
    this.tables = new TableReads(engine, o, t.now);
  }

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
    // Unless the connection-opening watcher has already found its socket. Netlink sees bwtop's own
    // namespace only: another's sockets are read from its tables.
    if (f.netns === 0 && !this.known(f)) this.lookup(flowTables(f)[0]!, f.localAddrText, f.lport, f.remoteAddrText, f.rport, f);
    this.schedulePass();
  }

  /** A packet with no local end in any known namespace: look for new namespaces soon. */
  stranger(): void {
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

  /** The flow's own socket (with its inode) is in the tables (of its namespace) already. */
  private known(f: Flow): boolean {
    return (this.engine.resolver.tablesOf(f)?.find(flowTables(f), flowKey(f))?.inode ?? 0) !== 0;
  }

  /** A pending flow's socket in each table it may be in (IPv4 also: dual-stack sockets). */
  private async lookupFlow(f: Flow): Promise<void> {
    if (f.netns !== 0) return;
    flowKey(f);
    let found: SocketEntry | null = null;
    for (const t of flowTables(f)) {
      found = await this.tables.lookup(t, f.localAddrText, f.lport, f.remoteAddrText, f.rport).catch(() => null);
      if (found) break;
    }
    // The host's own connection translated on its way (a published port it connects to itself):
    // its socket has the tuple before translation.
    const origin = found ? null : translatedOrigin(this.engine.resolver.nat, f, this.t.now());
    for (const t of origin ? flowTables(f) : []) {
      found = await this.tables.lookup(t, origin!.local, origin!.lport, origin!.remote, origin!.rport).catch(() => null);
      if (found) break;
    }
    if (!this.stopped) this.engine.resolver.lookedUp(f, found, this.t.now());
  }

  /** Looks a socket up at once; `f`: the flow it is for (the pass then waits for the answer instead of asking again). */
  private lookup(table: TableName, la: string, lp: number, ra: string, rp: number, f?: Flow): void {
    if (!this.tables.canLookUp) return;
    const asked = this.tables.lookup(table, la, lp, ra, rp).then(
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
    this.engine.watchNamespaces(this.t.now());
    r.everyNamespace = this.o.everyNamespace?.() ?? false;
    r.refreshTables(this.t.now);
    this.tables.markRead();
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
    this.tables.stopped = true;
    for (const h of [this.passTimer, this.watcher, this.tickTimer]) if (h !== null) this.t.clearTimeout(h);
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
    this.engine.watchNamespaces(t0);
    r.prescan(t0);
    r.refreshNamespaceTables();
    if (this.tables.canLookUp) {
      // One exact look-up per pending flow: a dump walks the kernel's whole connection table,
      // which on a busy host costs far more than the few sockets a pass needs.
      await Promise.all(r.pendingFlows().map((f) => this.asking.get(f) ?? (this.known(f) ? undefined : this.lookupFlow(f))));
      // A flow whose own socket is still unknown may belong to a listener or an unconnected socket.
      if (r.pendingFlows().some((f) => !this.known(f))) this.tables.readBound(() => this.schedulePass());
      r.step(this.t.now(), PIDS_PER_PASS);
    } else {
      await this.tables.read(r.firstTables());
      r.step(this.t.now(), PIDS_PER_PASS);
      await this.tables.read(r.staleTables());
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
    await this.tables.refresh();
    if (this.stopped) return;
    const now = this.t.now();
    this.o.refreshLocal();
    this.engine.watchNamespaces(now);
    // With process events every exit is reported; without them, look.
    if (!r.owners.eventsActive) for (const pid of this.engine.registry.checkLiveness(now)) r.owners.pidGone(pid);
    r.step(now, PIDS_PER_PASS);
    if (r.busy) this.schedulePass(); // a full scan the refresh started goes on in passes
    this.o.emit(this.engine.snapshot(now, this.o.dropped(), this.o.wantsSockets));
    this.emitted++;
    this.ticking = false;
    if (this.o.count > 0 && this.emitted >= this.o.count) this.o.done();
  }
}
