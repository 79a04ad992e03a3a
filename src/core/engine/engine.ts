// The accounting engine: decoded packets in, one Snapshot per refresh out. Per-packet work is
// a direction test, one or two flow-table lookups and a few additions — no allocation unless the
// flow is new. Clock: the caller's (packet timestamps in replay, wall time live).
//
// Direction, per end: an address of bwtop's own network namespace, else one local to another
// namespace (a container's, seen on its veth or bridge), else not local. Each local end is a
// flow of its namespace: the sender's as sent, the receiver's as received, so traffic between
// the host and a container, or between two containers, credits both ends as loopback does.
import { DECODED_IP, DECODED_MALFORMED, DECODED_NOT_IP, PROTO_TCP, PROTO_UDP, type PacketInfo } from '../packet.js';
import type { ProcSource } from '../proc/types.js';
import type { Snapshot } from '../model.js';
import { CrossInterfaceDedup } from './dedup.js';
import { FLOW_PENDING, FLOW_RESOLVED, type Flow } from './flow.js';
import { FlowTable } from './flow-table.js';
import { LocalAddresses } from './local-addresses.js';
import { ProcessRegistry } from './process-registry.js';
import { Resolver, type TableReader } from './resolver.js';
import { Counters } from './counters.js';
import { NetnsRegistry } from './netns-registry.js';
import { parseAddress } from './address.js';
import { closeInterval, type IntervalState, type WantsSockets } from './interval.js';
import { type SocketSighting, sawIdentity, sawSocket } from './young-sockets.js';
import type { RawIdentity } from '../netlink/proc-events.js';

const TCP_FIN = 1;
const TCP_SYN = 2;
const TCP_RST = 4;
const TCP_ACK = 16;

export interface EngineOptions {
  proc: ProcSource;
  readTables: TableReader;
  interfaces: string[];
  /** Refresh interval, for rates. */
  intervalMs: number;
  /** Rate window: rates average the last `rateWindowMs` of intervals. */
  rateWindowMs?: number;
  /** Called once when a flow needs its owner found (the caller schedules a resolver pass). */
  onPending?: (f: Flow) => void;
  /**
   * Called (at most every STRANGER_GAP_MS of packet time) when a packet has no local end in any
   * known namespace: a namespace or an address not known yet (the caller schedules a pass).
   */
  onStranger?: () => void;
}

const STRANGER_GAP_MS = 20;

export class Engine {
  readonly local = new LocalAddresses();
  readonly flows: FlowTable;
  readonly registry: ProcessRegistry;
  readonly resolver: Resolver;
  readonly counters = new Counters();
  /** Every other network namespace, its addresses and its socket tables. */
  readonly netns: NetnsRegistry;
  private lastStrangerMs = -Infinity;
  private readonly onStranger: () => void;
  private readonly dedup = new CrossInterfaceDedup();
  private multiInterface: boolean;
  /** Every interface captured since start, in packet()'s index order (an interface keeps its index). */
  private readonly ifNames: string[];
  /** Captured interfaces whose capture stopped, by name: why ("deleted", "down", ...). */
  readonly lostInterfaces = new Map<string, string>();
  private readonly state: IntervalState;
  private readonly onPending: (f: Flow) => void;
  /** How owners are learned, for the snapshot (the live driver sets it). */
  ownership: Snapshot['ownership'] = { mode: 'polling', note: null };
  /** Set when the socket tables come from /proc/net text because netlink was refused. */
  tablesNote: string | null = null;
  /**
   * Counts what packets say about sockets opening or closing (new flows, SYN, FIN, RST): while it
   * stands still, the socket tables have nothing new to tell about the flows, and are not read.
   */
  socketChanges = 0;

