// A snapshot built by hand with every part of the model the engine can fill (placement, program
// entries, idle sockets and one whose socket vanished, the ownership mode, unknown bytes).
import type { ConnectionStats, ProcessStats, ProgramEntryStats, Snapshot } from '../../src/core/model.js';

const zeroes = { sentHistory: [], receivedHistory: [] };

function conn(local: string, remote: string, over: Partial<ConnectionStats>): ConnectionStats {
  return {
    id: `tcp ${local} ${remote}`,
    proto: 'tcp',
    family: 4,
    local,
    remote,
    remoteAddr: remote.split(':')[0]!,
    state: 'ESTABLISHED',
    sent: 0,
    received: 0,
    sentTotal: 0,
    receivedTotal: 0,
    sentRate: 0,
    receivedRate: 0,
    lastSeenMs: 0,
    inode: 0,
    active: false,
    ...over,
  };
}

export const busy = conn('10.0.0.5:51234', '93.184.216.34:443', {
  sent: 1200,
  received: 980000,
  sentTotal: 5000,
  receivedTotal: 4100000,
  sentRate: 1100.4,
  receivedRate: 950000.6,
  inode: 5551,
  active: true,
});
export const listener = conn('0.0.0.0:8080', '0.0.0.0:0', { state: 'LISTEN', inode: 5550 });
export const vanished = conn('127.0.0.1:40001', '127.0.0.1:80', { sent: 60, sentTotal: 60, sentRate: 60, active: true });

const proc: ProcessStats = {
  pid: 4242,
  startTime: 123456,
  name: 'curl',
  cmdline: 'curl -O http://example/\u001b[2J',
  user: 'root',
  uid: 0,
  exe: '/usr/bin/curl (deleted)',
  programKey: 'k1',
  ppid: 4200,
  container: 'web-1',
  unit: null,
  netns: 4026532000,
  sent: 1260,
  received: 980000,
  sentTotal: 5060,
  receivedTotal: 4100000,
  sentRate: 1160.4,
  receivedRate: 950000.6,
  exitedAtMs: 0,
  connections: [busy, listener, vanished],
  ...zeroes,
};

const program: ProgramEntryStats = {
  programKey: 'k2',
  name: 'wget',
  exe: '/usr/bin/wget',
  cmdline: 'wget -q http://127.0.0.1/',
  user: 'nobody',
  uid: 65534,
  pids: [5001, 5003],
  container: null,
  unit: 'fetch.service',
  netns: 4026531840,
  sent: 300,
  received: 9000,
  sentTotal: 600,
  receivedTotal: 18000,
  sentRate: 250,
  receivedRate: 7500,
  connections: [
    conn('127.0.0.1:40100', '127.0.0.1:80', {
      sent: 300,
      received: 9000,
      sentTotal: 600,
      receivedTotal: 18000,
      sentRate: 250,
      receivedRate: 7500,
      active: true,
      inode: 7001,
    }),
  ],
  ...zeroes,
};

export const snap: Snapshot = {
  tsMs: 1764121200000.4,
  intervalMs: 1000,
  capture: { interfaces: ['eth0'], packets: 1234, dropped: 1, malformed: 2, duplicates: 3, notIp: 4 },
  totals: { sent: 1560, received: 989000, sentTotal: 5660, receivedTotal: 4118000, sentRate: 1410.4, receivedRate: 957500.6, ...zeroes },
  processes: [proc, { ...proc, pid: 1, ppid: 0, exitedAtMs: 5, netns: null, container: null, unit: 'init.scope', connections: [] }],
  programs: [program],
  ownership: { mode: 'polling', note: 'process events unavailable (no CAP_NET_ADMIN); short-lived processes may show as unknown' },
  unknown: {
    sent: 1,
    received: 2,
    sentTotal: 3,
    receivedTotal: 4,
    byProto: {
      tcp: { sent: 0, received: 0, sentTotal: 3, receivedTotal: 4 },
      udp: { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 },
      other: { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 },
    },
  },
  pendingBytes: 77,
};
