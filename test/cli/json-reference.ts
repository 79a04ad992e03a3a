// The --json line as it was first written: objects built per process and per connection, then one
// JSON.stringify. Kept as the reference the direct writer (src/cli/json-output.ts) must match byte for
// byte.
import type { ConnectionStats, ProcessStats, ProgramEntryStats, Snapshot } from '../../src/core/model.js';

type Bytes = Pick<ConnectionStats, 'sent' | 'received' | 'sentTotal' | 'receivedTotal' | 'sentRate' | 'receivedRate'>;

function bytes(b: Bytes): Record<string, number> {
  return {
    sent: b.sent,
    received: b.received,
    sent_total: b.sentTotal,
    received_total: b.receivedTotal,
    sent_rate: Math.round(b.sentRate),
    received_rate: Math.round(b.receivedRate),
  };
}

function connection(c: ConnectionStats): Record<string, unknown> {
  return {
    proto: c.proto,
    family: c.family,
    local: c.local,
    remote: c.remote,
    state: c.state,
    inode: c.inode === 0 ? null : c.inode, // 0: the socket was gone before any table read saw it
    active: c.active,
    ...bytes(c),
  };
}

// By default a process lists the connections that carried traffic in the rate window; the engine
// knows every socket it holds (idle listeners too), printed only when asked for.
const connections = (list: readonly ConnectionStats[], all: boolean): Record<string, unknown>[] =>
  (all ? list : list.filter((c) => c.active)).map(connection);

function processEntry(p: ProcessStats, all: boolean): Record<string, unknown> {
  return {
    pid: p.pid,
    name: p.name,
    exe: p.exe,
    cmdline: p.cmdline,
    user: p.user,
    uid: p.uid,
    start_time: p.startTime,
    ppid: p.ppid === 0 ? null : p.ppid,
    container: p.container,
    unit: p.unit,
    netns: p.netns,
    exited: p.exitedAtMs !== 0,
    ...bytes(p),
    connections: connections(p.connections, all),
  };
}

// Bytes of one of several short-lived processes of a program, the pid unproven: an entry without
// a pid, listing the candidates.
function programEntry(p: ProgramEntryStats, all: boolean): Record<string, unknown> {
  return {
    pid: null,
    pids: p.pids,
    name: p.name,
    exe: p.exe,
    cmdline: p.cmdline,
    user: p.user,
    uid: p.uid,
    container: p.container,
    unit: p.unit,
    netns: p.netns,
    ...bytes(p),
    connections: connections(p.connections, all),
  };
}

function line(s: Snapshot, all: boolean): string {
  return JSON.stringify({
    ts: Math.round(s.tsMs),
    interval_ms: s.intervalMs,
    capture: {
      interfaces: s.capture.interfaces,
      lost: s.capture.lost ?? [],
      packets: s.capture.packets,
      dropped: s.capture.dropped,
      malformed: s.capture.malformed,
      duplicates: s.capture.duplicates,
      not_ip: s.capture.notIp,
    },
    ownership: { mode: s.ownership.mode, note: s.ownership.note },
    totals: bytes(s.totals),
    processes: [...s.processes.map((p) => processEntry(p, all)), ...s.programs.map((p) => programEntry(p, all))],
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
    nat_copies: {
      sent: s.natCopies?.sent ?? 0,
      received: s.natCopies?.received ?? 0,
      sent_total: s.natCopies?.sentTotal ?? 0,
      received_total: s.natCopies?.receivedTotal ?? 0,
    },
    tunnels: (s.tunnels ?? []).map((t) => ({
      name: t.name,
      sent: t.sent,
      received: t.received,
      sent_total: t.sentTotal,
      received_total: t.receivedTotal,
    })),
  });
}

/** The contract line: connections that carried traffic in the rate window. */
export function referenceJson(s: Snapshot): string {
  return line(s, false);
}

/** The line with every socket each process holds (--all-connections). */
export function referenceJsonAllConnections(s: Snapshot): string {
  return line(s, true);
}