  constructor(opts: EngineOptions) {
    const windowIntervals = Math.max(1, Math.round((opts.rateWindowMs ?? 2000) / opts.intervalMs));
    this.flows = new FlowTable(windowIntervals);
    this.registry = new ProcessRegistry(opts.proc);
    this.netns = new NetnsRegistry(opts.proc);
    const isOwn = (a: string): boolean => {
      const p = parseAddress(a);
      return p !== null && this.local.has(p.family, ...p.words);
    };
    this.resolver = new Resolver(opts.proc, this.registry, opts.readTables, this.netns, isOwn);
    this.onStranger = opts.onStranger ?? (() => {});
    this.ifNames = [...opts.interfaces];
    this.multiInterface = opts.interfaces.length > 1;
    this.onPending = opts.onPending ?? (() => {});
    this.counters.ifSent = new Float64Array(opts.interfaces.length);
    this.counters.ifReceived = new Float64Array(opts.interfaces.length);
    this.state = { windowIntervals, intervalIndex: 0, intervalMs: opts.intervalMs };
  }

  /** Account one packet the decoder has just decoded into `p` (result = decode()'s return). */
  packet(p: PacketInfo, result: number, ifIndex: number, tsMs: number): void {
    const c = this.counters;
    if (result === DECODED_NOT_IP) {
      c.notIp++;
      return;
    }
    if (result === DECODED_MALFORMED) {
      c.malformed++;
      return;
    }
    if (this.multiInterface && this.dedup.isDuplicate(p.fingerprint, ifIndex, tsMs)) {
      c.duplicates++;
      return;
    }
    c.packets++;
    const fam = p.family;
    const len = p.ipLen;
    const local = this.local;
    const other = this.netns.addresses;
    // The namespace of each end: 0 for bwtop's own, an inode for another, -1 not local.
    const srcNs = local.has(fam, p.s0, p.s1, p.s2, p.s3) ? 0 : other.find(fam, p.s0, p.s1, p.s2, p.s3);
    let dstNs = local.has(fam, p.d0, p.d1, p.d2, p.d3) ? 0 : other.find(fam, p.d0, p.d1, p.d2, p.d3);
    if (dstNs < 0 && srcNs !== 0 && local.isGroup(fam, p.d0, p.d3)) dstNs = 0;
    const srcLocal = srcNs >= 0;
    const dstLocal = dstNs >= 0;
    if (!srcLocal && !dstLocal) {
      c.forwardedBytes += len;
      this.netns.strangers++;
      if (tsMs - this.lastStrangerMs >= STRANGER_GAP_MS && this.netns.enabled) {
        this.lastStrangerMs = tsMs;
        this.onStranger();
      }
      return;
    }
    if (srcLocal) {
      c.totalSent += len;
      c.ifSent[ifIndex]! += len;
    }
    if (dstLocal) {
      c.totalReceived += len;
      c.ifReceived[ifIndex]! += len;
    }
    if (result === DECODED_IP || (p.proto !== PROTO_TCP && p.proto !== PROTO_UDP)) {
      c.addUnknown(p.proto, srcLocal ? len : 0, dstLocal ? len : 0);
      return;
    }
    const tcp = p.proto === PROTO_TCP;
    const syn = tcp && (p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    const turn = tcp && (p.tcpFlags & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0;
    if (srcLocal) {
      // A TCP SYN or the first UDP datagram out of a socket: this host opened the conversation.
      const opened = syn || p.proto === PROTO_UDP;
      const f = this.flow(srcNs, p.proto, fam, p.s0, p.s1, p.s2, p.s3, p.sport, p.d0, p.d1, p.d2, p.d3, p.dport, tsMs, syn, opened);
      f.sentTotal += len;
      f.sentUnreported += len;
      if (turn) this.turned(f);
    }
    if (dstLocal) {
      const f = this.flow(dstNs, p.proto, fam, p.d0, p.d1, p.d2, p.d3, p.dport, p.s0, p.s1, p.s2, p.s3, p.sport, tsMs, syn, false);
      f.receivedTotal += len;
      f.receivedUnreported += len;
      if (turn) this.turned(f);
    }
  }

  /** A SYN, FIN or RST of this flow went by: its connection state may have changed. */
  private turned(f: Flow): void {
    f.recheck = true;
    this.socketChanges++;
  }

  private flow(
    netns: number,
    proto: number,
    fam: number,
    l0: number,
    l1: number,
    l2: number,
    l3: number,
    lport: number,
    r0: number,
    r1: number,
    r2: number,
    r3: number,
    rport: number,
    tsMs: number,
    syn: boolean,
    initiated: boolean,
  ): Flow {
    const h = FlowTable.hash(proto, l0, l1, l2, l3, lport, r0, r1, r2, r3, rport, netns);
    let f = this.flows.find(h, proto, fam, l0, l1, l2, l3, lport, r0, r1, r2, r3, rport, netns);
    if (f === null) {
      f = this.flows.insert(h, proto, fam, l0, l1, l2, l3, lport, r0, r1, r2, r3, rport, netns);
      f.firstSeenMs = tsMs;
      f.initiated = initiated;
      this.socketChanges++;
      this.resolver.enqueue(f);
      this.onPending(f);
    } else if (syn && f.status !== FLOW_PENDING) {
      // A new connection on a reused 4-tuple may belong to another process: look again.
      f.initiated = initiated;
      f.firstSeenMs = tsMs;
      this.resolver.enqueue(f);
      this.onPending(f);
    }
    f.lastSeenMs = tsMs;
    return f;
  }

  /**
   * Close the interval ending at `nowMs` and describe it. The caller refreshes the socket tables
   * and runs the resolver to completion first when it wants the freshest join (replay does).
   */
  snapshot(nowMs: number, dropped: number, wantsSockets?: WantsSockets): Snapshot {
    const s = closeInterval(this, this.state, nowMs, dropped, [...this.ifNames], wantsSockets);
    s.capture.lost = [...this.lostInterfaces].map(([name, why]) => ({ name, why }));
    if (this.lostInterfaces.size > 0) s.capture.interfaces = this.ifNames.filter((n) => !this.lostInterfaces.has(n));
    return s;
  }

  /** An interface captured from now on (one that appeared, or came back): its index for packet(). */
  interfaceIndex(name: string): number {
    this.lostInterfaces.delete(name);
    const known = this.ifNames.indexOf(name);
    if (known >= 0) return known;
    this.ifNames.push(name);
    const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(this.ifNames.length);
      b.set(a);
      return b;
    };
    this.counters.ifSent = grow(this.counters.ifSent);
    this.counters.ifReceived = grow(this.counters.ifReceived);
    this.multiInterface = this.ifNames.length > 1;
    return this.ifNames.length - 1;
  }

  /** The capture on `name` stopped (the interface was deleted or went down); its totals stay. */
  interfaceLost(name: string, why: string): void {
    if (this.ifNames.includes(name)) this.lostInterfaces.set(name, why);
  }

  /**
   * Kernel process events. A fork or exec starts following the process; nothing is read now:
   * most new processes never touch the network. One that does is read (identity included) when a
   * new connection sends bwtop to look at the young processes, and a new program's first 100 ms
   * are watched by the events' own reader (young-sockets.ts). An exit is exact, so no polling is
   * needed to see it.
   */
  processBorn(pid: number, ppid: number, atMs: number): void {
    this.resolver.owners.census.born(pid, ppid, atMs);
    this.netns.noteBorn(pid);
  }

  /** A young program's identity, read by the events' own reader (young-sockets.ts). */
  processIdentity(pid: number, identity: RawIdentity, netns: number, atMs: number): void {
    sawIdentity(this.resolver.owners, pid, identity, netns, atMs);
  }

  /** A young program's TCP or UDP socket, seen by the events' own reader (young-sockets.ts). */
  processSocket(s: SocketSighting): void {
    sawSocket(this.resolver.owners, s);
  }

  /**
   * Read what process events and strangers made due: new processes' namespaces, and after packets
   * with no local end the namespaces and addresses anew (rate-limited). Off the packet path.
   */
  watchNamespaces(nowMs: number): void {
    this.netns.watch(nowMs);
  }

  processExited(pid: number, nowMs: number): void {
    this.netns.exited(pid);
    this.resolver.owners.census.exited(pid, nowMs);
    this.resolver.owners.pidGone(pid);
    this.registry.exited(pid, nowMs);
  }

  /** Flows that ended up with an owner, for tests and the exporter. */
  resolvedFlows(): Flow[] {
    return [...this.flows.values()].filter((f) => f.status === FLOW_RESOLVED);
  }
}
