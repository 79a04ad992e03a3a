// The --json line field by field, from snapshots built by hand with every part of the model the
// engine can fill (placement, program entries, idle sockets, the ownership mode), so each field's
// name, window and null cases are pinned whatever the engine produces today.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { snapshotJson, snapshotJsonAllConnections } from '../../src/cli/json-output.js';
import { jsonSink } from '../../src/cli/json-sink.js';
import { snap } from './snapshot-fixture.js';

const bytes = (s: number, r: number, st: number, rt: number, sr: number, rr: number) => ({
  sent: s,
  received: r,
  sent_total: st,
  received_total: rt,
  sent_rate: sr,
  received_rate: rr,
});

const BUSY = {
  proto: 'tcp',
  family: 4,
  local: '10.0.0.5:51234',
  remote: '93.184.216.34:443',
  state: 'ESTABLISHED',
  inode: 5551,
  active: true,
  ...bytes(1200, 980000, 5000, 4100000, 1100, 950001),
};
const LISTENER = {
  proto: 'tcp',
  family: 4,
  local: '0.0.0.0:8080',
  remote: '0.0.0.0:0',
  state: 'LISTEN',
  inode: 5550,
  active: false,
  ...bytes(0, 0, 0, 0, 0, 0),
};
const VANISHED = {
  proto: 'tcp',
  family: 4,
  local: '127.0.0.1:40001',
  remote: '127.0.0.1:80',
  state: 'ESTABLISHED',
  inode: null,
  active: true,
  ...bytes(60, 0, 60, 0, 60, 0),
};

test('a --json line: every field, the same byte windows for totals, processes, program entries and connections', () => {
  const line = snapshotJson(snap);
  assert.ok(!line.includes('\n') && !line.includes('\u001b'), 'one line, terminal escapes JSON-escaped');
  assert.deepEqual(JSON.parse(line), {
    ts: 1764121200000,
    interval_ms: 1000,
    capture: { interfaces: ['eth0'], lost: [], packets: 1234, dropped: 1, malformed: 2, duplicates: 3, not_ip: 4 },
    ownership: { mode: 'polling', note: 'process events unavailable (no CAP_NET_ADMIN); short-lived processes may show as unknown' },
    totals: bytes(1560, 989000, 5660, 4118000, 1410, 957501),
    processes: [
      {
        pid: 4242,
        name: 'curl',
        exe: '/usr/bin/curl (deleted)',
        cmdline: 'curl -O http://example/\u001b[2J',
        user: 'root',
        uid: 0,
        start_time: 123456,
        ppid: 4200,
        container: 'web-1',
        unit: null,
        netns: 4026532000,
        exited: false,
        ...bytes(1260, 980000, 5060, 4100000, 1160, 950001),
        connections: [BUSY, VANISHED], // the idle listener only with --all-connections
      },
      {
        pid: 1,
        name: 'curl',
        exe: '/usr/bin/curl (deleted)',
        cmdline: 'curl -O http://example/\u001b[2J',
        user: 'root',
        uid: 0,
        start_time: 123456,
        ppid: null,
        container: null,
        unit: 'init.scope',
        netns: null,
        exited: true,
        ...bytes(1260, 980000, 5060, 4100000, 1160, 950001),
        connections: [],
      },
      {
        pid: null,
        pids: [5001, 5003],
        name: 'wget',
        exe: '/usr/bin/wget',
        cmdline: 'wget -q http://127.0.0.1/',
        user: 'nobody',
        uid: 65534,
        container: null,
        unit: 'fetch.service',
        netns: 4026531840,
        ...bytes(300, 9000, 600, 18000, 250, 7500),
        connections: [
          {
            proto: 'tcp',
            family: 4,
            local: '127.0.0.1:40100',
            remote: '127.0.0.1:80',
            state: 'ESTABLISHED',
            inode: 7001,
            active: true,
            ...bytes(300, 9000, 600, 18000, 250, 7500),
          },
        ],
      },
    ],
    unknown: {
      sent: 1,
      received: 2,
      sent_total: 3,
      received_total: 4,
      by_proto: {
        tcp: { sent_total: 3, received_total: 4 },
        udp: { sent_total: 0, received_total: 0 },
        other: { sent_total: 0, received_total: 0 },
      },
    },
    pending_bytes: 77,
    nat_copies: { sent: 0, received: 0, sent_total: 0, received_total: 0 },
    tunnels: [],
  });
});

test('--all-connections lists every socket a process holds, idle ones too', () => {
  const line = JSON.parse(snapshotJsonAllConnections(snap)) as { processes: { connections: unknown[] }[] };
  assert.deepEqual(line.processes[0]!.connections, [BUSY, LISTENER, VANISHED]);
  const plain = JSON.parse(snapshotJson(snap)) as { processes: unknown[] };
  // Nothing else differs.
  assert.deepEqual(
    { ...line, processes: line.processes.map((p) => ({ ...p, connections: [] })) },
    {
      ...plain,
      processes: (plain.processes as { connections: unknown[] }[]).map((p) => ({ ...p, connections: [] })),
    },
  );
});

test('the NDJSON sink writes one line per snapshot, with or without --all-connections', async () => {
  for (const [all, format] of [
    [false, snapshotJson],
    [true, snapshotJsonAllConnections],
  ] as const) {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const sink = jsonSink(out, { allConnections: all });
    sink.update(snap);
    sink.update({ ...snap, tsMs: snap.tsMs + 1000 });
    sink.close();
    await new Promise((r) => setImmediate(r));
    const lines = text.split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.equal(lines[0], format(snap));
    assert.equal((JSON.parse(lines[1]!) as { ts: number }).ts, 1764121201000);
  }
});
