// Snapshot objects for the screen tests, built by hand in the shape the engine produces (pids,
// names, byte counts of a loopback session: an iperf3 pair, curl fetching from nginx, sshd...).
// End-to-end tests through the engine build theirs from real captures; these pin the drawing.

import { HISTORY_LENGTH, type ConnectionStats, type ProcessStats, type Snapshot } from '../../src/core/model.js';

export const T0 = 1764121200000;

/** A deterministic 60-point history shaped like traffic ramping up to `peak` bytes per interval. */
export function history(peak: number, seed = 1): number[] {
  return Array.from({ length: HISTORY_LENGTH }, (_, i) => {
    const ramp = Math.min(1, i / 20);
    const wobble = 0.75 + 0.25 * Math.sin((i + seed) * 0.7);
    return Math.round(peak * ramp * wobble);
  });
}

export function conn(
  local: string,
  remote: string,
  rates: { sent: number; received: number },
  extra: Partial<ConnectionStats> = {},
): ConnectionStats {
  const proto = extra.proto ?? 'tcp';
  const family = remote.startsWith('[') ? 6 : 4;
  const remoteAddr = family === 6 ? remote.slice(1, remote.lastIndexOf(']')) : remote.slice(0, remote.lastIndexOf(':'));
  return {
    id: `${proto} ${local} ${remote}`,
    proto,
    family,
    local,
    remote,
    remoteAddr,
    state: proto === 'tcp' ? 'ESTABLISHED' : '',
    sent: rates.sent,
    received: rates.received,
    sentTotal: rates.sent * 30,
    receivedTotal: rates.received * 30,
    sentRate: rates.sent,
    receivedRate: rates.received,
    lastSeenMs: T0,
    inode: 0,
    active: rates.sent + rates.received > 0,
    ...extra,
  };
}

export interface ProcSpec {
  pid: number;
  name: string;
  cmdline?: string;
  user?: string;
  sentRate: number;
  receivedRate: number;
  connections?: ConnectionStats[];
  exitedAtMs?: number;
  startTime?: number;
  /** Seconds of traffic behind the totals (default 30). */
  age?: number;
  container?: string | null;
  unit?: string | null;
}

export function proc(s: ProcSpec): ProcessStats {
  const age = s.age ?? 30;
  return {
    pid: s.pid,
    startTime: s.startTime ?? 100000 + s.pid,
    name: s.name,
    cmdline: s.cmdline ?? s.name,
    user: s.user ?? 'root',
    uid: s.user && s.user !== 'root' ? 1000 : 0,
    sent: s.sentRate,
    received: s.receivedRate,
    sentTotal: s.sentRate * age,
    receivedTotal: s.receivedRate * age,
    sentRate: s.sentRate,
    receivedRate: s.receivedRate,
    exitedAtMs: s.exitedAtMs ?? 0,
    exe: `/usr/bin/${s.name}`,
    programKey: `/usr/bin/${s.name}\u0000${s.name}\u0000${s.user && s.user !== 'root' ? 1000 : 0}`,
    ppid: 1,
    container: s.container ?? null,
    unit: s.unit ?? null,
    netns: null,
    connections: s.connections ?? [],
    sentHistory: history(s.sentRate, s.pid),
    receivedHistory: history(s.receivedRate, s.pid + 7),
  };
}

export function snapshot(processes: ProcessStats[], tsMs = T0): Snapshot {
  const sum = (f: (p: ProcessStats) => number): number => processes.reduce((a, p) => a + f(p), 0);
  const zero = { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 };
  return {
    tsMs,
    intervalMs: 1000,
    capture: { interfaces: ['lo', 'eth0'], packets: 184467, dropped: 0, malformed: 0, duplicates: 0, notIp: 12 },
    totals: {
      sent: sum((p) => p.sent),
      received: sum((p) => p.received),
      sentTotal: sum((p) => p.sentTotal),
      receivedTotal: sum((p) => p.receivedTotal),
      sentRate: sum((p) => p.sentRate),
      receivedRate: sum((p) => p.receivedRate),
      sentHistory: history(
        sum((p) => p.sentRate),
        3,
      ),
      receivedHistory: history(
        sum((p) => p.receivedRate),
        5,
      ),
    },
    processes,
    programs: [],
    ownership: { mode: 'events', note: null },
    unknown: {
      ...zero,
      sentTotal: 1840,
      receivedTotal: 620,
      byProto: { tcp: zero, udp: { ...zero, sentTotal: 1840, receivedTotal: 620 }, other: zero },
    },
    pendingBytes: 0,
  };
}

