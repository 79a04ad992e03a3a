// Which of several holders of one socket it is credited to: the one that started first (a shell's
// connection inherited by each child it starts stays the shell's, also after pid numbers wrap),
// passing over pid 1 and service managers that only hand sockets on.
import type { ProcSource } from '../proc/types.js';

/** Service managers hand sockets to the services they start; the service is the owner. */
const SOCKET_PASSERS = new Set(['systemd', 'init', 's6-ipcserverd', 'inetd', 'xinetd']);

/** What orders the holders of a shared socket. */
type Rank = { start: number; passer: boolean; ppid: number };

export class HolderRanks {
  /** Read when a choice is needed, forgotten with the process. */
  private readonly known = new Map<number, Rank>();

  constructor(private readonly proc: Pick<ProcSource, 'readProcess'>) {}

  /** The holder that goes first; undefined when none can be read any more. */
  first(holders: readonly number[]): number | undefined {
    let best: number | undefined;
    let bestRank: Rank | null = null;
    for (const pid of holders) {
      const r = this.rank(pid);
      if (r === null) continue; // gone meanwhile
      if (bestRank === null || this.before(pid, r, best!, bestRank)) {
        best = pid;
        bestRank = r;
      }
    }
    return best;
  }

  forget(pid: number): void {
    this.known.delete(pid);
  }

  /**
   * Whether holder a ranks before holder b: not a passer, then started first. Start times count
   * clock ticks (10 ms): a shell and the child it forks right after connecting share one, so
   * then the ancestor wins, and only between strangers the lower pid.
   */
  private before(a: number, ra: Rank, b: number, rb: Rank): boolean {
    if (ra.passer !== rb.passer) return rb.passer;
    if (ra.start !== rb.start) return ra.start < rb.start;
    if (this.descends(b, a)) return true;
    if (this.descends(a, b)) return false;
    return a < b;
  }

  /** Whether `pid` descends from `ancestor` (a few generations up, as far as they can be read). */
  private descends(pid: number, ancestor: number): boolean {
    let p = pid;
    for (let i = 0; i < 8; i++) {
      const r = this.rank(p);
      if (r === null || r.ppid <= 1) return false;
      if (r.ppid === ancestor) return true;
      p = r.ppid;
    }
    return false;
  }

  private rank(pid: number): Rank | null {
    let r = this.known.get(pid);
    if (!r) {
      const info = this.proc.readProcess(pid);
      if (!info) return null;
      r = { start: info.startTime, passer: pid === 1 || SOCKET_PASSERS.has(info.name), ppid: info.ppid };
      this.known.set(pid, r);
    }
    return r;
  }
}
