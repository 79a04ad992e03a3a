// A storm of processes while bwtop --json scans: in a namespace of the test's own, 600 processes
// start and exit within a few seconds, ten at a time — curl downloads from a loopback server, bash
// fetching through /dev/tcp, and `true` which touches nothing. Many are gone while bwtop reads their
// /proc entries (ESRCH, ENOENT mid-read). bwtop must not crash or complain; every byte of the
// server's port goes to the server (exactly tcpdump's count), and every byte the clients received
// to a row named curl or bash, or to unknown, adding up to exactly what the server sent. That each
// such row is the very pid the storm started as that program is the second test (known gaps in
// polling mode). Also: a reader without the privilege to look into root's processes (EACCES) gets
// nothing from them, without an error.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import {
  SKIP,
  createNetns,
  exited,
  inNs,
  killAll,
  sleep,
  startBwtop,
  startTcpdump,
  stopTcpdump,
  tcpdumpPackets,
  tmp,
  track,
  waitFor,
} from './harness.js';
import { WEB } from './owners-harness.js';

const PORT = 5317;
const BODY = 20_000;
const ROUNDS = 200;

afterEach(killAll);

const SERVER = WEB(PORT, BODY);

// Each round starts three processes and prints "pid program" for each; every 5 rounds it waits.
// The bash client reads with a builtin: a child (cat) would share its socket under another pid.
const STORM = `
for i in $(seq 1 ${ROUNDS}); do
  curl -s -o /dev/null http://127.0.0.1:${PORT}/ & echo "$! curl"
  bash -c 'exec 3<>/dev/tcp/127.0.0.1/${PORT}; printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3; read -r -d "" -u 3 _' & echo "$! bash"
  true & echo "$! true"
  if [ $((i % 5)) = 0 ]; then wait; fi
done
wait`;

/** Rows of a pid the storm did not start as that program (see the second test). */
const wrong: string[] = [];
let stormRan = false;

interface Entry {
  pid: number | null;
  start_time?: number;
  exe: string;
  pids?: number[];
  name: string;
  sent_total: number;
  received_total: number;
  connections: { local: string; remote: string; sent_total: number; received_total: number }[];
}

test(`a storm of ${ROUNDS * 3} short processes: no crash, bytes only to the server, curl or bash rows, or unknown, adding up`, {
  skip: SKIP,
  timeout: 120_000,
}, async (t) => {
  const ns = createNetns('bwtop-storm');
  t.after(ns.remove);
  const pcap = join(tmp('bwtop-storm-'), 'ref.pcap');
  const td = await startTcpdump(pcap, `tcp port ${PORT}`, ns);
  const bw = await startBwtop(['-i', 'lo', '-d', '0.3'], ns);
  const server = track(spawn(...inNs(ns, process.execPath, ['-e', SERVER]), { stdio: ['ignore', 'pipe', 'inherit'] }));
  await waitFor(server, 'stdout', /ready/);
  await sleep(1000); // bwtop learns the listener's owner first, as on a running host

  const storm = track(spawn(...inNs(ns, 'bash', ['-c', STORM]), { stdio: ['ignore', 'pipe', 'inherit'] }));
  let out = '';
  storm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  assert.equal(await exited(storm), 0);
  await stopTcpdump(td);
  const started = new Map(
    out
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([pid, prog]) => [Number(pid), prog!]),
  );
  assert.equal(started.size, ROUNDS * 3, 'every process of the storm had its own pid');

  // The reference: IP bytes the server sent and received, from tcpdump.
  const packets = tcpdumpPackets(pcap);
  const serverSent = packets.filter((p) => p.sport === PORT).reduce((a, p) => a + p.len, 0);
  const serverReceived = packets.filter((p) => p.dport === PORT).reduce((a, p) => a + p.len, 0);
  assert.ok(serverSent > ROUNDS * 2 * BODY, `the storm moved data (${serverSent} bytes)`);

  type Line = { processes: Entry[]; unknown: { by_proto: { tcp: { sent_total: number; received_total: number } } }; pending_bytes: number };
  let last: Line | null = null;
  for (let i = 0; i < 40; i++, await sleep(250)) {
    last = bw.lines().at(-1) as unknown as Line; // throws on anything bwtop wrote to stderr beyond the one expected notice
    const srv = last.processes.find((p) => p.pid === server.pid);
    if (srv && srv.sent_total >= serverSent && last.pending_bytes === 0) break;
  }
  assert.equal(bw.child.exitCode, null, 'bwtop still runs');
  const l = last!;
  const srv = l.processes.find((p) => p.pid === server.pid);
  assert.ok(srv, 'the server has a row');
  assert.equal(srv.sent_total, serverSent, 'the server: exactly what tcpdump saw it send');
  assert.equal(srv.received_total, serverReceived, 'the server: exactly what tcpdump saw it receive');

  // Rows of exited processes go 10 s after the exit: every line is read, each row at its latest.
  const rows = new Map<string, Entry>();
  for (const line of bw.lines() as unknown as Line[]) {
    for (const p of line.processes) rows.set(p.pid !== null ? `${p.pid} ${p.start_time}` : `program ${p.name} ${p.exe}`, p);
  }
  let clients = 0;
  for (const p of rows.values()) {
    assert.ok(p.name !== '', 'no row without a name');
    if (p.pid === server.pid) continue;
    const bytes = p.received_total + p.sent_total;
    if (bytes === 0) continue;
    // Every other row with bytes is a client of the storm: a curl or bash it started.
    assert.ok(p.name === 'curl' || p.name === 'bash', `bytes went to ${p.name} (${p.pid})`);
    if (p.pid !== null) {
      const was = started.get(p.pid);
      if (was !== 'curl' && was !== 'bash') wrong.push(`pid ${p.pid} (started as ${was}) got ${bytes} bytes as ${p.name}`);
      else if (was !== p.name) wrong.push(`pid ${p.pid} was started as ${was}, shown as ${p.name}`);
    } else {
      // A program entry: the bytes are the program's; its candidates are processes of the storm
      // (a \`true &\` subshell is the same program as a bash client: bash).
      for (const pid of p.pids ?? []) if (!started.has(pid)) wrong.push(`candidate ${pid} of ${p.name} is not the storm's`);
    }
    clients += p.received_total;
  }
  assert.ok(clients > 0, 'some clients were found (the rest is unknown, never someone else)');
  t.diagnostic(`credited to clients: ${((100 * clients) / serverSent).toFixed(1)}% of what the server sent`);
  assert.equal(clients + l.unknown.by_proto.tcp.received_total, serverSent, 'what clients received adds up to what the server sent');
  stormRan = true;
});

// Without process events (bwtop inside a namespace), a child forked by the shell may be read
// before it execs curl, holding only what it inherited; and a \`true &\` subshell holds the
// shell's sockets while it lives. Neither may be named or credited: the stat read with each
// descriptor read tells the parent (inherited sockets prove nothing) and an exec since naming.
test('each storm row is a client the storm started, under the program it was started as', {
  skip: SKIP,
}, () => {
  assert.ok(stormRan, 'the storm ran');
  assert.deepEqual(wrong, []);
});

test('EACCES: a reader without privilege gets nothing from root`s processes, and no error', { skip: SKIP }, () => {
  const url = new URL('../../src/adapters/procfs.js', import.meta.url).href;
  const script = `
    const { openProcRoot } = await import(${JSON.stringify(url)});
    const proc = openProcRoot('/proc');
    console.log(JSON.stringify({ inodes: proc.readSocketInodes(${process.pid}), netns: proc.readNetNs(${process.pid}) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), { inodes: null, netns: null });
});
