// The whole program on a matched fixture (fixtures/session/loopback-web: a tcpdump capture and
// the /proc of the processes that made it): in-process through run(), and as the CLI. Every
// expected number below was derived from the capture by tcpdump alone, never by bwtop:
//   test/fixtures-tools/record-session-expect.py fixtures/session/loopback-web [500]
// (tcpdump -r capture.pcap -tt -nn -v; IPv4 total length / 40 + IPv6 payload length, mapped to
// processes by the scenario's fixed ports, bucketed into replay intervals). The table is also in
// fixtures/session/README.md. Re-recording the fixture means rerunning that script and updating
// the numbers here.
import { keepSnapshot } from '../../src/core/snapshot-copy.js';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcFs } from '../../src/adapters/procfs.js';
import { run, type Sink } from '../../src/cli/app.js';
import { parseLiveArgs } from '../../src/cli/args.js';
import { snapshotJson } from '../../src/cli/json-output.js';
import { realDeps } from '../../src/cli/real-deps.js';
import type { ProcessStats, Snapshot } from '../../src/core/model.js';

// dist/test/engine -> repository root
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SESSION = join(REPO, 'fixtures/session/loopback-web');
const CAPTURE = join(SESSION, 'capture.pcap');
const PROC = join(SESSION, 'proc');
const MAIN = join(REPO, 'dist/src/cli/main.js');

// First and last packet (tcpdump -tt): 1795660563.550071 and 1795660566.655180, 3105.109 ms apart,
// so 1 s intervals end at first + 1000, + 2000, + 3000 and the partial one at the last packet.
const FIRST_MS = 1795660563550.071;
const LAST_MS = 1795660566655.18;
const TS_1S = [FIRST_MS + 1000, FIRST_MS + 2000, FIRST_MS + 3000, LAST_MS].map(Math.round);
// Packets accounted by the end of each interval (tcpdump -tt, counted per bucket).
const PACKETS_1S = [32, 68, 81, 83];
// Every IP byte so far (each once sent and once received on loopback), cumulative per interval.
const ALL_BYTES_1S = [352687, 585817, 647577, 648133];

// [sent, received] per 1 s interval, per process (record-session-expect.py, first table).
const PER_INTERVAL: Record<string, [number, number][]> = {
  'web-srv': [
    [150363, 361],
    [210725, 773],
    [0, 0],
    [0, 0],
  ],
  'dl-client-1': [
    [361, 150363],
    [0, 0],
    [0, 0],
    [0, 0],
  ],
  'dl-client-2': [
    [0, 0],
    [413, 150363],
    [0, 0],
    [0, 0],
  ],
  'up-srv': [
    [375, 200476],
    [0, 0],
    [0, 0],
    [0, 0],
  ],
  'up-client': [
    [200476, 375],
    [0, 0],
    [0, 0],
    [0, 0],
  ],
  'udp-srv': [
    [856, 256],
    [856, 256],
    [856, 256],
    [428, 128],
  ],
  'udp-client': [
    [256, 856],
    [256, 856],
    [256, 856],
    [128, 428],
  ],
  'v6-echo-srv': [
    [0, 0],
    [10224, 10296],
    [30216, 30432],
    [0, 0],
  ],
  'v6-client': [
    [0, 0],
    [10296, 10224],
    [30432, 30216],
    [0, 0],
  ],
};
// The gone-client's side of its connection (127.0.0.1:41005): nobody's, so unknown TCP.
const UNKNOWN_1S: [number, number][] = [
  [0, 0],
  [360, 60362],
  [0, 0],
  [0, 0],
];
const UNKNOWN_TCP = { sent: 360, received: 60362 };

// pid, comm, user (fixture etc-passwd), and totals: the sums of the per-port flows of tcpdump.
const FINAL = [
  '13217 web-srv root 361088/1134',
  '13227 up-srv nobody 375/200476',
  '13246 udp-srv root 2996/896',
  '13256 v6-echo-srv root 40440/40728',
  '13269 dl-client-1 root 361/150363',
  '13275 udp-client root 896/2996',
  '13294 up-client root 200476/375',
  '13300 dl-client-2 root 413/150363',
  '13309 v6-client root 40728/40440',
];

