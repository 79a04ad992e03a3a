// A miniature Docker host, as a user would try bwtop on one: two "container" namespaces c1 and c2
// on a bridge of the host (10.201.0.1/24), a third "outside" namespace behind another veth
// (10.202.0.0/24), reached from the bridge through an iptables MASQUERADE rule. bwtop runs in the
// host's namespace with its default interfaces. iperf3 runs c1 -> outside (translated on the
// way), c2 -> c1 (container to container on the bridge) and host -> a server in c1. Every
// process's sent and received must be within 1% of what tcpdump saw inside its own namespace, the
// processes in the namespaces named by their `ip netns` name, and `unknown` must grow by less than
// 2% of the traffic (the translated copies on the uplink are nat_copies, nobody's).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  SKIP,
  createNetns,
  exited,
  killAll,
  sleep,
  startBwtop,
  startTcpdump,
  stopTcpdump,
  tmp,
  waitFor,
  within,
  type Netns,
} from './harness.js';
import {
  bytesOf,
  forwardingOn,
  iperfClient as client,
  iperfServer as server,
  iptables,
  onCleanup,
  run,
  shortId,
  vethInto,
} from './mini-host.js';

afterEach(killAll);

interface Host {
  c1: Netns;
  c2: Netns;
  out: Netns;
  bridge: string;
}

function build(): Host {
  const id = shortId();
  const tag = `bwtop-containers-${id}`;
  const c1 = createNetns('bwtop-c1');
  onCleanup(c1.remove);
  const c2 = createNetns('bwtop-c2');
  onCleanup(c2.remove);
  const out = createNetns('bwtop-out');
  onCleanup(out.remove);
  const bridge = `bwb${id}`;
  run('ip', 'link', 'add', bridge, 'type', 'bridge');
  onCleanup(() => run('ip', 'link', 'del', bridge));
  run('ip', 'addr', 'add', '10.201.0.1/24', 'dev', bridge);
  run('ip', 'link', 'set', bridge, 'up');
  // Each veth's host end; deleting the namespace deletes its pair.
  for (const [ns, end, addr] of [
    [c1, `bw1${id}`, '10.201.0.2/24'],
    [c2, `bw2${id}`, '10.201.0.3/24'],
  ] as const) {
    vethInto(ns, end, null, addr);
    run('ip', 'link', 'set', end, 'master', bridge);
    run('ip', '-n', ns.name, 'route', 'add', 'default', 'via', '10.201.0.1');
  }
  const uplink = `bwo${id}`;
  vethInto(out, uplink, '10.202.0.1/24', '10.202.0.2/24');
  // Routing through the host, as on a Docker host: forwarding on (put back as it was), forwarding
  // allowed whatever the FORWARD policy, and the containers' subnet MASQUERADEd to the uplink.
  forwardingOn();
  iptables(tag, [
    ['-t', 'nat', 'POSTROUTING', '-s', '10.201.0.0/24', '-o', uplink, '-j', 'MASQUERADE'],
    ['-t', 'filter', 'FORWARD', '-i', bridge, '-j', 'ACCEPT'],
    ['-t', 'filter', 'FORWARD', '-o', bridge, '-j', 'ACCEPT'],
  ]);
  return { c1, c2, out, bridge };
}

interface Row {
  pid: number;
  name: string;
  container: string | null;
  sent_total: number;
  received_total: number;
}

