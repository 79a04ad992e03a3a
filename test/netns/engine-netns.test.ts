// The engine across network namespaces, over a procfs-shaped directory holding the text this
// kernel writes (fib_trie of each namespace, /proc/net/tcp rows, nf_conntrack recorded from a
// MASQUERADE between namespaces: fixtures/netns) and the packets of a miniature Docker host:
// c1 (10.61.0.2, netns 200) on the host's bridge (10.61.0.1) connects to a server in "outside"
// (10.62.0.2, netns 300) through the host's uplink (10.62.0.1), MASQUERADEd; the host connects to
// a server in c1. Each socket end is credited once, in its own namespace; the copies on the
// uplink and before translation go to nobody (nat_copies), none to unknown.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcFs } from '../../src/adapters/procfs.js';
import { resolveFully } from '../../src/cli/engine-setup.js';
import { parseAddress } from '../../src/core/engine/address.js';
import { Engine } from '../../src/core/engine/engine.js';
import { FLOW_NAT } from '../../src/core/engine/flow.js';
import { ProcessCensus } from '../../src/core/engine/process-census.js';
import { readSocketTables } from '../../src/core/engine/tables.js';
import { DECODED_PORTS, PacketInfo, PROTO_TCP } from '../../src/core/packet.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = join(REPO, 'fixtures/netns');
const root = mkdtempSync(join(tmpdir(), 'bwtop-netns-engine-'));
after(() => rmSync(root, { recursive: true, force: true }));

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const hex = (a: string, port: number): string =>
  `${a
    .split('.')
    .reverse()
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
type Row = [local: string, lport: number, remote: string, rport: number, state: '01' | '0A', inode: number];
const table = (rows: Row[]): string =>
  HEADER +
  rows
    .map(
      ([l, lp, r, rp, st, ino], i) =>
        `   ${i}: ${hex(l, lp)} ${hex(r, rp)} ${st} 00000000:00000000 00:00000000 00000000     0        0 ${ino} 1 0 100 0 0 10 0\n`,
    )
    .join('');
/** The recorded fib_trie of a namespace with 10.31.0.2, moved to `addr`. */
const fibTrie = (addr: string): string =>
  readFileSync(join(FIX, 'fib_trie'), 'latin1')
    .replaceAll('10.31.0.', `${addr.split('.').slice(0, 3).join('.')}.`)
    .replace(/\.2\n/, `.${addr.split('.')[3]}\n`);

function netDir(dir: string, tcp: Row[], extra: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tcp'), table(tcp));
  for (const t of ['tcp6', 'udp', 'udp6']) writeFileSync(join(dir, t), HEADER);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
}

function proc(pid: number, name: string, netns: number, inodes: number[], net?: { tcp: Row[]; addr: string }): void {
  const d = join(root, String(pid));
  mkdirSync(join(d, 'fd'), { recursive: true });
  mkdirSync(join(d, 'ns'));
  symlinkSync(`net:[${netns}]`, join(d, 'ns', 'net'));
  inodes.forEach((ino, i) => symlinkSync(`socket:[${ino}]`, join(d, 'fd', String(i + 3))));
  writeFileSync(
    join(d, 'stat'),
    `${pid} (${name}) S 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${1000 + pid} 16056320 2682 0\n`,
  );
  writeFileSync(join(d, 'status'), `Name:\t${name}\nUid:\t0\t0\t0\t0\n`);
  writeFileSync(join(d, 'cmdline'), `${name}\0`);
  if (net) netDir(join(d, 'net'), net.tcp, { fib_trie: fibTrie(net.addr), if_inet6: '' });
}

// bwtop's own namespace (100): the host client 10 of the server 21 in c1.
mkdirSync(join(root, 'self', 'ns'), { recursive: true });
symlinkSync('net:[100]', join(root, 'self', 'ns', 'net'));
netDir(join(root, 'net'), [['10.61.0.1', 40000, '10.61.0.2', 5202, '01', 1001]], {
  nf_conntrack: readFileSync(join(FIX, 'nf_conntrack'), 'latin1'),
});
proc(10, 'iperf3-host', 100, [1001]);
const C1: Row[] = [
  ['10.61.0.2', 57500, '10.62.0.2', 8000, '01', 2001],
  ['10.61.0.2', 5202, '0.0.0.0', 0, '0A', 2002],
  ['10.61.0.2', 5202, '10.61.0.1', 40000, '01', 2003],
];
proc(20, 'client-c1', 200, [2001], { tcp: C1, addr: '10.61.0.2' });
proc(21, 'server-c1', 200, [2002, 2003], { tcp: C1, addr: '10.61.0.2' });
const OUT: Row[] = [
  ['0.0.0.0', 8000, '0.0.0.0', 0, '0A', 3001],
  ['10.62.0.2', 8000, '10.62.0.1', 57500, '01', 3002],
];
proc(30, 'server-out', 300, [3001, 3002], { tcp: OUT, addr: '10.62.0.2' });

const T = 1_700_000_000_000;
let fp = 1;
function send(e: Engine, src: string, sport: number, dst: string, dport: number, len: number, ifIndexes = [0]): void {
  const p = new PacketInfo();
  const s = parseAddress(src)!.words;
  const d = parseAddress(dst)!.words;
  Object.assign(p, { family: 4, proto: PROTO_TCP, s3: s[3], d3: d[3], sport, dport, ipLen: len, tcpFlags: 16, fingerprint: fp++ });
  for (const i of ifIndexes) e.packet(p, DECODED_PORTS, i, T);
}

test('miniature Docker host: each end credited once in its own namespace, NAT copies to nobody', () => {
  const procfs = new ProcFs(root, { passwdPath: join(REPO, 'fixtures/proc/loopback-mix/etc-passwd') });
  const e = new Engine({
    proc: procfs,
    readTables: (t) => readSocketTables(procfs, t),
    interfaces: ['br', 'veth', 'vo'],
    intervalMs: 1000,
  });
  e.local.set(['10.61.0.1', '10.62.0.1']);
  e.watchNamespaces(T);
  assert.deepEqual(
    [...e.netns.all()].map((n) => [n.inode, n.addresses]),
    [
      [200, ['10.61.0.2', '127.0.0.1']],
      [300, ['10.62.0.2', '127.0.0.1']],
    ],
  );
  // c1 -> outside: on the veth and the bridge (one packet, two interfaces), then MASQUERADEd on the uplink.
  send(e, '10.61.0.2', 57500, '10.62.0.2', 8000, 1000, [1, 0]);
  send(e, '10.62.0.1', 57500, '10.62.0.2', 8000, 1000, [2]);
  // The answer: on the uplink, then translated back towards c1.
  send(e, '10.62.0.2', 8000, '10.62.0.1', 57500, 100, [2]);
  send(e, '10.62.0.2', 8000, '10.61.0.2', 57500, 100, [0, 1]);
  // host -> server in c1, and back: no translation.
  send(e, '10.61.0.1', 40000, '10.61.0.2', 5202, 700, [0, 1]);
  send(e, '10.61.0.2', 5202, '10.61.0.1', 40000, 70, [1, 0]);
  resolveFully(e, T + 10);
  const s = e.snapshot(T + 1000, 0);
  const by = Object.fromEntries(s.processes.map((p) => [p.name, [p.sentTotal, p.receivedTotal, p.netns]]));
  assert.deepEqual(by, {
    'client-c1': [1000, 100, 200],
    'server-out': [100, 1000, 300],
    'iperf3-host': [700, 70, 100],
    'server-c1': [70, 700, 200],
  });
  assert.equal(s.unknown.sentTotal + s.unknown.receivedTotal, 0, JSON.stringify(s.unknown));
  assert.equal(s.pendingBytes, 0);
  assert.deepEqual(s.natCopies, { sent: 1100, received: 1100, sentTotal: 1100, receivedTotal: 1100 });
  assert.equal(s.capture.duplicates, 4);
  // Every byte once as sent and once as received, like loopback; the copies are out of the totals.
  assert.equal(s.totals.sentTotal, 1870);
  assert.equal(s.totals.receivedTotal, 1870);
  assert.equal([...e.flows.values()].filter((f) => f.status === FLOW_NAT).length, 2);
});

test('without connection tracking the copies are the host’s unknown bytes, and namespaces still credit their own', () => {
  const procfs = new ProcFs(root, { passwdPath: join(REPO, 'fixtures/proc/loopback-mix/etc-passwd') });
  procfs.readConntrack = () => null;
  const e = new Engine({ proc: procfs, readTables: (t) => readSocketTables(procfs, t), interfaces: ['vo'], intervalMs: 1000 });
  e.local.set(['10.61.0.1', '10.62.0.1']);
  e.watchNamespaces(T);
  send(e, '10.62.0.1', 57500, '10.62.0.2', 8000, 1000);
  resolveFully(e, T + 10);
  const s = e.snapshot(T + 1000, 0);
  assert.equal(s.unknown.sentTotal, 1000);
  assert.deepEqual(
    s.processes.map((p) => [p.name, p.receivedTotal]),
    [['server-out', 1000]],
  );
});

test('a young process proves only flows of its own namespace', () => {
  const c = new ProcessCensus();
  c.born(50, 1, T);
  c.record(50, [9001], T + 1, () => false, 200);
  c.exited(50, T + 5);
  const fits = (netns: number): number[] => [...c.candidates(T, 'k', 'p', () => false, netns).fitting];
  assert.deepEqual(fits(200), [50]);
  assert.deepEqual(fits(0), [], 'bwtop’s own namespace');
  assert.deepEqual(fits(300), []);
});

test('a socket seen before the process entered the namespace proves nothing there (ip netns exec: fork, setns, exec)', () => {
  const c = new ProcessCensus();
  c.born(60, 1, T);
  c.record(60, [9100], T + 1, () => false, 0); // ip's netlink socket, opened in bwtop's namespace
  c.born(60, 0, T + 2); // exec: now in namespace 200
  c.record(60, [], T + 3, () => false, 200);
  c.exited(60, T + 5);
  assert.deepEqual([...c.candidates(T, 'k', 'p', () => false, 200).fitting], []);
});
