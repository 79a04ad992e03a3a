// The join: pending flows -> socket (via the socket tables) -> process (via fd links).
// Work is done in passes the caller schedules (rate-limited, off the per-packet path): read the
// young processes' descriptors, refresh the tables, then step(). A flow's owner is, in order:
// the holder of its own socket (of several holders, the one that started first); for an
// accepted TCP connection its server already closed, the listener's process; for a socket
// already gone, the one young process that fits (process-census.ts), or the program when every
// process that fits runs the same program. Flows keep their bytes while pending; a flow becomes
// unknown when its socket was missing from MISSES_TO_GIVE_UP table reads made after its first
// packet with no young process fitting, when the processes that fit differ, or when its socket
// survived a full fd scan started after its first packet without an owner showing up. A flow of
// another network namespace joins that namespace's tables (flow-namespace.ts); one that is a copy
// address translation made is nobody's (nat-copies.ts).
import type { ProcSource, SocketEntry } from '../proc/types.js';
import { parseConntrack } from '../proc/netns-text.js';
import { FLOW_NAT, FLOW_PENDING, FLOW_RESOLVED, FLOW_TUNNEL, FLOW_UNKNOWN, type Flow } from './flow.js';
import { Tunnels } from './tunnels.js';
import { flowTables } from './flow-text.js';
import { OwnerFinder } from './owner-finder.js';
import type { ProcessEntry } from './process-entry.js';
import type { ProcessRegistry } from './process-registry.js';
import { tieKey } from './process-census.js';
import { holderEntry, nameYoung, vanishedSocketOwner } from './vanished-owner.js';
import { flowSocket, flowState } from './flow-socket.js';
import { ALL_TABLES, SocketTables, exactKey, joinAddr, type TableName } from './socket-index.js';
import { PROTO_TCP } from '../packet.js';
import { NetnsRegistry } from './netns-registry.js';
import { NatCopies } from './nat-copies.js';
import { NEWEST_PIDS, RESCAN_AFTER_MS, listenerOwner, searchLikely } from './likely-owner.js';
import { foreignTablesToRead, natCopyOf, refreshNamespaces, tieYoungSockets, translatedSocket } from './flow-namespace.js';

export const MISSES_TO_GIVE_UP = 2;

/** Reads socket tables; it may return more tables than asked (the extra rows are ignored). */
export type TableReader = (names: readonly TableName[]) => Iterable<SocketEntry>;

export class Resolver {
  /** Table reads bump its generation; a flow's misses count only reads made after it was queued. */
  readonly tables: SocketTables;
  readonly owners: OwnerFinder;
  /** Flows queued since the last pass: their owners may be new processes, read at once. */
  private fresh = 0;
  private pending: Flow[] = [];
  /** Per pending flow: the table generation and full-scan count when queued. */
  private readonly queuedAt = new Map<Flow, { gen: number; scans: number }>();
  resolved = 0;
  givenUp = 0;
  natCopies = 0;
  readonly nat: NatCopies; // connection tracking, read on a miss to tell NAT copies
  readonly tunnels = new Tunnels(); // what no process was found for may be a tunnel's outer packets
  /** Every other namespace's tables are kept read, not only those that carried traffic (a list of every socket is served). */
  everyNamespace = false;

  constructor(
    proc: ProcSource,
    readonly registry: ProcessRegistry,
    readTables: TableReader,
    readonly netns: NetnsRegistry = new NetnsRegistry(proc),
    isOwnAddress: (address: string) => boolean = () => false, // of bwtop's own namespace (nat-copies.ts)
  ) {
    this.nat = new NatCopies(proc.readConntrack?.bind(proc), parseConntrack, isOwnAddress);
    this.owners = new OwnerFinder(proc);
    // Read at once: a young process may exit any moment, and may have exec'd since its last read
    // (fork, then exec curl).
    this.owners.onYoungRead = (pid, nowMs) => nameYoung(this.owners.census, this.registry, pid, nowMs);
    this.tables = new SocketTables(readTables);
  }

