// Which exporter series exist and what each snapshot adds to them. Counters are fed each
// interval's bytes, so they only grow for as long as the exporter runs, whatever happens to the
// processes behind them; a series is removed only after it has been idle for its expiry time,
// which bounds the label sets on hosts that run endless temporary programs. Clock: snapshot time.
import type { Snapshot } from '../model.js';

/** A program series with no bytes and no running process for this long is removed. */
export const PROGRAM_IDLE_MS = 60 * 60 * 1000;
/** A per-pid series (--per-pid) is removed this long after its process exited. */
export const PROCESS_EXPIRY_MS = 5 * 60 * 1000;
/** An interface series is removed this long after the interface left the capture. */
export const INTERFACE_EXPIRY_MS = 60 * 60 * 1000;

export type Labels = Record<string, string>;

/** What one snapshot changes: bytes to add per series (created at 0 if new), series to drop. */
export interface SeriesChanges {
  add: Array<{ labels: Labels; sent: number; received: number }>;
  removed: Labels[];
}

interface Series {
  labels: Labels;
  sent: number;
  received: number;
  lastActiveMs: number;
}

/** Label sets of one family, keyed by their values; bytes gathered per snapshot, then handed out. */
class LabelledSeries {
  private readonly all = new Map<string, Series>();

  constructor(private readonly expiryMs: number) {}

  feed(labels: Labels, sent: number, received: number, active: boolean, nowMs: number): void {
    const key = JSON.stringify(labels);
    let s = this.all.get(key);
    if (!s) {
      s = { labels, sent: 0, received: 0, lastActiveMs: nowMs };
      this.all.set(key, s);
    }
    s.sent += sent;
    s.received += received;
    if (active || sent > 0 || received > 0) s.lastActiveMs = nowMs;
  }

  /** Hand out the bytes gathered since the last call and drop the series idle too long. */
  take(nowMs: number): SeriesChanges {
    const out: SeriesChanges = { add: [], removed: [] };
    for (const [key, s] of this.all) {
      if (nowMs - s.lastActiveMs >= this.expiryMs) {
        this.all.delete(key);
        out.removed.push(s.labels);
        continue;
      }
      out.add.push({ labels: s.labels, sent: s.sent, received: s.received });
      s.sent = 0;
      s.received = 0;
    }
    return out;
  }

  get size(): number {
    return this.all.size;
  }
}

export interface SnapshotChanges {
  programs: SeriesChanges;
  /** Empty unless per-pid series were asked for. */
  processes: SeriesChanges;
  interfaces: SeriesChanges;
}

/**
 * A process that exited before its details could be read has no name; its bytes still count,
 * under "(exited)" (one series, whatever the pid), never under an empty label.
 */
function labels(name: string, user: string, container: string | null): Labels {
  return { program: name || '(exited)', user: name ? user : '', container: container ?? '' };
}

export class SeriesBook {
  private readonly programs = new LabelledSeries(PROGRAM_IDLE_MS);
  private readonly processes = new LabelledSeries(PROCESS_EXPIRY_MS);
  private readonly interfaces = new LabelledSeries(INTERFACE_EXPIRY_MS);
  /** Interface totals as last reported, to turn the engine's totals into increments. */
  private readonly ifReported = new Map<string, { sent: number; received: number }>();

  constructor(private readonly perPid: boolean) {}

  update(s: Snapshot): SnapshotChanges {
    const now = s.tsMs;
    // A program's series is the sum over every program key that shows under the same labels
    // (the labels are what Prometheus can tell apart).
    for (const p of s.processes) {
      const program = labels(p.name, p.user, p.container);
      const running = p.exitedAtMs === 0;
      this.programs.feed(program, p.sent, p.received, running, now);
      if (this.perPid) this.processes.feed({ pid: String(p.pid), ...program }, p.sent, p.received, running, now);
    }
    for (const g of s.programs) {
      this.programs.feed(labels(g.name, g.user, g.container), g.sent, g.received, false, now);
    }
    const seen = new Set<string>();
    for (const i of s.capture.byInterface ?? []) {
      seen.add(i.name);
      const last = this.ifReported.get(i.name) ?? { sent: 0, received: 0 };
      this.interfaces.feed({ interface: i.name }, i.sentTotal - last.sent, i.receivedTotal - last.received, true, now);
      this.ifReported.set(i.name, { sent: i.sentTotal, received: i.receivedTotal });
    }
    for (const name of this.ifReported.keys()) if (!seen.has(name)) this.interfaces.feed({ interface: name }, 0, 0, false, now);
    const interfaces = this.interfaces.take(now);
    for (const l of interfaces.removed) this.ifReported.delete(l.interface!);
    return { programs: this.programs.take(now), processes: this.processes.take(now), interfaces };
  }

  /** Series currently kept, per family (for tests and the page's own gauges). */
  get counts(): { programs: number; processes: number; interfaces: number } {
    return { programs: this.programs.size, processes: this.processes.size, interfaces: this.interfaces.size };
  }
}
