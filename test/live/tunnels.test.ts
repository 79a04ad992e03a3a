// Tunnel encapsulation on the host's interfaces. The host has a VXLAN device on top of a veth to
// an "underlay" namespace that stands for the remote machine: the other tunnel end is made there
// (its kernel socket stays in that namespace, where no process runs, so to bwtop it is a remote
// address, as a real remote machine would be) and then moved into a "server" namespace, where an
// iperf3 server listens on the tunnel's inner address. The host's iperf3 client talks to it
// through the tunnel. bwtop (on the host, default interfaces) must credit the inner packets (seen
// on the tunnel device) to both iperf3 processes exactly, and the outer UDP packets (seen on the
// veth) to the tunnel's own conversation "vxlan:<device>", exactly, nothing of it to unknown.
// WireGuard the same way where the kernel has the module and the `wg` tool is installed.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
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
  waitFor,
  type Netns,
} from './harness.js';
import { bytesOf, iperfClient, iperfServer, onCleanup, run, shortId, vethInto } from './mini-host.js';

afterEach(killAll);

interface Tunnel {
  server: Netns;
  device: string;
  underlay: string;
  serverAddr: string;
  hostUnder: string;
  outerPort: number;
}

/**
 * No IPv6 on a tunnel device: its router solicitations and listener reports, sent seconds after it
 * comes up, would cross the tunnel whenever they please, outside the references' captures.
 */
function quiet(ns: Netns | undefined, device: string): void {
  const [cmd, args] = inNs(ns, 'sysctl', ['-qw', `net.ipv6.conf.${device}.disable_ipv6=1`]);
  run(cmd, ...args);
}

/** The underlay: a veth from the host (10.x.0.1) to a namespace with no process (10.x.0.2). */
function underlay(prefix: string, net: number, id: string): { far: Netns; end: string } {
  const far = createNetns(`bwtop-${prefix}-far`);
  onCleanup(far.remove);
  const end = `bw${prefix[0]}u${id}`;
  vethInto(far, end, `10.${net}.0.1/24`, `10.${net}.0.2/24`);
  return { far, end };
}

function buildVxlan(): Tunnel {
  const id = shortId();
  const { far, end } = underlay('vx', 205, id);
  const server = createNetns('bwtop-vx-srv');
  onCleanup(server.remove);
  const device = `bwvx${id}`;
  run(
    'ip',
    'link',
    'add',
    device,
    'type',
    'vxlan',
    'id',
    '42',
    'remote',
    '10.205.0.2',
    'local',
    '10.205.0.1',
    'dstport',
    '4789',
    'dev',
    end,
  );
  onCleanup(() => run('ip', 'link', 'del', device));
  quiet(undefined, device);
  run('ip', 'addr', 'add', '10.206.0.1/24', 'dev', device);
  run('ip', 'link', 'set', device, 'up');
  // The far end: made in the underlay namespace (its UDP socket stays there), used in the server's.
  run(
    'ip',
    '-n',
    far.name,
    'link',
    'add',
    'vx0',
    'type',
    'vxlan',
    'id',
    '42',
    'remote',
    '10.205.0.1',
    'local',
    '10.205.0.2',
    'dstport',
    '4789',
    'dev',
    'eth0',
  );
  run('ip', '-n', far.name, 'link', 'set', 'vx0', 'netns', server.name);
  quiet(server, 'vx0');
  run('ip', '-n', server.name, 'addr', 'add', '10.206.0.2/24', 'dev', 'vx0');
  run('ip', '-n', server.name, 'link', 'set', 'vx0', 'up');
  return { server, device, underlay: end, serverAddr: '10.206.0.2', hostUnder: '10.205.0.1', outerPort: 4789 };
}

