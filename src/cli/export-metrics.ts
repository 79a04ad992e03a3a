// The exporter's /metrics page through prom-client: bwtop's series fed from each snapshot, plus
// prom-client's default metrics of the bwtop process itself. prom-client escapes label values
// (backslash, double quote, newline), so a hostile process name cannot forge a series.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Snapshot } from '../core/model.js';
import { SeriesBook, type SeriesChanges } from '../core/export/series-book.js';

/**
 * prom-client samples event-loop delay with a timer; its default (10 ms) wakes bwtop 100 times a
 * second for a number nobody reads at that resolution. Once a second is plenty.
 */
const EVENT_LOOP_SAMPLE_MS = 1000;
const DELAY_GAUGES = ['min', 'max', 'mean', 'p50', 'p90', 'p99'].map((s) => `nodejs_eventloop_lag_${s}_seconds`);

type ValueGauge = { _getValue(labels: object): number; set(v: number): void };

/**
 * Node's delay histogram records the whole time between two firings of its timer, interval
 * included: with a 1 s interval an idle loop would read 1 s of lag. Take the interval off (and
 * show 0, not the histogram's empty-state extremes, when no sample fell between two scrapes).
 */
function subtractSampleInterval(r: Registry): void {
  const lag = r.getSingleMetric('nodejs_eventloop_lag_seconds') as unknown as { collect?: () => unknown } | undefined;
  const inner = lag?.collect;
  if (!lag || !inner) return;
  lag.collect = function (this: unknown) {
    const out = inner.call(this);
    for (const name of DELAY_GAUGES) {
      const g = r.getSingleMetric(name) as unknown as ValueGauge | undefined;
      if (!g) continue;
      const v = g._getValue({}) - EVENT_LOOP_SAMPLE_MS / 1000;
      g.set(Number.isFinite(v) && v > 0 && v < 3600 ? v : 0);
    }
    return out;
  };
}

type Pair = { sent: Counter<string>; received: Counter<string> };

/**
 * Labelled counters whose new series are first shown at 0: Prometheus's rate() and increase()
 * count only what a series gains between scrapes, so a short-lived program whose first sample
 * already held all its bytes would never show in them. A new series' first bytes are held back
 * until a scrape has seen it at 0.
 */
class StartAtZero {
  private readonly shown = new Set<string>();
  private held: Array<{ labels: Record<string, string>; sent: number; received: number }> = [];

  constructor(readonly pair: Pair) {}

  apply(ch: SeriesChanges): void {
    for (const l of ch.removed) {
      this.pair.sent.remove(l);
      this.pair.received.remove(l);
      this.shown.delete(JSON.stringify(l));
    }
    for (const a of ch.add) {
      const key = JSON.stringify(a.labels);
      if (this.shown.has(key)) {
        this.pair.sent.inc(a.labels, a.sent);
        this.pair.received.inc(a.labels, a.received);
      } else {
        this.shown.add(key);
        this.pair.sent.inc(a.labels, 0);
        this.pair.received.inc(a.labels, 0);
        if (a.sent > 0 || a.received > 0) this.held.push(a);
      }
    }
  }

  /** After a scrape: what was held back is added now. */
  scraped(): void {
    const held = this.held;
    this.held = [];
    for (const a of held) {
      if (!this.shown.has(JSON.stringify(a.labels))) continue; // removed meanwhile
      this.pair.sent.inc(a.labels, a.sent);
      this.pair.received.inc(a.labels, a.received);
    }
  }
}

export class ExportMetrics {
  readonly registry = new Registry();
  private readonly book: SeriesBook;
  private readonly program: StartAtZero;
  private readonly process: StartAtZero | null;
  private readonly iface: StartAtZero;
  private readonly host: Pair;
  private readonly unknown: Pair;
  private readonly nat: Pair;
  private readonly capture: Record<'packets' | 'dropped' | 'duplicates' | 'malformed', Counter<string>>;
  private readonly pending: Gauge<string>;
  /** Engine totals as last reported: counters are advanced by the difference. */
  private readonly reported = new Map<string, number>();

