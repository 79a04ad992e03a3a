// A process as the engine accounts it: pid + start time (so a reused pid is another process),
// its identity, its flows and its per-interval history. A program entry has the same shape: the
// bytes of one of several processes of one program whose pid the evidence does not decide.
import type { ProcessInfo } from '../proc/types.js';
import type { Flow, FlowOwner } from './flow.js';
import { History } from './history.js';

export class ProcessEntry implements FlowOwner {
  sentTotal = 0;
  receivedTotal = 0;
  /** Bytes of the interval being accumulated; moved into history when it closes. */
  sentInterval = 0;
  receivedInterval = 0;
  readonly sent = new History();
  readonly received = new History();
  readonly flows = new Set<Flow>();
  exitedAtMs = 0;
  name: string;
  cmdline: string;
  uid: number;
  user: string;
  exe: string;
  ppid: number;
  /** Network namespace inode, null when unknown. */
  netns: number | null;
  /** Container name (else short id, else `ip netns` name) and systemd unit; null on the host. */
  container: string | null = null;
  unit: string | null = null;
  /** Program entries: the candidate pids; null for a process. */
  readonly pids: number[] | null;

  constructor(
    readonly pid: number,
    readonly startTime: number,
    info: Omit<ProcessInfo, 'pid' | 'startTime'>,
    netns: number | null,
    pids: number[] | null = null,
  ) {
    this.name = info.name;
    this.cmdline = info.cmdline;
    this.uid = info.uid;
    this.user = info.user;
    this.exe = info.exe;
    this.ppid = info.ppid;
    this.netns = netns;
    this.pids = pids;
  }

  get key(): string {
    return this.pids ? `program:${this.programKey}` : processKey(this.pid, this.startTime);
  }

  /** (exe, comm, uid, netns): one definition of "the same program" everywhere. */
  get programKey(): string {
    return programKey(this.exe, this.name, this.uid, this.netns);
  }
}

export function processKey(pid: number, startTime: number): string {
  return `${pid}:${startTime}`;
}

export function programKey(exe: string, comm: string, uid: number, netns: number | null): string {
  return `${exe}\u0000${comm}\u0000${uid}\u0000${netns ?? ''}`;
}

/** "net:[4026531840]" -> 4026531840; null when unknown. */
export function netnsInode(link: string | null): number | null {
  const m = link === null ? null : /^net:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : null;
}