// Each process's connections: proto local remote sent_total/received_total (tcpdump per flow),
// then the sockets it holds that carried nothing (its listeners), from the /proc copy.
const CONNECTIONS: Record<string, string[]> = {
  'web-srv': [
    'tcp 127.0.0.1:8080 0.0.0.0:0 0/0',
    'tcp 127.0.0.1:8080 127.0.0.1:41001 150363/361',
    'tcp 127.0.0.1:8080 127.0.0.1:41002 150363/413',
    'tcp 127.0.0.1:8080 127.0.0.1:41005 60362/360', // the exited client's server side
  ],
  'up-srv': ['tcp 127.0.0.1:8081 0.0.0.0:0 0/0', 'tcp 127.0.0.1:8081 127.0.0.1:41003 375/200476'],
  'udp-srv': ['udp 127.0.0.1:9053 127.0.0.1:41004 2996/896'], // IPv4 peer, [::]:9053 socket
  'v6-echo-srv': ['tcp [::1]:8443 [::1]:41006 40440/40728', 'tcp [::1]:8443 [::]:0 0/0'],
  'dl-client-1': ['tcp 127.0.0.1:41001 127.0.0.1:8080 361/150363'],
  'udp-client': ['udp 127.0.0.1:41004 127.0.0.1:9053 896/2996'],
  'up-client': ['tcp 127.0.0.1:41003 127.0.0.1:8081 200476/375'],
  'dl-client-2': ['tcp 127.0.0.1:41002 127.0.0.1:8080 413/150363'],
  'v6-client': ['tcp [::1]:41006 [::1]:8443 40728/40440'],
};
// Socket states at the copy (ss-tuanp.txt), for the sockets held by the process itself.
const STATES: Record<string, string> = {
  'tcp 127.0.0.1:8081 127.0.0.1:41003': 'ESTABLISHED',
  'udp 127.0.0.1:9053 127.0.0.1:41004': 'UNCONN',
  'tcp [::1]:8443 [::1]:41006': 'ESTABLISHED',
  'tcp 127.0.0.1:41001 127.0.0.1:8080': 'CLOSE_WAIT',
  'udp 127.0.0.1:41004 127.0.0.1:9053': 'ESTABLISHED',
  'tcp 127.0.0.1:41003 127.0.0.1:8081': 'ESTABLISHED',
  'tcp 127.0.0.1:41002 127.0.0.1:8080': 'CLOSE_WAIT',
  'tcp [::1]:41006 [::1]:8443': 'ESTABLISHED',
};

async function replayInProcess(args: string[] = []): Promise<{ code: number; snaps: Snapshot[] }> {
  const snaps: Snapshot[] = [];
  const sink: Sink = { update: (s) => snaps.push(keepSnapshot(s)), holdAfterReplay: false, close() {} };
  const deps = { ...realDeps(PROC), proc: new ProcFs(PROC, { passwdPath: join(PROC, 'etc-passwd') }) };
  const options = parseLiveArgs(['--replay', CAPTURE, '--proc-root', PROC, '--json', ...args], 'live');
  const code = await run(deps, options, sink);
  return { code, snaps };
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string; lines: string[] } {
  const r = spawnSync(process.execPath, [MAIN, '--replay', CAPTURE, '--proc-root', PROC, '--json', ...args], { encoding: 'utf8' });
  return { ...r, lines: r.stdout.split('\n').filter((l) => l !== '') };
}

const byName = (s: Snapshot, name: string): ProcessStats | undefined => s.processes.find((p) => p.name === name);

test('replay in-process: one snapshot per interval, cut by packet time, the partial last one too', async () => {
  const { code, snaps } = await replayInProcess();
  assert.equal(code, 0);
  assert.deepEqual(
    snaps.map((s) => Math.round(s.tsMs)),
    TS_1S,
  );
  assert.deepEqual(
    snaps.map((s) => s.capture.packets),
    PACKETS_1S,
  );
  for (const s of snaps) {
    assert.equal(s.intervalMs, 1000);
    assert.deepEqual([s.capture.malformed, s.capture.notIp, s.capture.duplicates, s.capture.dropped], [0, 0, 0, 0]);
  }
});

