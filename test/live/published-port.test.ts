// A published port, as `docker run -p 8080:80` makes one without its userland proxy: a "container"
// namespace on a bridge of the host, an "outside" namespace behind another veth, and iptables
// DNAT rules on the host that send the host's address and port on to the container's (PREROUTING
// for what comes in from outside, OUTPUT for the host's own connections), with the containers'
// subnet MASQUERADEd to the uplink. bwtop runs in the host's namespace with its default
// interfaces. The server inside the container, the client outside and the client on the host
// must each get exactly the IP bytes tcpdump saw for their socket's end; the copies of the
// conversation before translation are nobody's (nat_copies), neither counted again nor unknown.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SKIP, createNetns, exited, killAll, sleep, startBwtop, startTcpdump, stopTcpdump, tmp, waitFor, type Netns } from './harness.js';
import { bytesOf, forwardingOn, iperfClient, iperfServer, iptables, onCleanup, run, shortId, vethInto } from './mini-host.js';

afterEach(killAll);

const HOST = '10.204.0.1'; // the host's address on the uplink, where the ports are published
const CONTAINER = '10.203.0.2';

function build(): { c1: Netns; out: Netns; bridge: string; uplink: string } {
  const id = shortId();
  const c1 = createNetns('bwtop-dnat-c1');
  onCleanup(c1.remove);
  const out = createNetns('bwtop-dnat-out');
  onCleanup(out.remove);
  const bridge = `bwdb${id}`;
  run('ip', 'link', 'add', bridge, 'type', 'bridge');
  onCleanup(() => run('ip', 'link', 'del', bridge));
  run('ip', 'addr', 'add', '10.203.0.1/24', 'dev', bridge);
  run('ip', 'link', 'set', bridge, 'up');
  const end = `bwdc${id}`;
  vethInto(c1, end, null, `${CONTAINER}/24`);
  run('ip', 'link', 'set', end, 'master', bridge);
  run('ip', '-n', c1.name, 'route', 'add', 'default', 'via', '10.203.0.1');
  const uplink = `bwdo${id}`;
  vethInto(out, uplink, `${HOST}/24`, '10.204.0.2/24');
  forwardingOn();
  iptables(`bwtop-dnat-${id}`, [
    ['-t', 'nat', 'PREROUTING', '-d', HOST, '-p', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', `${CONTAINER}:80`],
    ['-t', 'nat', 'OUTPUT', '-d', HOST, '-p', 'tcp', '--dport', '8081', '-j', 'DNAT', '--to-destination', `${CONTAINER}:81`],
    ['-t', 'nat', 'POSTROUTING', '-s', '10.203.0.0/24', '-o', uplink, '-j', 'MASQUERADE'],
    ['-t', 'filter', 'FORWARD', '-i', bridge, '-j', 'ACCEPT'],
    ['-t', 'filter', 'FORWARD', '-o', bridge, '-j', 'ACCEPT'],
  ]);
  return { c1, out, bridge, uplink };
}

interface Row {
  pid: number;
  name: string;
  container: string | null;
  sent_total: number;
  received_total: number;
  connections: { local: string; remote: string; sent_total: number; received_total: number }[];
}
interface Totals {
  sent_total: number;
  received_total: number;
}

test("published port (DNAT): the server in the container and both clients credited exactly, the copies before translation nobody's", {
  skip: SKIP,
  timeout: 120_000,
}, async () => {
  const h = build();
  const dir = tmp('bwtop-dnat-');
  const caps = { c1: join(dir, 'c1.pcap'), out: join(dir, 'out.pcap'), bridge: join(dir, 'bridge.pcap') };
  const dumps = [
    await startTcpdump(caps.c1, 'tcp', h.c1, 'eth0'),
    await startTcpdump(caps.out, 'tcp', h.out, 'eth0'),
    // The host's own connection leaves the host already translated: its end is seen on the bridge.
    await startTcpdump(caps.bridge, 'tcp port 81', undefined, h.bridge),
  ];
  const bw = await startBwtop(['-d', '0.5']);
  await sleep(1000);
  const before = bw.lines().at(-1)! as unknown as { unknown: Totals; totals: Totals };

  // outside -> the host's port 8080 -> the container's port 80.
  const fromOutServer = iperfServer(h.c1, CONTAINER, 80);
  await waitFor(fromOutServer, 'stdout', /Server listening/);
  const outClient = iperfClient(h.out, HOST, 8080, '20M');
  assert.equal(await exited(outClient), 0, 'iperf3 outside -> published port 8080 failed');
  // the host itself -> its own address's port 8081 -> the container's port 81.
  const fromHostServer = iperfServer(h.c1, CONTAINER, 81);
  await waitFor(fromHostServer, 'stdout', /Server listening/);
  const hostClient = iperfClient(undefined, HOST, 8081, '20M');
  assert.equal(await exited(hostClient), 0, 'iperf3 host -> published port 8081 failed');
  for (const s of [fromOutServer, fromHostServer]) await exited(s);
  for (const td of dumps) await stopTcpdump(td);
  await sleep(1500); // two more refreshes so the last bytes are reported
  bw.child.kill('SIGTERM');
  assert.equal(await exited(bw.child), 0);

  const last = bw.lines().at(-1)! as unknown as {
    processes: Row[];
    totals: Totals;
    unknown: Totals;
    nat_copies: Totals;
    capture: { dropped: number };
  };
  assert.equal(last.capture.dropped, 0, 'the capture dropped packets (a machine too busy to keep up): the totals cannot match');
  const c1 = { 80: bytesOf(caps.c1, 80), 81: bytesOf(caps.c1, 81) };
  const out = bytesOf(caps.out, 8080);
  const host = bytesOf(caps.bridge, 81);
  // [what, process, its namespace's name (null: the host), reference sent, reference received]
  const cases: Array<[string, ChildProcess, string | null, number, number]> = [
    ['outside client -> :8080', outClient, h.out.name, out.to, out.from],
    ['container server of :8080', fromOutServer, h.c1.name, c1[80].from, c1[80].to],
    ['host client -> :8081', hostClient, null, host.to, host.from],
    ['container server of :8081', fromHostServer, h.c1.name, c1[81].from, c1[81].to],
  ];
  const rows = last.processes;
  const report: string[] = [];
  let traffic = 0;
  for (const [what, p, , sent, received] of cases) {
    const r = rows.find((x) => x.pid === p.pid);
    report.push(`${what}: sent ${r?.sent_total}/${sent} received ${r?.received_total}/${received} container ${r?.container}`);
    traffic += sent + received;
  }
  const grew = (now: Totals, then: Totals): number => now.sent_total + now.received_total - then.sent_total - then.received_total;
  const unknown = grew(last.unknown, before.unknown);
  const detail = `${report.join('; ')}; unknown +${unknown}; nat_copies ${last.nat_copies.sent_total}/${last.nat_copies.received_total}`;
  process.stdout.write(`# ${detail}\n`);
  for (const [what, p, container, sent, received] of cases) {
    const r = rows.find((x) => x.pid === p.pid);
    assert.ok(r, `${what}: pid ${p.pid} missing; ${detail}`);
    assert.ok(Math.max(sent, received) > 1_000_000 && Math.min(sent, received) > 1_000, `${what}: the reference saw too little; ${detail}`);
    assert.equal(r.name, 'iperf3', `${what}: ${detail}`);
    assert.equal(r.container, container, `${what}: container; ${detail}`);
    assert.equal(r.sent_total, sent, `${what} sent: ${detail}`);
    assert.equal(r.received_total, received, `${what} received: ${detail}`);
  }
  // Counted once: no other process holds bytes of these conversations.
  const ours = new Set(cases.map(([, p]) => p.pid));
  const ports = /:(80|81|8080|8081)$/;
  for (const r of rows.filter((x) => !ours.has(x.pid)))
    for (const c of r.connections)
      assert.ok(!ports.test(c.local) && !ports.test(c.remote), `${r.name} (${r.pid}) has ${c.local} ${c.remote}; ${detail}`);
  // Other programs of the machine may add a little (neighbour discovery and the like), never a copy's worth.
  assert.ok(unknown < 0.01 * traffic, `unknown grew by ${unknown} bytes for ${traffic} bytes of traffic; ${detail}`);
  // The copies before translation: the outside conversation once as the host's end on the uplink,
  // once as the outside's end on the bridge; the host's own connection has none (translated before
  // it is sent).
  assert.equal(last.nat_copies.sent_total + last.nat_copies.received_total, 2 * (out.to + out.from), `nat_copies; ${detail}`);
});