/** A busy loopback host: every kind of row the table draws. */
export function demoProcesses(): ProcessStats[] {
  return [
    proc({
      pid: 4242,
      name: 'curl',
      cmdline: 'curl -O http://127.0.0.1:8080/big.iso',
      sentRate: 1200,
      receivedRate: 980000,
      connections: [conn('127.0.0.1:51234', '127.0.0.1:8080', { sent: 1200, received: 980000 })],
    }),
    proc({
      pid: 812,
      name: 'nginx',
      cmdline: 'nginx: worker process',
      user: 'www-data',
      sentRate: 981000,
      receivedRate: 1500,
      connections: [
        conn('127.0.0.1:8080', '127.0.0.1:51234', { sent: 980000, received: 1200 }),
        conn('127.0.0.1:8080', '127.0.0.1:51240', { sent: 1000, received: 300 }),
        conn('[::1]:8080', '[::1]:40112', { sent: 0, received: 0 }, { state: 'CLOSED' }),
      ],
    }),
    proc({
      pid: 5310,
      name: 'iperf3',
      cmdline: 'iperf3 -c 127.0.0.1 -p 5201 -t 60',
      sentRate: 118000000,
      receivedRate: 52000,
      connections: [
        conn('127.0.0.1:40000', '127.0.0.1:5201', { sent: 118000000, received: 52000 }),
        conn('127.0.0.1:39998', '127.0.0.1:5201', { sent: 240, received: 180 }),
      ],
    }),
    proc({
      pid: 5201,
      name: 'iperf3',
      cmdline: 'iperf3 -s -p 5201',
      sentRate: 52180,
      receivedRate: 118000240,
      connections: [
        conn('127.0.0.1:5201', '127.0.0.1:40000', { sent: 52000, received: 118000000 }),
        conn('127.0.0.1:5201', '127.0.0.1:39998', { sent: 180, received: 240 }),
      ],
    }),
    proc({
      pid: 733,
      name: 'sshd',
      cmdline: 'sshd: admin@pts/0',
      user: 'admin',
      sentRate: 2150,
      receivedRate: 310,
      connections: [conn('10.0.0.5:22', '192.0.2.44:53122', { sent: 2150, received: 310 })],
    }),
    proc({
      pid: 611,
      name: 'chronyd',
      cmdline: '/usr/sbin/chronyd -F 1',
      user: '_chrony',
      sentRate: 76,
      receivedRate: 76,
      connections: [conn('0.0.0.0:323', '127.0.0.1:52000', { sent: 76, received: 76 }, { proto: 'udp' })],
    }),
    proc({
      pid: 590,
      name: 'systemd-resolve',
      cmdline: '/lib/systemd/systemd-resolved',
      user: 'systemd-resolve',
      sentRate: 76,
      receivedRate: 76,
      connections: [conn('127.0.0.53:53', '127.0.0.1:41000', { sent: 76, received: 76 }, { proto: 'udp' })],
    }),
    proc({ pid: 1, name: 'systemd', cmdline: '/sbin/init', sentRate: 0, receivedRate: 40 }),
    proc({
      pid: 2222,
      name: 'wget',
      cmdline: 'wget http://127.0.0.1:8080/small',
      sentRate: 0,
      receivedRate: 0,
      exitedAtMs: T0 - 2000,
      connections: [conn('127.0.0.1:51000', '127.0.0.1:8080', { sent: 0, received: 0 }, { state: 'CLOSED' })],
    }),
  ];
}

export function demoSnapshot(tsMs = T0): Snapshot {
  return snapshot(demoProcesses(), tsMs);
}