  constructor(version: string, perPid: boolean) {
    const r = this.registry;
    this.book = new SeriesBook(perPid);
    const pair = (what: string, help: string, labelNames: string[]): Pair => ({
      sent: new Counter({ name: `bwtop_${what}sent_bytes_total`, help: `IP bytes sent ${help}.`, labelNames, registers: [r] }),
      received: new Counter({ name: `bwtop_${what}received_bytes_total`, help: `IP bytes received ${help}.`, labelNames, registers: [r] }),
    });
    this.program = new StartAtZero(
      pair('program_', 'by every process of the program since the exporter started; kept after they exit, removed after an hour idle', [
        'program',
        'user',
        'container',
      ]),
    );
    this.process = perPid
      ? new StartAtZero(
          pair('process_', 'by the process since the exporter started; removed five minutes after it exits', [
            'pid',
            'program',
            'user',
            'container',
          ]),
        )
      : null;
    this.iface = new StartAtZero(pair('interface_', 'by this host through the captured interface', ['interface']));
    this.host = pair('', 'by this host (every captured local byte, whatever process)', []);
    this.unknown = pair('unknown_', 'by this host that could not be tied to a process', ['proto']);
    this.nat = pair('nat_copy_', "a second time on the wire by address translation (a container connection MASQUERADEd), nobody's", []);
    const counter = (name: string, help: string): Counter<string> => new Counter({ name, help, registers: [r] });
    this.capture = {
      packets: counter('bwtop_capture_packets_total', 'Packets captured and accounted.'),
      dropped: counter('bwtop_capture_dropped_packets_total', 'Packets the kernel or libpcap dropped before bwtop saw them.'),
      duplicates: counter('bwtop_capture_duplicate_packets_total', 'Packets seen on a second captured interface, counted once.'),
      malformed: counter('bwtop_capture_malformed_packets_total', 'Packets with malformed headers, skipped.'),
    };
    this.pending = new Gauge({ name: 'bwtop_pending_bytes', help: 'Bytes still waiting for their owner to be found.', registers: [r] });
    new Gauge({
      name: 'bwtop_build_info',
      help: 'bwtop version and Node.js version; always 1.',
      labelNames: ['version', 'nodejs'],
      registers: [r],
    }).set({ version, nodejs: process.version }, 1);
    collectDefaultMetrics({ register: r, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    subtractSampleInterval(r);
    // Gauges named like counters, which promtool rejects; nodejs_active_{handles,requests,resources}
    // carry the same numbers.
    for (const m of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      r.removeSingleMetric(m);
    }
  }

  update(s: Snapshot): void {
    const ch = this.book.update(s);
    this.program.apply(ch.programs);
    this.process?.apply(ch.processes);
    this.iface.apply(ch.interfaces);
    this.advance(this.host.sent, 'sent', {}, s.totals.sentTotal);
    this.advance(this.host.received, 'received', {}, s.totals.receivedTotal);
    for (const proto of ['tcp', 'udp', 'other'] as const) {
      const u = s.unknown.byProto[proto];
      this.advance(this.unknown.sent, `unknown sent ${proto}`, { proto }, u.sentTotal);
      this.advance(this.unknown.received, `unknown received ${proto}`, { proto }, u.receivedTotal);
    }
    this.advance(this.nat.sent, 'nat sent', {}, s.natCopies?.sentTotal ?? 0);
    this.advance(this.nat.received, 'nat received', {}, s.natCopies?.receivedTotal ?? 0);
    for (const k of ['packets', 'dropped', 'duplicates', 'malformed'] as const) this.advance(this.capture[k], k, {}, s.capture[k]);
    this.pending.set(s.pendingBytes);
  }

  /** The page, in the Prometheus text format. */
  async page(): Promise<string> {
    const text = await this.registry.metrics();
    this.program.scraped();
    this.process?.scraped();
    this.iface.scraped();
    return text;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private advance(c: Counter<string>, key: string, labels: Record<string, string>, total: number): void {
    const delta = total - (this.reported.get(key) ?? 0);
    if (delta > 0 || !this.reported.has(key)) c.inc(labels, Math.max(0, delta));
    this.reported.set(key, Math.max(total, this.reported.get(key) ?? 0));
  }
}