  enqueue(f: Flow): void {
    if (f.queued) return;
    f.queued = true;
    f.status = FLOW_PENDING;
    f.misses = 0;
    // A scan under way listed its pids before this flow existed: only the next one counts.
    this.queuedAt.set(f, {
      gen: this.tablesOf(f)?.generation ?? 0,
      scans: this.owners.fullScansDone + (this.owners.scanning ? 1 : 0),
    });
    this.pending.push(f);
    this.fresh++;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** True while a pass has more to do (pending flows or a full scan under way). */
  get busy(): boolean {
    return this.pending.length > 0 || this.owners.scanning;
  }

  /** Re-read all tables (each refresh): also forgets owners of sockets that are gone. */
  refreshTables(now: () => number = () => 0): void {
    this.tables.refresh(ALL_TABLES);
    this.tablesRefreshed(now);
  }

  /**
   * After all four tables were installed (by refreshTables or the caller's async read): also
   * re-read other namespaces (those that carried traffic, or every one with `everyNamespace`;
   * within a time budget, see flow-namespace.ts), then forget owners of sockets gone from all.
   */
  tablesRefreshed(now: () => number = () => 0): void {
    const read = refreshNamespaces(this.netns, now, this.everyNamespace);
    this.owners.retainInodes((ino) => this.tables.hasInode(ino) || read.some((t) => t.hasInode(ino)));
  }

  /** The tables of other namespaces that pending flows need and that were not read since they began. */
  refreshNamespaceTables(): void {
    for (const t of foreignTablesToRead(this.pending, this.netns, (f) => this.queuedAt.get(f)?.gen ?? 0)) t.refresh();
  }

  /** The socket tables of the flow's namespace; null when that namespace is gone. */
  tablesOf(f: Flow): SocketTables | null {
    return f.netns === 0 ? this.tables : (this.netns.get(f.netns)?.tables ?? null);
  }

  /**
   * Read the newest young processes' descriptors for flows queued since the last look: the
   * owner of a connection that lives a few milliseconds may exit soon, so this runs as soon as a
   * new flow appears (it is cheap: only processes started in the last seconds are re-read).
   */
  prescan(nowMs: number, evenWithoutNewFlows = false): void {
    if (this.fresh === 0 && !evenWithoutNewFlows) return;
    this.fresh = 0;
    this.owners.scanYoung(NEWEST_PIDS, new Set(), nowMs, RESCAN_AFTER_MS);
    this.owners.census.prune(nowMs);
  }

  /**
   * The socket of a new flow, found by an exact look-up the moment its first packet arrived: its
   * inode ties the conversation to whichever young process is seen holding it, even after it closed.
   */
  learn(e: SocketEntry, nowMs: number): void {
    if (e.inode === 0) return;
    this.tables.learn(e);
    const key = exactKey(e.proto, joinAddr(e.localAddr), e.localPort, joinAddr(e.remoteAddr), e.remotePort);
    this.owners.census.tie(e.inode, tieKey(key, e.proto, e.remotePort, e.localPort), nowMs);
  }

  /** Flows waiting for an owner (the live schedule looks their sockets up). */
  pendingFlows(): readonly Flow[] {
    return this.pending;
  }

  /** An exact look-up of a pending flow's socket: found, or one more miss. */
  lookedUp(f: Flow, e: SocketEntry | null, nowMs: number): void {
    if (e) this.learn(e, nowMs);
    else if (f.status === FLOW_PENDING) f.misses++;
  }

  /** The table each pending flow of bwtop's own namespace most likely lives in: read these first. */
  firstTables(): TableName[] {
    const names = new Set<TableName>();
    for (const f of this.pending) if (f.netns === 0) names.add(flowTables(f)[0]!);
    return [...names];
  }

  /** Tables of bwtop's own namespace some pending flow may live in that were not read since it was queued. */
  staleTables(): TableName[] {
    const names = new Set<TableName>();
    for (const f of this.pending) {
      const since = this.queuedAt.get(f)!.gen;
      if (f.netns === 0) for (const n of flowTables(f)) if (this.tables.readGeneration([n]) <= since) names.add(n);
    }
    return [...names];
  }

  /** The flow's connection state (see flow-socket.ts). */
  stateOf(f: Flow): string {
    const tables = this.tablesOf(f);
    return tables ? flowState(tables, f) : f.state;
  }

  /**
   * One pass over the pending flows with the current tables. `pidBudget` bounds how many
   * processes a full scan may read in this call. Returns true when more work remains.
   */
  step(nowMs: number, pidBudget: number): boolean {
    if (this.owners.scanning) this.owners.stepFullScan(pidBudget, nowMs);
    tieYoungSockets(this.owners.census, this.tables, this.netns, nowMs);
    const scannedNow = new Set<number>();
    const stillPending: Flow[] = [];
    let needFullScan = false;
    for (const f of this.pending) {
      if (f.status !== FLOW_PENDING) continue;
      const since = this.queuedAt.get(f)!;
      const tables = this.tablesOf(f);
      if (tables === null) {
        this.giveUp(f); // its namespace is gone
        continue;
      }
      let entry = flowSocket(tables, f);
      const copy = natCopyOf(this.nat, this.netns.count, tables, f, entry, nowMs);
      if (copy !== false) {
        if (copy) this.giveUp(f, FLOW_NAT);
        else stillPending.push(f); // connection tracking is read again shortly
        continue;
      }
      if (!entry || entry.inode === 0) entry = translatedSocket(this.nat, tables, f, nowMs) ?? entry;
      if (!entry || entry.inode === 0) {
        // A table read after it was queued, or an exact look-up that found nothing, missed it.
        const tableMiss = tables.readGeneration(flowTables(f)) > since.gen;
        const readSince = tableMiss || f.misses > 0;
        // Only for conversations this host opened: an accepted one belongs to its listener.
        const owner = readSince && f.initiated ? vanishedSocketOwner(this, f, scannedNow, nowMs) : undefined;
        if (owner !== undefined) {
          if (entry) f.state = entry.state;
          if (owner === null) this.giveUp(f);
          else this.attach(f, owner);
          continue;
        }
        if (tableMiss) {
          f.misses++;
          since.gen = tables.generation; // each read counts once
        }
        if (f.misses >= MISSES_TO_GIVE_UP) this.giveUp(f);
        else stillPending.push(f);
        continue;
      }
      // Through a listener the flow's own socket is unknown (its server already closed it).
      f.inode = f.proto === PROTO_TCP && entry.state === 'LISTEN' ? 0 : entry.inode;
      f.state = this.stateOf(f);
      let pid = this.owners.lookup(entry.inode);
      if (pid === undefined) pid = searchLikely(this.owners, f, tables, entry, scannedNow, nowMs);
      // An accepted socket its server has already closed is held by nobody: the listener's
      // process accepted it.
      if (pid === undefined) pid = listenerOwner(this.owners, f, tables);
      if (pid === undefined && f.initiated) {
        // Its socket is known but its holder already exited (a look-up caught the socket): the
        // young process seen holding that very inode, or the one that fits.
        const owner = vanishedSocketOwner(this, f, scannedNow, nowMs);
        if (owner !== undefined) {
          if (owner === null) this.giveUp(f);
          else this.attach(f, owner);
          continue;
        }
      }
      const proc = pid === undefined ? null : holderEntry(this.owners.census, this.registry, pid, nowMs);
      if (proc) {
        this.attach(f, proc);
      } else if (pid !== undefined) {
        this.giveUp(f); // its holder vanished before it could be named: nobody's row
      } else if (this.owners.fullScansDone > since.scans && !this.owners.scanning) {
        this.giveUp(f); // a whole scan since its first packet found no holder
      } else {
        needFullScan = true;
        stillPending.push(f);
      }
    }
    this.pending = stillPending;
    if (needFullScan && !this.owners.scanning) {
      this.owners.startFullScan();
      this.owners.stepFullScan(pidBudget, nowMs);
    }
    return this.busy;
  }

  private attach(f: Flow, proc: ProcessEntry): void {
    if (f.owner && f.owner !== proc) f.owner.flows.delete(f);
    f.owner = proc;
    proc.flows.add(f);
    f.status = FLOW_RESOLVED;
    f.queued = false;
    this.queuedAt.delete(f);
    this.resolved++;
  }

  /** Nobody's: a tunnel's, unknown (a re-used 4-tuple that cannot be resolved no longer belongs to its previous owner), or a NAT copy. */
  private giveUp(f: Flow, status = FLOW_UNKNOWN): void {
    f.tunnel = status === FLOW_UNKNOWN ? (this.tunnels.of(f) ?? '') : '';
    if (f.tunnel) status = FLOW_TUNNEL;
    f.owner?.flows.delete(f);
    f.owner = null;
    f.status = status;
    f.queued = false;
    this.queuedAt.delete(f);
    if (status === FLOW_NAT) this.natCopies++;
    else this.givenUp++;
  }

  /** Drop a flow that is being forgotten. */
  forget(f: Flow): void {
    this.queuedAt.delete(f);
    if (f.queued) this.pending = this.pending.filter((p) => p !== f);
  }
}
