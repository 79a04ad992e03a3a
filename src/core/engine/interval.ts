// Closing an interval: move each flow's unreported bytes to its owner (or to the unknown
// bucket), update states from the latest tables, expire what is finished, and describe it all
// as a Snapshot.
import type { ProcessStats, ProgramEntryStats, Snapshot } from '../model.js';
import { FLOW_NAT, FLOW_PENDING, FLOW_RESOLVED, FLOW_TUNNEL, FLOW_UNKNOWN, type Flow } from './flow.js';
import { addIdleSockets, describeConnections, describeProcess, describeProgram } from './describe.js';
import type { Counters } from './counters.js';
import type { FlowTable } from './flow-table.js';
import type { ProcessRegistry } from './process-registry.js';
import type { Resolver } from './resolver.js';

/** A flow idle this long (packet clock) whose socket is gone, or any idle UDP flow, is forgotten. */
export const FLOW_IDLE_MS = 30_000;
/** Above this many flows the longest-idle ones are forgotten first (their bytes stay counted). */
export const MAX_FLOWS = 200_000;

export interface IntervalState {
  windowIntervals: number;
  intervalIndex: number;
  intervalMs: number;
}

/** What closing an interval reads and updates: the engine's parts, not the engine (which calls this). */
export interface IntervalParts {
  readonly counters: Counters;
  readonly flows: FlowTable;
  readonly registry: ProcessRegistry;
  readonly resolver: Pick<Resolver, 'stateOf' | 'forget' | 'owners' | 'tables' | 'tunnels'>;
  readonly ownership: Snapshot['ownership'];
  readonly tablesNote: string | null;
}

/** Which processes' idle sockets to list (every socket they hold); default: all of them. */
export type WantsSockets = (pid: number) => boolean;

export function closeInterval(
  e: IntervalParts,
  st: IntervalState,
  nowMs: number,
  dropped: number,
  interfaces: string[],
  wantsSockets: WantsSockets = () => true,
): Snapshot {
  const slot = st.intervalIndex++ % st.windowIntervals;
  const c = e.counters;
  let pendingBytes = 0;
  const stale: Flow[] = [];
  for (const f of e.flows.values()) {
    const s = f.sentUnreported;
    const r = f.receivedUnreported;
    if (f.status === FLOW_PENDING) {
      pendingBytes += s + r;
      f.sentLast = 0;
      f.receivedLast = 0;
    } else {
      if (f.status === FLOW_RESOLVED && f.owner) {
        const o = f.owner;
        o.sentInterval += s;
        o.receivedInterval += r;
        o.sentTotal += s;
        o.receivedTotal += r;
      } else if (f.status === FLOW_UNKNOWN) {
        c.addUnknown(f.proto, s, r);
      } else if (f.status === FLOW_TUNNEL) {
        e.resolver.tunnels.add(f.tunnel, s, r);
      } else if (f.status === FLOW_NAT) {
        // A copy of bytes already counted on the socket's own flow: out of the totals too.
        c.natCopies.add(s, r);
        c.totalSent -= s;
        c.totalReceived -= r;
      }
      f.sentLast = s;
      f.receivedLast = r;
      f.sentUnreported = 0;
      f.receivedUnreported = 0;
      f.state = e.resolver.stateOf(f);
      if (nowMs - f.lastSeenMs >= FLOW_IDLE_MS && (f.state !== 'ESTABLISHED' || f.proto !== 6)) stale.push(f);
    }
    f.sentWindow[slot] = f.sentLast;
    f.receivedWindow[slot] = f.receivedLast;
  }
  if (e.flows.size - stale.length > MAX_FLOWS) {
    const idle = [...e.flows.values()].filter((f) => f.status !== FLOW_PENDING).sort((a, b) => a.lastSeenMs - b.lastSeenMs);
    stale.push(...idle.slice(0, e.flows.size - stale.length - MAX_FLOWS));
  }
  for (const f of new Set(stale)) forgetFlow(e, f);

  for (const p of e.registry.expire(nowMs)) for (const f of [...p.flows]) forgetFlow(e, f);

  // (A flow found to be a NAT copy after its bytes were reported takes them back here: at most
  // what this interval has.)
  const sentNow = Math.max(0, c.totalSent - c.totalSentReported);
  const recvNow = Math.max(0, c.totalReceived - c.totalReceivedReported);
  c.totalSentReported = c.totalSent;
  c.totalReceivedReported = c.totalReceived;
  c.sentHistory.push(sentNow);
  c.receivedHistory.push(recvNow);

  const w = st.windowIntervals;
  const ms = st.intervalMs;
  const processes: ProcessStats[] = [];
  const programs: ProgramEntryStats[] = [];
  for (const p of e.registry.all.values()) {
    p.sent.push(p.sentInterval);
    p.received.push(p.receivedInterval);
    p.sentInterval = 0;
    p.receivedInterval = 0;
    if (p.sentTotal === 0 && p.receivedTotal === 0 && p.flows.size === 0) continue;
    const connections = describeConnections(p, w, ms);
    if (p.pids) {
      programs.push(describeProgram(p, connections, w, ms));
      continue;
    }
    if (!p.exitedAtMs && wantsSockets(p.pid)) addIdleSockets(e, p, connections);
    processes.push(describeProcess(p, connections, w, ms));
  }
  processes.sort((a, b) => b.sent + b.received - (a.sent + a.received) || a.pid - b.pid);
  programs.sort((a, b) => b.sent + b.received - (a.sent + a.received) || (a.programKey < b.programKey ? -1 : 1));

  const u = c.unknown;
  const byProto = { tcp: u.tcp.take(), udp: u.udp.take(), other: u.other.take() };
  const sum = (k: 'sent' | 'received' | 'sentTotal' | 'receivedTotal'): number => byProto.tcp[k] + byProto.udp[k] + byProto.other[k];
  return {
    tsMs: nowMs,
    intervalMs: ms,
    capture: {
      interfaces,
      packets: c.packets,
      dropped,
      malformed: c.malformed,
      duplicates: c.duplicates,
      notIp: c.notIp,
      byInterface: interfaces.map((name, i) => ({ name, sentTotal: c.ifSent[i] ?? 0, receivedTotal: c.ifReceived[i] ?? 0 })),
    },
    totals: {
      sent: sentNow,
      received: recvNow,
      sentTotal: c.totalSent,
      receivedTotal: c.totalReceived,
      sentRate: c.sentHistory.rate(w, ms),
      receivedRate: c.receivedHistory.rate(w, ms),
      sentHistory: c.sentHistory.toArray(),
      receivedHistory: c.receivedHistory.toArray(),
    },
    processes,
    programs,
    ownership: e.tablesNote ? { ...e.ownership, note: [e.ownership.note, e.tablesNote].filter((n) => n).join('; ') } : e.ownership,
    unknown: { sent: sum('sent'), received: sum('received'), sentTotal: sum('sentTotal'), receivedTotal: sum('receivedTotal'), byProto },
    natCopies: c.natCopies.take(),
    tunnels: e.resolver.tunnels.take(),
    pendingBytes,
  };
}

function forgetFlow(e: IntervalParts, f: Flow): void {
  e.flows.remove(f);
  f.owner?.flows.delete(f);
  e.resolver.forget(f);
}
