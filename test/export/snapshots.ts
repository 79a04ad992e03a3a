// Hand-made snapshots for the exporter's bookkeeping tests (expiry, escaping), where a replayed
// capture could not reach an hour of packet time.
import type { ProcessStats, Snapshot } from '../../src/core/model.js';

const zero = { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 };

export function processStats(p: Partial<ProcessStats> & { pid: number; name: string }): ProcessStats {
  return {
    startTime: 1,
    cmdline: '',
    user: 'root',
    uid: 0,
    sent: 0,
    received: 0,
    sentTotal: 0,
    receivedTotal: 0,
    sentRate: 0,
    receivedRate: 0,
    exitedAtMs: 0,
    connections: [],
    sentHistory: [],
    receivedHistory: [],
    exe: '/usr/bin/x',
    programKey: p.name,
    ppid: 1,
    container: null,
    unit: null,
    netns: null,
    ...p,
  };
}

export function emptySnapshot(tsMs: number, processes: ProcessStats[]): Snapshot {
  return {
    tsMs,
    intervalMs: 1000,
    capture: { interfaces: ['lo'], packets: 0, dropped: 0, malformed: 0, duplicates: 0, notIp: 0 },
    totals: { ...zero, sentRate: 0, receivedRate: 0, sentHistory: [], receivedHistory: [] },
    processes,
    programs: [],
    ownership: { mode: 'events', note: null },
    unknown: { ...zero, byProto: { tcp: { ...zero }, udp: { ...zero }, other: { ...zero } } },
    pendingBytes: 0,
  };
}
