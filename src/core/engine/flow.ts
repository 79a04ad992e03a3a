// A flow is one socket's view of a conversation: (protocol, local endpoint, remote endpoint).
// A packet between two local sockets is two flows: the sender's (sent) and the receiver's
// (received), so each process is credited with its own direction, in whichever network
// namespace each socket lives.
import type { ConnectionStats } from '../model.js';
import type { ProcessInfo } from '../proc/types.js';

export const FLOW_PENDING = 0; // owner not known yet: bytes are held on the flow
export const FLOW_RESOLVED = 1;
export const FLOW_UNKNOWN = 2; // can never be resolved: bytes go to the unknown bucket
export const FLOW_NAT = 3; // a copy address translation put on the wire (nat-copies.ts): nobody's
export const FLOW_TUNNEL = 4; // a tunnel's outer packets (tunnels.ts): the kernel's, named in `tunnel`

/**
 * The process (or program entry) a flow's bytes go to, as a flow sees it: a ProcessEntry, named
 * by what flows use of it so this file and process-entry.ts do not import each other.
 */
export interface FlowOwner extends Readonly<Pick<ProcessInfo, 'pid' | 'name' | 'uid' | 'user'>> {
  readonly pids: number[] | null;
  readonly flows: Set<Flow>;
  sentTotal: number;
  receivedTotal: number;
  sentInterval: number;
  receivedInterval: number;
}

export class Flow {
  // identity
  /** The network namespace of its socket: 0 for bwtop's own, else the namespace's inode. */
  netns = 0;
  proto = 0;
  family = 0;
  l0 = 0;
  l1 = 0;
  l2 = 0;
  l3 = 0;
  r0 = 0;
  r1 = 0;
  r2 = 0;
  r3 = 0;
  lport = 0;
  rport = 0;
  hash = 0;

  // accounting
  sentTotal = 0;
  receivedTotal = 0;
  /** Bytes not yet reported in a snapshot (held across intervals while the owner is pending). */
  sentUnreported = 0;
  receivedUnreported = 0;
  /** Bytes reported in the last closed interval, and the rate window (per-interval ring). */
  sentLast = 0;
  receivedLast = 0;
  sentWindow: number[];
  receivedWindow: number[];
  firstSeenMs = 0;
  lastSeenMs = 0;

  // join
  status = FLOW_PENDING;
  owner: FlowOwner | null = null;
  inode = 0;
  state = '';
  /** FLOW_TUNNEL: the tunnel's name ("vxlan:vx0"). */
  tunnel = '';
  /** Table reads that did not find the socket: after enough of them it is gone for good. */
  misses = 0;
  /** This host opened the conversation: its first packet was a SYN (or a UDP datagram) this socket sent. */
  initiated = false;
  /** Set while queued for resolution, so a flow is queued once. */
  queued = false;
  /** A SYN, FIN or RST went by since its socket was last read: its state may have changed. */
  recheck = false;
  /** When its socket was last read (caller's clock), by a table read or an exact look-up. */
  checkedMs = 0;
  /** Endpoint text, made once when first needed (never on the per-packet path). */
  localText = '';
  remoteText = '';
  localAddrText = '';
  remoteAddrText = '';
  joinKey = '';
  /** The connection's id in snapshots ("tcp 127.0.0.1:40000 127.0.0.1:80"). */
  idText = '';
  /** Its description in snapshots, made once and updated at each refresh (interval.ts). */
  stats: ConnectionStats | null = null;

  // Plain arrays of small integers: a Float64Array costs an ArrayBuffer object besides the array
  // (about 180 bytes more per window; two windows per flow, tens of thousands of flows).
  constructor(windowLength: number) {
    this.sentWindow = new Array<number>(windowLength).fill(0);
    this.receivedWindow = new Array<number>(windowLength).fill(0);
  }
}
