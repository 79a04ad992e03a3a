// The join: pending flows -> socket (via the socket tables) -> process (via fd links).
// Work is done in passes the caller schedules (rate-limited, off the per-packet path): refresh the
// tables, then step(). Flows keep their bytes while pending; a flow becomes unknown only when its
// socket was missing from MISSES_TO_GIVE_UP table reads made after its first packet, or its
// socket survived a full fd scan started after its first packet without an owner showing up.
import type { ProcSource, SocketEntry } from '../proc/types.js';
import { formatAddress, formatEndpointText } from './address.js';
import { FLOW_PENDING, FLOW_RESOLVED, FLOW_UNKNOWN, type Flow } from './flow.js';
import { OwnerFinder } from './owner-finder.js';
import type { ProcessRegistry } from './process-registry.js';
import { SocketIndex, exactKey } from './socket-index.js';
import { PROTO_TCP } from '../packet.js';

export const MISSES_TO_GIVE_UP = 2;
const NEWEST_PIDS = 16;

export type TableReader = () => Iterable<SocketEntry>;

export function flowProtoName(f: Flow): 'tcp' | 'udp' {
  return f.proto === PROTO_TCP ? 'tcp' : 'udp';
}

/** Endpoint text is made once per flow, when the join first needs it. */
export function ensureFlowText(f: Flow): void {
  if (f.localAddrText) return;
  f.localAddrText = formatAddress(f.family, f.l0, f.l1, f.l2, f.l3);
  f.remoteAddrText = formatAddress(f.family, f.r0, f.r1, f.r2, f.r3);
  f.localText = formatEndpointText(f.family, f.localAddrText, f.lport);
  f.remoteText = formatEndpointText(f.family, f.remoteAddrText, f.rport);
}

export function flowKey(f: Flow): string {
  ensureFlowText(f);
  return exactKey(flowProtoName(f), f.localAddrText, f.lport, f.remoteAddrText, f.rport);
}

export class Resolver {
  index = new SocketIndex([]);
  /** Bumped per table read; a flow's misses count only reads made after it was queued. */
  generation = 0;
  readonly owners: OwnerFinder;
  private pending: Flow[] = [];
  private readonly queuedAt = new Map<Flow, { gen: number; scans: number }>();
  resolved = 0;
  givenUp = 0;

  constructor(
    private readonly proc: ProcSource,
    private readonly registry: ProcessRegistry,
    private readonly readTables: TableReader,
  ) {
    this.owners = new OwnerFinder(proc);
  }

  enqueue(f: Flow): void {
    if (f.queued) return;
    f.queued = true;
    f.status = FLOW_PENDING;
    f.misses = 0;
    this.queuedAt.set(f, { gen: this.generation, scans: this.owners.fullScansDone });
    this.pending.push(f);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** True while a pass has more to do (pending flows or a full scan under way). */
  get busy(): boolean {
    return this.pending.length > 0 || this.owners.scanning;
  }

  refreshTables(): void {
    this.index = new SocketIndex(this.readTables());
    this.generation++;
    this.owners.retainInodes(this.index.byInode);
  }

  /** The socket a flow belongs to in the current tables, or null. */
  socketOf(f: Flow): SocketEntry | null {
    const e = this.index.find(flowKey(f));
    if (e && e.inode !== 0) return e;
    const b = this.index.findBound(flowProtoName(f), f.family, f.localAddrText, f.lport);
    // A TCP flow falls back only to a listener: its process owns the accepted socket.
    if (b && b.entry.inode !== 0 && (f.proto !== PROTO_TCP || b.entry.state === 'LISTEN')) return b.entry;
    return e ?? null;
  }

  /**
   * One pass over the pending flows with the current tables. `pidBudget` bounds how many
   * processes a full scan may read in this call. Returns true when more work remains.
   */
  step(nowMs: number, pidBudget: number): boolean {
    if (this.owners.scanning) this.owners.stepFullScan(pidBudget);
    const scannedNow = new Set<number>();
    const stillPending: Flow[] = [];
    let needFullScan = false;
    for (const f of this.pending) {
      if (f.status !== FLOW_PENDING) continue;
      const since = this.queuedAt.get(f)!;
      const entry = this.socketOf(f);
      if (!entry || entry.inode === 0) {
        if (this.generation > since.gen) f.misses++;
        if (f.misses >= MISSES_TO_GIVE_UP) this.giveUp(f);
        else stillPending.push(f);
        continue;
      }
      f.inode = entry.inode;
      f.state = entry.state;
      let pid = this.owners.lookup(entry.inode);
      if (pid === undefined) pid = this.searchLikely(f, entry, scannedNow);
      if (pid !== undefined) {
        this.assign(f, pid, nowMs);
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
      this.owners.stepFullScan(pidBudget);
    }
    return this.busy;
  }

  /** Likely owners first: the listener's process, then the newest processes. */
  private searchLikely(f: Flow, entry: SocketEntry, scanned: Set<number>): number | undefined {
    const listener = this.index.findBound(flowProtoName(f), f.family, f.localAddrText, f.lport);
    if (listener && listener.entry.inode !== entry.inode) {
      const lp = this.owners.lookup(listener.entry.inode);
      if (lp !== undefined && !scanned.has(lp)) {
        scanned.add(lp);
        this.owners.scanPid(lp);
        const pid = this.owners.lookup(entry.inode);
        if (pid !== undefined) return pid;
      }
    }
    this.owners.scanNewest(NEWEST_PIDS, scanned);
    return this.owners.lookup(entry.inode);
  }

  private assign(f: Flow, pid: number, nowMs: number): void {
    const proc = this.registry.byPid(pid, nowMs);
    if (f.owner && f.owner !== proc) f.owner.flows.delete(f);
    f.owner = proc;
    proc.flows.add(f);
    f.status = FLOW_RESOLVED;
    f.queued = false;
    this.queuedAt.delete(f);
    this.resolved++;
  }

  private giveUp(f: Flow): void {
    f.status = FLOW_UNKNOWN;
    f.queued = false;
    this.queuedAt.delete(f);
    this.givenUp++;
  }

  /** Drop a flow that is being forgotten. */
  forget(f: Flow): void {
    this.queuedAt.delete(f);
    if (f.queued) this.pending = this.pending.filter((p) => p !== f);
  }
}