test('miniature Docker host: processes in namespaces credited once per socket end, NAT copies to nobody', {
  skip: SKIP,
  timeout: 120_000,
}, async () => {
  const h = build();
  const dir = tmp('bwtop-containers-');
  const caps = { c1: join(dir, 'c1.pcap'), c2: join(dir, 'c2.pcap'), out: join(dir, 'out.pcap'), host: join(dir, 'host.pcap') };
  const dumps = [
    await startTcpdump(caps.c1, 'tcp', h.c1, 'eth0'),
    await startTcpdump(caps.c2, 'tcp', h.c2, 'eth0'),
    await startTcpdump(caps.out, 'tcp', h.out, 'eth0'),
    await startTcpdump(caps.host, 'tcp port 5402', undefined, h.bridge),
  ];
  const bw = await startBwtop(['-d', '0.5']);
  await sleep(1000);
  const before = bw.lines().at(-1)!.unknown as { sent_total: number; received_total: number };

  // c1 -> outside, translated on the uplink.
  const outServer = server(h.out, '10.202.0.2', 5401);
  await waitFor(outServer, 'stdout', /Server listening/);
  const c1Client = client(h.c1, '10.202.0.2', 5401);
  assert.equal(await exited(c1Client), 0, 'iperf3 c1 -> outside failed');
  // host -> a server in c1.
  const c1Server = server(h.c1, '10.201.0.2', 5402);
  await waitFor(c1Server, 'stdout', /Server listening/);
  const hostClient = client(undefined, '10.201.0.2', 5402);
  assert.equal(await exited(hostClient), 0, 'iperf3 host -> c1 failed');
  // c2 -> c1, container to container over the bridge.
  const c1Server2 = server(h.c1, '10.201.0.2', 5403);
  await waitFor(c1Server2, 'stdout', /Server listening/);
  const c2Client = client(h.c2, '10.201.0.2', 5403);
  assert.equal(await exited(c2Client), 0, 'iperf3 c2 -> c1 failed');
  for (const s of [outServer, c1Server, c1Server2]) await exited(s);
  for (const td of dumps) await stopTcpdump(td);
  await sleep(1500); // two more refreshes so the last bytes are reported
  bw.child.kill('SIGTERM');
  assert.equal(await exited(bw.child), 0);

  const last = bw.lines().at(-1)! as unknown as {
    processes: Row[];
    unknown: { sent_total: number; received_total: number };
    nat_copies: { sent_total: number; received_total: number };
    capture: { dropped: number };
  };
  assert.equal(last.capture.dropped, 0, 'the capture dropped packets (a machine too busy to keep up): the totals cannot match');
  const row = (p: ChildProcess): Row => {
    const r = last.processes.find((x) => x.pid === p.pid);
    assert.ok(r, `pid ${p.pid} missing: ${JSON.stringify(last.processes.map((x) => [x.pid, x.name, x.container]))}`);
    return r;
  };
  const seen = { c1: [5401, 5402, 5403], c2: [5403], out: [5401], host: [5402] } as const;
  const ref = Object.fromEntries(
    Object.entries(seen).map(([k, ports]) => [k, Object.fromEntries(ports.map((p) => [p, bytesOf(caps[k as keyof typeof caps], p)]))]),
  ) as Record<keyof typeof seen, Record<number, { to: number; from: number; packets: number }>>;
  // [process, its namespace's name (null: the host), reference sent, reference received]
  const cases: Array<[string, ChildProcess, string | null, number, number]> = [
    ['c1 client -> outside', c1Client, h.c1.name, ref.c1[5401]!.to, ref.c1[5401]!.from],
    ['outside server', outServer, h.out.name, ref.out[5401]!.from, ref.out[5401]!.to],
    ['host client -> c1', hostClient, null, ref.host[5402]!.to, ref.host[5402]!.from],
    ['c1 server of the host', c1Server, h.c1.name, ref.c1[5402]!.from, ref.c1[5402]!.to],
    ['c2 client -> c1', c2Client, h.c2.name, ref.c2[5403]!.to, ref.c2[5403]!.from],
    ['c1 server of c2', c1Server2, h.c1.name, ref.c1[5403]!.from, ref.c1[5403]!.to],
  ];
  const report: string[] = [];
  let traffic = 0;
  for (const [what, p, , sent, received] of cases) {
    const r = row(p);
    report.push(`${what}: sent ${r.sent_total}/${sent} received ${r.received_total}/${received} container ${r.container}`);
    traffic += sent + received;
  }
  const detail = report.join('; ');
  for (const [what, p, container, sent, received] of cases) {
    const r = row(p);
    assert.ok(Math.max(sent, received) > 1_000_000 && Math.min(sent, received) > 1_000, `${what}: the reference saw too little; ${detail}`);
    assert.equal(r.name, 'iperf3', `${what}: ${detail}`);
    assert.equal(r.container, container, `${what}: container; ${detail}`);
    assert.ok(within(r.sent_total, sent, 0.01), `${what} sent: ${detail}`);
    assert.ok(within(r.received_total, received, 0.01), `${what} received: ${detail}`);
  }
  const unknown = last.unknown.sent_total + last.unknown.received_total - before.sent_total - before.received_total;
  assert.ok(unknown < 0.02 * traffic, `unknown grew by ${unknown} bytes for ${traffic} bytes of traffic; ${detail}`);
  // The uplink's translated copies: as many bytes as the c1 -> outside conversation, nobody's.
  const copies = last.nat_copies.sent_total;
  assert.ok(within(copies, ref.c1[5401]!.to + ref.c1[5401]!.from, 0.01), `nat_copies ${copies}; ${detail}`);
  process.stdout.write(`# ${detail}; unknown +${unknown}; nat_copies ${copies}\n`);
});
