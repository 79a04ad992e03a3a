// What the engine needs from procfs. The adapter (src/adapters/procfs.ts) implements it over a
// root directory, so tests point it at fixtures copied from a real kernel.

export type SockProto = 'tcp' | 'udp';

/** The kernel's inet socket tables: /proc/net/NAME, and the same rows over sock_diag. */
export type TableName = 'tcp' | 'tcp6' | 'udp' | 'udp6';

/** Each table's protocol and family, in the order they are listed. */
export const SOCKET_TABLES = [
  { name: 'tcp', proto: 'tcp', family: 4 },
  { name: 'tcp6', proto: 'tcp', family: 6 },
  { name: 'udp', proto: 'udp', family: 4 },
  { name: 'udp6', proto: 'udp', family: 6 },
] as const satisfies readonly { name: TableName; proto: SockProto; family: 4 | 6 }[];

export type SocketTable = (typeof SOCKET_TABLES)[number];

/** One line of /proc/net/{tcp,tcp6,udp,udp6}, decoded. */
export interface SocketEntry {
  proto: SockProto;
  /** The table's family: 6 for tcp6/udp6 even when the address is IPv4-mapped. */
  family: 4 | 6;
  /** Address text as ss prints it: "127.0.0.1", "::1", "::ffff:127.0.0.1", "::". */
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  /** Kernel state name: ESTABLISHED, LISTEN, TIME_WAIT... (UDP: UNCONN or ESTABLISHED). */
  state: string;
  uid: number;
  /** Socket inode; 0 for sockets no process holds (TIME_WAIT, orphans). */
  inode: number;
}

export interface ProcessInfo {
  pid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/PID/stat): pid + starttime names a process. */
  startTime: number;
  name: string; // comm, raw (untrusted)
  cmdline: string; // argv joined by spaces, raw (untrusted); "" for kernel threads / zombies
  uid: number;
  user: string; // user name, or the uid as text when unknown
  /** Parent pid (field 4 of stat). */
  ppid: number;
  /** The executable (/proc/PID/exe link), "" when unreadable (kernel threads, not ours to read). */
  exe: string;
}

/** The fields of /proc/PID/stat the census needs. */
export interface ProcStat {
  comm: string;
  ppid: number;
  startTime: number;
}

/** Non-inet socket tables whose inodes tell a young process's other sockets apart. */
export type OtherSocketTable = 'unix' | 'netlink' | 'packet';

/** Synchronous procfs access; every method returns null when the file vanished or is unreadable. */
export interface ProcSource {
  readNetTable(name: TableName): string | null;
  /** Numeric entries of /proc. */
  listPids(): number[] | null;
  /** Socket inodes held by the process's file descriptors (from links "socket:[N]"). */
  readSocketInodes(pid: number): number[] | null;
  readProcess(pid: number): ProcessInfo | null;
  /** Just the start time (field 22 of stat): the cheap liveness check, run every refresh. */
  readStartTime(pid: number): number | null;
  /**
   * comm, parent and start time from one read of stat: without process events, what tells a
   * young process's parent, an exec (comm changed) and a reused pid (start time changed).
   * Optional: sources without it (test doubles) are read with readProcess.
   */
  readStat?(pid: number): ProcStat | null;
  /** The user name of a uid (the uid as text when unknown); optional. */
  userName?(uid: number): string;
  /**
   * The network namespace a process lives in ("net:[4026531840]"), or 'self' for the reader's
   * own; null when unknown (fixture copies carry none).
   */
  readNetNs(pid: number | 'self'): string | null;
  /**
   * /proc/PID/net/NAME: another network namespace's tables and addresses (`tcp`, `fib_trie`,
   * `if_inet6`...), read through a process living in it; optional (fixtures have none).
   */
  readPidNet?(pid: number, name: string): string | null;
  /**
   * The host's connection tracking table (/proc/net/nf_conntrack), only if the kernel already has
   * it: null when the file does not exist (reading never loads the module).
   */
  readConntrack?(): string | null;
  /** /proc/net/{unix,netlink,packet} text, null when missing. */
  readOtherSockets(name: OtherSocketTable): string | null;
  /**
   * The container and systemd unit of a process (pid + start time), given its namespace inode;
   * optional: sources without it (test doubles) leave both null.
   */
  readPlacement?(pid: number, startTime: number, netns: number | null): Placement;
}

/** Where a process runs besides its network namespace: read once, it never changes. */
export interface Placement {
  /** Container name (else its short id) from a container runtime, else the `ip netns` name, else null. */
  container: string | null;
  /** systemd unit ("nginx.service", "session-3.scope"), else null; never a container. */
  unit: string | null;
}
