// The same packet on two captured interfaces counts once. In a namespace of the test's own, a
// bridge br0 carries the host's address and has one port, a veth leading to a second namespace
// where the client runs: every packet between them crosses both the port and the bridge, and
// bwtop captures both (-i br0 -i port). The server must be credited once with what it received
// (its IP bytes: the payload iperf3 reports plus 3-5% of headers; twice would be double), and
// bwtop must say it recognised the twins as duplicates.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { SKIP, createNetns, exited, inNs, killAll, sleep, startBwtop, track, waitFor } from './harness.js';

const PORT = 5331;

afterEach(killAll);

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

test('a packet seen on a bridge and on its port is counted once', { skip: SKIP, timeout: 60_000 }, async (t) => {
  const host = createNetns('bwtop-br-host');
  t.after(host.remove);
  const peer = createNetns('bwtop-br-peer');
  t.after(peer.remove);
  const port = `bwp${process.pid % 100000}`;
  ip('link', 'add', port, 'netns', host.name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peer.name);
  ip('-n', host.name, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', host.name, 'link', 'set', port, 'master', 'br0');
  ip('-n', host.name, 'addr', 'add', '10.77.0.1/24', 'dev', 'br0');
  ip('-n', host.name, 'link', 'set', port, 'up');
  ip('-n', host.name, 'link', 'set', 'br0', 'up');
  ip('-n', peer.name, 'addr', 'add', '10.77.0.2/24', 'dev', 'eth0');
  ip('-n', peer.name, 'link', 'set', 'eth0', 'up');

  const bw = await startBwtop(['-i', 'br0', '-i', port, '-d', '0.5'], host);
  const server = track(
    spawn(...inNs(host, 'iperf3', ['--forceflush', '-s', '-p', String(PORT), '-B', '10.77.0.1']), { stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  await waitFor(server, 'stdout', /Server listening/);
  await sleep(800); // the bridge port needs a moment to forward (no STP on a fresh bridge: it is at once)
  const client = track(
    spawn(...inNs(peer, 'iperf3', ['-c', '10.77.0.1', '-p', String(PORT), '-t', '2', '-b', '50M', '-J']), {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  let report = '';
  client.stdout!.on('data', (d: Buffer) => (report += d.toString()));
  assert.equal(await exited(client), 0, 'iperf3 client failed');
  const BYTES = (JSON.parse(report) as { end: { sum_sent: { bytes: number } } }).end.sum_sent.bytes;
  await sleep(1500);
  bw.child.kill('SIGTERM');
  assert.equal(await exited(bw.child), 0);

  const last = bw.lines().at(-1)!;
  const sv = last.processes.find((p) => p.pid === server.pid);
  assert.ok(sv, `the server is missing: ${JSON.stringify(last)}`);
  assert.ok(
    sv.received_total >= BYTES && sv.received_total <= BYTES * 1.06,
    `server received ${sv.received_total} IP bytes for ${BYTES} bytes of payload`,
  );
  assert.ok(sv.sent_total < BYTES * 0.05, `server sent ${sv.sent_total}: acknowledgements only`);
  const capture = last.capture as { duplicates: number; packets: number; interfaces: string[] };
  assert.deepEqual(capture.interfaces, ['br0', port]);
  // Every IP packet was seen twice; the twins were recognised (a few may slip through the
  // fixed-size table under load, never the bulk).
  assert.ok(capture.duplicates >= 0.95 * capture.packets, `${capture.duplicates} duplicates for ${capture.packets} packets`);
});