test('replay in-process: exact per-process totals, users from the fixture passwd, the exited client absent', async () => {
  const { snaps } = await replayInProcess();
  const last = snaps.at(-1)!;
  const rows = last.processes.map((p) => `${p.pid} ${p.name} ${p.user} ${p.sentTotal}/${p.receivedTotal}`).sort();
  assert.deepEqual(rows, FINAL);
  assert.equal(
    last.processes.find((p) => p.pid === 13306),
    undefined,
    'gone-client exited before the copy',
  );
  for (const p of last.processes) assert.equal(p.exitedAtMs, 0, `${p.name} is alive in the fixture`);
});

test("replay in-process: exact connection lists; nobody owns the exited client's side", async () => {
  const { snaps } = await replayInProcess();
  const last = snaps.at(-1)!;
  for (const [name, want] of Object.entries(CONNECTIONS)) {
    const p = byName(last, name)!;
    const got = p.connections.map((c) => `${c.proto} ${c.local} ${c.remote} ${c.sentTotal}/${c.receivedTotal}`).sort();
    assert.deepEqual(got, want, name);
    for (const c of p.connections) {
      const state = STATES[`${c.proto} ${c.local} ${c.remote}`];
      if (state !== undefined) assert.equal(c.state, state, `${name} ${c.local} -> ${c.remote}`);
    }
  }
  const all = last.processes.flatMap((p) => p.connections.map((c) => c.local));
  assert.ok(!all.includes('127.0.0.1:41005'));
});

test('replay in-process: exact bytes per process per interval, and the exited client in unknown TCP', async () => {
  const { snaps } = await replayInProcess();
  snaps.forEach((s, k) => {
    for (const [name, per] of Object.entries(PER_INTERVAL)) {
      const p = byName(s, name);
      // A process appears from its first interval with traffic on.
      const seen = per.slice(0, k + 1).some(([a, b]) => a + b > 0);
      assert.equal(p !== undefined, seen, `${name} listed in interval ${k}`);
      if (p) assert.deepEqual([p.sent, p.received], per[k], `${name} interval ${k}`);
    }
    assert.equal(s.processes.length, Object.values(PER_INTERVAL).filter((per) => per.slice(0, k + 1).some(([a, b]) => a + b > 0)).length);
    assert.deepEqual([s.unknown.sent, s.unknown.received], UNKNOWN_1S[k], `unknown interval ${k}`);
  });
  const u = snaps.at(-1)!.unknown;
  assert.deepEqual(u.byProto.tcp, { sent: 0, received: 0, sentTotal: UNKNOWN_TCP.sent, receivedTotal: UNKNOWN_TCP.received });
  assert.deepEqual(u.byProto.udp, { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 });
  assert.deepEqual(u.byProto.other, { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 });
});

test('replay in-process: every local byte lands in exactly one of a process, unknown, pending', async () => {
  const { snaps } = await replayInProcess();
  snaps.forEach((s, k) => {
    // Loopback: each packet is once somebody's sent and once somebody's received.
    assert.equal(s.totals.sentTotal, ALL_BYTES_1S[k]);
    assert.equal(s.totals.receivedTotal, ALL_BYTES_1S[k]);
    const sum = (f: (p: ProcessStats) => number): number => s.processes.reduce((a, p) => a + f(p), 0);
    assert.equal(s.pendingBytes, 0, 'replay resolves everything before each snapshot');
    assert.equal(sum((p) => p.sentTotal) + s.unknown.sentTotal, s.totals.sentTotal);
    assert.equal(sum((p) => p.receivedTotal) + s.unknown.receivedTotal, s.totals.receivedTotal);
    assert.equal(sum((p) => p.sent) + s.unknown.sent, s.totals.sent);
    assert.equal(sum((p) => p.received) + s.unknown.received, s.totals.received);
    // Connections add up to their process.
    for (const p of s.processes) {
      assert.equal(
        p.connections.reduce((a, c) => a + c.sentTotal, 0),
        p.sentTotal,
        p.name,
      );
      assert.equal(
        p.connections.reduce((a, c) => a + c.receivedTotal, 0),
        p.receivedTotal,
        p.name,
      );
    }
  });
});

