// The engine's output for one refresh: plain data that the JSON writer, the exporter and the
// screen all read. Names and command lines are raw (untrusted); each consumer sanitises for its
// own medium.

export interface ConnectionStats {
  /** Stable id of the flow, unique within a snapshot: "tcp 127.0.0.1:40000 127.0.0.1:5201". */
  id: string;
  proto: 'tcp' | 'udp';
  family: 4 | 6;
  /** Endpoints as text; IPv6 written "[addr]:port". */
  local: string;
  remote: string;
  remoteAddr: string; // address alone, for reverse DNS
  state: string; // from the socket table; "" when unknown, "CLOSED" once gone
  sent: number; // bytes this interval
  received: number;
  sentTotal: number; // bytes since start
  receivedTotal: number;
  sentRate: number; // bytes per second over the rate window
  receivedRate: number;
  lastSeenMs: number; // packet-clock time of the last packet
  /** Socket inode, 0 when unknown (the socket vanished before a table read saw it). */
  inode: number;
  /**
   * Carried traffic in the rate window. Idle sockets the process holds (a listener, an idle
   * connection) are listed too, with zero bytes, so the drill-down shows everything it has open;
   * `--json` lists only active ones unless asked for all.
   */
  active: boolean;
}

/** Where a process runs: container and service identity, filled by the engine. */
export interface Placement {
  /** Container name (else short id) from a container runtime, else the `ip netns` name, else null. */
  container: string | null;
  /** systemd unit (e.g. "nginx.service"), or null; never a container. */
  unit: string | null;
  /** Network namespace inode, or null when unknown (fixture copies, unreadable). */
  netns: number | null;
}

/** A row's traffic (a process or a program entry): bytes, rates, connections and history. */
export interface RowTraffic extends DirectionTotals {
  sentRate: number; // bytes per second over the rate window
  receivedRate: number;
  connections: ConnectionStats[];
  /** Per-interval bytes of the last HISTORY_LENGTH intervals, oldest first. */
  sentHistory: number[];
  receivedHistory: number[];
}

export interface ProcessStats extends Placement, RowTraffic {
  pid: number;
  startTime: number;
  name: string;
  cmdline: string;
  user: string;
  uid: number;
  /** The executable's path (/proc/PID/exe), "" when unreadable; " (deleted)" kept as the kernel says. */
  exe: string;
  /**
   * The program this process runs: (exe, comm, uid, netns) as one opaque key. The same key is
   * used by program entries, the `g` grouping and the exporter's `program` series.
   */
  programKey: string;
  /** Parent pid, 0 when unknown. */
  ppid: number;
  /** Packet-clock time the process was seen gone, or 0 while it runs. Rows linger a while. */
  exitedAtMs: number;
}

/**
 * Bytes that belong to one of several short-lived processes of the same program, where the
 * evidence does not tell which pid: credited to the program, never to a guessed pid.
 */
export interface ProgramEntryStats extends Placement, RowTraffic {
  programKey: string;
  name: string;
  exe: string;
  cmdline: string;
  user: string;
  uid: number;
  /** The candidate pids (each may have exited). */
  pids: number[];
}

export interface DirectionTotals {
  sent: number; // bytes this interval
  received: number;
  sentTotal: number; // bytes since start
  receivedTotal: number;
}

export interface Snapshot {
  tsMs: number; // end of the interval, packet clock
  intervalMs: number;
  capture: {
    interfaces: string[];
    packets: number; // packets accounted since start
    dropped: number; // packets the kernel or libpcap dropped
    malformed: number;
    duplicates: number; // the same packet seen on a second captured interface, counted once
    notIp: number;
    /** Captured interfaces whose capture stopped (deleted, down), with why; not in `interfaces`. */
    lost?: Array<{ name: string; why: string }>;
    /** Local IP bytes by captured interface since start (a packet seen on two counts on the first). */
    byInterface?: Array<{ name: string; sentTotal: number; receivedTotal: number }>;
  };
  /** Everything local, whatever process: for the header and its chart. */
  totals: DirectionTotals & { sentRate: number; receivedRate: number; sentHistory: number[]; receivedHistory: number[] };
  processes: ProcessStats[];
  /** Program entries (see ProgramEntryStats); empty when every byte has a proven pid. */
  programs: ProgramEntryStats[];
  /**
   * How owners are learned: 'events' (kernel process events + netlink socket dumps) or
   * 'polling' (/proc reads only), with a sentence for the footer when degraded.
   */
  ownership: { mode: 'events' | 'polling'; note: string | null };
  /** Bytes that could never be tied to a process, by protocol ("tcp", "udp", "other"). */
  unknown: DirectionTotals & { byProto: Record<'tcp' | 'udp' | 'other', DirectionTotals> };
  /** Bytes still waiting for their flow's owner to be found (credited once it is). */
  pendingBytes: number;
  /**
   * Copies of packets address translation put on the wire a second time (a container's connection
   * MASQUERADEd to the uplink), credited to nobody: their bytes are on the sockets' own flows.
   */
  natCopies?: DirectionTotals;
  /**
   * Tunnels' outer packets (VXLAN, WireGuard), each tunnel by name ("vxlan:vx0"): sockets the
   * kernel holds, no process; in the totals. The inner packets are credited to their processes.
   */
  tunnels?: Array<{ name: string } & DirectionTotals>;
}

export const HISTORY_LENGTH = 60;
