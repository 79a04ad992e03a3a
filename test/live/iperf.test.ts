// Acceptance, as a user would check it: iperf3 on loopback for 3 s; the client's and the
// server's byte totals in bwtop --json match the IP bytes tcpdump saw on that port within 1%.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  SKIP,
  createNetns,
  inNs,
  killAll,
  track,
  exited,
  sleep,
  startBwtop,
  startTcpdump,
  stopTcpdump,
  tcpdumpPackets,
  tmp,
  waitFor,
  within,
  type JsonProcess,
} from './harness.js';

interface Case {
  name: string;
  port: number;
  server: string;
  clientArgs: string[];
  /** With -R the server sends: the data direction is reversed. */
}

const cases: Case[] = [
  { name: 'TCP over 127.0.0.1, client sends', port: 5301, server: '127.0.0.1', clientArgs: ['-c', '127.0.0.1', '-t', '3'] },
  { name: 'TCP over 127.0.0.1, server sends (-R)', port: 5302, server: '127.0.0.1', clientArgs: ['-c', '127.0.0.1', '-t', '3', '-R'] },
  { name: 'UDP over ::1', port: 5303, server: '::1', clientArgs: ['-6', '-c', '::1', '-u', '-b', '200M', '-l', '1200', '-t', '3'] },
];

afterEach(killAll);

for (const c of cases) {
  test(`iperf3 ${c.name}: per-process totals within 1% of tcpdump`, { skip: SKIP, timeout: 60_000 }, async (t) => {
    const ns = createNetns('bwtop-iperf');
    t.after(ns.remove);
    const dir = tmp('bwtop-iperf-');
    const pcap = join(dir, 'ref.pcap');
    const td = await startTcpdump(pcap, `port ${c.port}`, ns);
    const bw = await startBwtop(['-i', 'lo', '-d', '0.5'], ns);
    const server = track(
      spawn(...inNs(ns, 'iperf3', ['--forceflush', '-s', '-1', '-p', String(c.port), '-B', c.server]), {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    await waitFor(server, 'stdout', /Server listening/);
    const client = track(spawn(...inNs(ns, 'iperf3', [...c.clientArgs, '-p', String(c.port)]), { stdio: ['ignore', 'ignore', 'inherit'] }));
    assert.equal(await exited(client), 0, 'iperf3 client failed');
    await exited(server);
    await stopTcpdump(td);
    await sleep(1500); // two more refreshes so the last bytes are reported
    bw.child.kill('SIGTERM');
    assert.equal(await exited(bw.child), 0);

    const pkts = tcpdumpPackets(pcap);
    assert.ok(pkts.length > 100, `tcpdump saw only ${pkts.length} packets`);
    const toServer = pkts.filter((p) => p.dport === c.port).reduce((s, p) => s + p.len, 0);
    const fromServer = pkts.filter((p) => p.sport === c.port).reduce((s, p) => s + p.len, 0);

    const last = bw.lines().at(-1)!;
    const byPid = (pid: number): JsonProcess => {
      const p = last.processes.find((x) => x.pid === pid);
      assert.ok(p, `pid ${pid} missing from bwtop output: ${JSON.stringify(last.processes.map((x) => [x.pid, x.name]))}`);
      return p;
    };
    const cl = byPid(client.pid!);
    const sv = byPid(server.pid!);
    const check = (what: string, actual: number, expected: number): void =>
      assert.ok(within(actual, expected, 0.01), `${what}: bwtop ${actual} vs tcpdump ${expected}`);
    check('client sent', cl.sent_total, toServer);
    check('client received', cl.received_total, fromServer);
    check('server received', sv.received_total, toServer);
    check('server sent', sv.sent_total, fromServer);
    assert.equal(cl.name, 'iperf3');
    // Every connection of the client goes to the server's port.
    for (const conn of cl.connections) assert.match(conn.remote, new RegExp(`:${c.port}$`));
  });
}