test('replay in-process is deterministic: two runs give identical JSON', async () => {
  const a = (await replayInProcess()).snaps.map(snapshotJson);
  const b = (await replayInProcess()).snaps.map(snapshotJson);
  assert.equal(a.length, 4);
  assert.deepEqual(a, b);
});

test('an accepted connection found through its listener reports its own socket state, never LISTEN', async () => {
  const { snaps } = await replayInProcess();
  const web = byName(snaps.at(-1)!, 'web-srv')!;
  const states = Object.fromEntries(web.connections.filter((c) => c.active || c.sentTotal > 0).map((c) => [c.remote, c.state]));
  // proc/net/tcp at the copy: 8080<->41001 and 8080<->41002 FIN_WAIT2, 8080<->41005 TIME_WAIT (inode 0).
  assert.deepEqual(states, { '127.0.0.1:41001': 'FIN_WAIT2', '127.0.0.1:41002': 'FIN_WAIT2', '127.0.0.1:41005': 'TIME_WAIT' });
});

test('the CLI: exit 0, one line per interval, the same lines as the in-process run', async () => {
  const r = cli([]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.lines.length, TS_1S.length);
  assert.deepEqual(
    r.lines.map((l) => (JSON.parse(l) as { ts: number }).ts),
    TS_1S,
  );
  const inProcess = (await replayInProcess()).snaps.map(snapshotJson);
  // Identical, user names included: --proc-root DIR reads DIR/etc-passwd when the copy has one.
  assert.deepEqual(r.lines, inProcess);
  const last = JSON.parse(r.lines.at(-1)!) as { unknown: { by_proto: { tcp: { sent_total: number; received_total: number } } } };
  assert.deepEqual(last.unknown.by_proto.tcp, { sent_total: UNKNOWN_TCP.sent, received_total: UNKNOWN_TCP.received });
  assert.equal(cli([]).stdout, r.stdout, 'two CLI runs print identical output');
});

test('the CLI: --count 2 prints exactly the first two lines', () => {
  const all = cli([]);
  const two = cli(['--count', '2']);
  assert.equal(two.status, 0);
  assert.deepEqual(two.lines, all.lines.slice(0, 2));
});

test('the CLI: -d 0.5 cuts seven half-second intervals with the same totals', () => {
  const r = cli(['-d', '0.5']);
  assert.equal(r.status, 0);
  type Line = { ts: number; interval_ms: number; processes: { name: string; sent: number; sent_total: number; received_total: number }[] };
  const lines = r.lines.map((l) => JSON.parse(l) as Line);
  // floor(3105.109 / 500) = 6 full intervals, plus the partial one.
  assert.deepEqual(
    lines.map((l) => l.ts),
    [1, 2, 3, 4, 5, 6].map((k) => Math.round(FIRST_MS + 500 * k)).concat(Math.round(LAST_MS)),
  );
  for (const l of lines) assert.equal(l.interval_ms, 500);
  // record-session-expect.py ... 500: the UDP client sends one 128-byte datagram per half second;
  // the IPv6 client's four writes fall in the 4th, 5th and (two of them) 6th intervals.
  const sent = (name: string): number[] => lines.map((l) => l.processes.find((p) => p.name === name)?.sent ?? 0);
  assert.deepEqual(sent('udp-client'), [128, 128, 128, 128, 128, 128, 128]);
  assert.deepEqual(sent('v6-client'), [0, 0, 0, 10296, 10144, 20288, 0]);
  assert.deepEqual(sent('web-srv'), [150363, 0, 210725, 0, 0, 0, 0]);
  const totals = lines
    .at(-1)!
    .processes.map((p) => `${p.name} ${p.sent_total}/${p.received_total}`)
    .sort();
  assert.deepEqual(
    totals,
    FINAL.map((f) => f.split(' '))
      .map(([, n, , t]) => `${n} ${t}`)
      .sort(),
  );
});
