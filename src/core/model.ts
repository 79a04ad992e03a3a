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
}

export interface ProcessStats {
  pid: number;
  startTime: number;
  name: string;
  cmdline: string;
  user: string;
  uid: number;
  sent: number;
  received: number;
  sentTotal: number;
  receivedTotal: number;
  sentRate: number;
  receivedRate: number;
  /** Packet-clock time the process was seen gone, or 0 while it runs. Rows linger a while. */
  exitedAtMs: number;
  connections: ConnectionStats[];
  /** Per-interval bytes of the last HISTORY_LENGTH intervals, oldest first. */
  sentHistory: number[];
  receivedHistory: number[];
}

export interface DirectionTotals {
  sent: number;
  received: number;
  sentTotal: number;
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
  };
  /** Everything local, whatever process: for the header and its chart. */
  totals: DirectionTotals & { sentRate: number; receivedRate: number; sentHistory: number[]; receivedHistory: number[] };
  processes: ProcessStats[];
  /** Bytes that could never be tied to a process, by protocol ("tcp", "udp", "other"). */
  unknown: DirectionTotals & { byProto: Record<'tcp' | 'udp' | 'other', DirectionTotals> };
  /** Bytes still waiting for their flow's owner to be found (credited once it is). */
  pendingBytes: number;
}

export const HISTORY_LENGTH = 60;