/** Why WireGuard cannot be tried here, or null when it can. */
function wireGuardMissing(): string | null {
  const probe = `bwwgprobe${shortId()}`;
  const r = spawnSync('ip', ['link', 'add', probe, 'type', 'wireguard'], { encoding: 'utf8' });
  if (r.status !== 0) return `the kernel has no WireGuard (ip link add type wireguard: ${r.stderr.trim()})`;
  spawnSync('ip', ['link', 'del', probe]);
  if (spawnSync('wg', ['--version']).status !== 0) return 'the wg tool is not installed (keys cannot be set)';
  return null;
}

function buildWireGuard(): Tunnel {
  const id = shortId();
  const { far, end } = underlay('wg', 207, id);
  const server = createNetns('bwtop-wg-srv');
  onCleanup(server.remove);
  const key = (): { priv: string; pub: string } => {
    const priv = spawnSync('wg', ['genkey'], { encoding: 'utf8' }).stdout.trim();
    const pub = spawnSync('wg', ['pubkey'], { input: priv, encoding: 'utf8' }).stdout.trim();
    return { priv, pub };
  };
  const [a, b] = [key(), key()];
  const dir = tmp('bwtop-wg-');
  const keyFile = (k: { priv: string }, name: string): string => {
    const f = join(dir, name);
    spawnSync('sh', ['-c', `umask 077; cat > ${f}`], { input: k.priv });
    return f;
  };
  const device = `bwwg${id}`;
  run('ip', 'link', 'add', device, 'type', 'wireguard');
  onCleanup(() => run('ip', 'link', 'del', device));
  run(
    'wg',
    'set',
    device,
    'listen-port',
    '51820',
    'private-key',
    keyFile(a, 'a'),
    'peer',
    b.pub,
    'allowed-ips',
    '10.208.0.2/32',
    'endpoint',
    '10.207.0.2:51821',
  );
  quiet(undefined, device);
  run('ip', 'addr', 'add', '10.208.0.1/24', 'dev', device);
  run('ip', 'link', 'set', device, 'up');
  run('ip', '-n', far.name, 'link', 'add', 'wg0', 'type', 'wireguard');
  run(
    'ip',
    'netns',
    'exec',
    far.name,
    'wg',
    'set',
    'wg0',
    'listen-port',
    '51821',
    'private-key',
    keyFile(b, 'b'),
    'peer',
    a.pub,
    'allowed-ips',
    '10.208.0.1/32',
    'endpoint',
    '10.207.0.1:51820',
  );
  run('ip', '-n', far.name, 'link', 'set', 'wg0', 'netns', server.name);
  quiet(server, 'wg0');
  run('ip', '-n', server.name, 'addr', 'add', '10.208.0.2/24', 'dev', 'wg0');
  run('ip', '-n', server.name, 'link', 'set', 'wg0', 'up');
  return { server, device, underlay: end, serverAddr: '10.208.0.2', hostUnder: '10.207.0.1', outerPort: 51820 };
}

interface Row {
  pid: number;
  name: string;
  sent_total: number;
  received_total: number;
  connections: { local: string; remote: string }[];
}
interface Totals {
  sent_total: number;
  received_total: number;
}

