// A process as the engine accounts it: pid + start time (so a reused pid is another process),
// its flows, and its per-interval history.
import type { Flow } from './flow.js';
import { History } from './history.js';

export class ProcessEntry {
  sentTotal = 0;
  receivedTotal = 0;
  /** Bytes of the interval being accumulated; moved into history when it closes. */
  sentInterval = 0;
  receivedInterval = 0;
  readonly sent = new History();
  readonly received = new History();
  readonly flows = new Set<Flow>();
  exitedAtMs = 0;

  constructor(
    readonly pid: number,
    readonly startTime: number,
    public name: string,
    public cmdline: string,
    public uid: number,
    public user: string,
  ) {}

  get key(): string {
    return processKey(this.pid, this.startTime);
  }
}

export function processKey(pid: number, startTime: number): string {
  return `${pid}:${startTime}`;
}
