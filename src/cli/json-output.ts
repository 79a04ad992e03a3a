// One contract `--json` line per Snapshot. Strings are raw values; JSON.stringify escapes control
// characters, so nothing printed can act on a terminal.
import type { Snapshot } from '../core/model.js';

export function snapshotJson(s: Snapshot): string {
  return JSON.stringify({
    ts: Math.round(s.tsMs),
    interval_ms: s.intervalMs,
    capture: {
      interfaces: s.capture.interfaces,
      packets: s.capture.packets,
      dropped: s.capture.dropped,
      malformed: s.capture.malformed,
      duplicates: s.capture.duplicates,
      not_ip: s.capture.notIp,
    },
    totals: { sent: s.totals.sent, received: s.totals.received, sent_total: s.totals.sentTotal, received_total: s.totals.receivedTotal },
    processes: s.processes.map((p) => ({
      pid: p.pid,
      name: p.name,
      cmdline: p.cmdline,
      user: p.user,
      uid: p.uid,
      start_time: p.startTime,
      exited: p.exitedAtMs !== 0,
      sent: p.sent,
      received: p.received,
      sent_total: p.sentTotal,
      received_total: p.receivedTotal,
      sent_rate: Math.round(p.sentRate),
      received_rate: Math.round(p.receivedRate),
      connections: p.connections.map((c) => ({
        proto: c.proto,
        local: c.local,
        remote: c.remote,
        state: c.state,
        sent: c.sent,
        received: c.received,
        sent_total: c.sentTotal,
        received_total: c.receivedTotal,
      })),
    })),
    unknown: {
      sent: s.unknown.sent,
      received: s.unknown.received,
      sent_total: s.unknown.sentTotal,
      received_total: s.unknown.receivedTotal,
      by_proto: Object.fromEntries(
        Object.entries(s.unknown.byProto).map(([k, v]) => [k, { sent_total: v.sentTotal, received_total: v.receivedTotal }]),
      ),
    },
    pending_bytes: s.pendingBytes,
  });
}