async function tryTunnel(kind: 'vxlan' | 'wireguard', t: Tunnel): Promise<void> {
  const dir = tmp(`bwtop-${kind}-`);
  const caps = { inner: join(dir, 'inner.pcap'), server: join(dir, 'server.pcap'), outer: join(dir, 'outer.pcap') };
  const innerDev = kind === 'vxlan' ? 'vx0' : 'wg0';
  const dumps = [
    await startTcpdump(caps.inner, 'tcp port 5501', undefined, t.device),
    await startTcpdump(caps.server, 'tcp port 5501', t.server, innerDev),
    await startTcpdump(caps.outer, `udp port ${t.outerPort}`, undefined, t.underlay),
  ];
  const bw = await startBwtop(['-d', '0.5']);
  await sleep(1000);
  const before = bw.lines().at(-1)! as unknown as { unknown: Totals };
  const server = iperfServer(t.server, t.serverAddr, 5501);
  await waitFor(server, 'stdout', /Server listening/);
  const client = iperfClient(undefined, t.serverAddr, 5501, '20M');
  assert.equal(await exited(client), 0, `iperf3 through the ${kind} tunnel failed`);
  await exited(server);
  for (const td of dumps) await stopTcpdump(td);
  await sleep(1500); // two more refreshes so the last bytes are reported
  bw.child.kill('SIGTERM');
  assert.equal(await exited(bw.child), 0);

  const last = bw.lines().at(-1)! as unknown as {
    processes: Row[];
    unknown: Totals;
    tunnels: Array<{ name: string } & Totals>;
    capture: { dropped: number };
  };
  assert.equal(last.capture.dropped, 0, 'the capture dropped packets (a machine too busy to keep up): the totals cannot match');
  const inner = bytesOf(caps.inner, 5501);
  const atServer = bytesOf(caps.server, 5501);
  const outer = tcpdumpPackets(caps.outer);
  // (tcpdump -v also prints each VXLAN packet's inner packet: only the underlay's addresses count.)
  const sum = (f: (p: (typeof outer)[number]) => boolean): number => outer.filter(f).reduce((s, p) => s + p.len, 0);
  const outerSent = sum((p) => p.src === t.hostUnder);
  const outerReceived = sum((p) => p.dst === t.hostUnder);
  const row = (p: ChildProcess): Row | undefined => last.processes.find((x) => x.pid === p.pid);
  const tunnel = last.tunnels.find((x) => x.name === `${kind}:${t.device}`);
  const unknown = last.unknown.sent_total + last.unknown.received_total - before.unknown.sent_total - before.unknown.received_total;
  const detail =
    `client sent ${row(client)?.sent_total}/${inner.to} received ${row(client)?.received_total}/${inner.from}; ` +
    `server sent ${row(server)?.sent_total}/${atServer.from} received ${row(server)?.received_total}/${atServer.to}; ` +
    `tunnels ${JSON.stringify(last.tunnels)} outer sent ${outerSent} received ${outerReceived}; unknown +${unknown}`;
  process.stdout.write(`# ${kind}: ${detail}\n`);
  assert.ok(inner.to > 1_000_000 && outerSent > inner.to, `the reference saw too little; ${detail}`);
  for (const [what, p, sent, received] of [
    ['client on the host', client, inner.to, inner.from],
    ['server behind the tunnel', server, atServer.from, atServer.to],
  ] as const) {
    const r = row(p);
    assert.ok(r, `${what}: pid ${p.pid} missing; ${detail}`);
    assert.equal(r.sent_total, sent, `${what} sent; ${detail}`);
    assert.equal(r.received_total, received, `${what} received; ${detail}`);
  }
  assert.ok(tunnel, `no tunnel conversation ${kind}:${t.device}; ${detail}`);
  assert.equal(tunnel.sent_total, outerSent, `tunnel sent; ${detail}`);
  assert.equal(tunnel.received_total, outerReceived, `tunnel received; ${detail}`);
  // No process got the outer packets, and unknown grew by neighbour discovery and the like at most.
  for (const r of last.processes)
    for (const c of r.connections)
      assert.ok(!c.local.endsWith(`:${t.outerPort}`) && !c.remote.endsWith(`:${t.outerPort}`), `${r.name} has ${c.local}; ${detail}`);
  assert.ok(unknown < 0.01 * (outerSent + outerReceived), `unknown grew by ${unknown}; ${detail}`);
}

test('VXLAN: inner packets credited to their processes, the outer ones to the tunnel "vxlan:<device>", none unknown', {
  skip: SKIP,
  timeout: 120_000,
}, async () => {
  await tryTunnel('vxlan', buildVxlan());
});

test('WireGuard: the same, as "wireguard:<device>"', { skip: SKIP, timeout: 120_000 }, async (t) => {
  const missing = wireGuardMissing();
  if (missing) {
    process.stdout.write(`# WireGuard not tried: ${missing}\n`);
    t.skip(missing);
    return;
  }
  await tryTunnel('wireguard', buildWireGuard());
});
