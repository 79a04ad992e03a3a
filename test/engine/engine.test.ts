// The Engine fed with real decoded packets (fixtures/session/loopback-web with its matched /proc,
// and fixtures/pcap/lo.pcap): direction and crediting between two local sockets, one count for a
// packet seen on two interfaces, ICMP in unknown.other, bytes held while pending and credited
// when the owner is found, and a TCP SYN on a finished flow queueing it again. Byte values are
// the IP lengths tcpdump -v prints for these packets (see fixtures/session/README.md).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCaptureFile } from '../../src/adapters/capture-file.js';
import { ProcFs } from '../../src/adapters/procfs.js';
import { resolveFully } from '../../src/cli/engine-setup.js';
import { PacketDecoder } from '../../src/core/decode/index.js';
import { Engine } from '../../src/core/engine/engine.js';
import { FLOW_PENDING, FLOW_RESOLVED, FLOW_UNKNOWN, type Flow } from '../../src/core/engine/flow.js';
import { readSocketTables } from '../../src/core/engine/tables.js';
import type { Snapshot } from '../../src/core/model.js';
import { DECODED_IP, DECODED_PORTS } from '../../src/core/packet.js';
import type { SocketEntry } from '../../src/core/proc/types.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SESSION = join(REPO, 'fixtures/session/loopback-web');
const PROC = join(SESSION, 'proc');

interface Frame {
  data: Buffer;
  caplen: number;
  tsMs: number;
  linkType: number;
  sport: number;
  dport: number;
  proto: number;
  ipLen: number;
  result: number;
}

/** Every frame of a capture, copied, with what the decoder says of it (for picking packets). */
function frames(file: string): Frame[] {
  const out: Frame[] = [];
  const d = new PacketDecoder();
  readCaptureFile(file, (buf, caplen, tsMs, linkType) => {
    const result = d.decode(buf, caplen, linkType, tsMs);
    const p = d.out;
    out.push({
      data: Buffer.from(buf.subarray(0, caplen)),
      caplen,
      tsMs,
      linkType,
      sport: p.sport,
      dport: p.dport,
      proto: p.proto,
      ipLen: p.ipLen,
      result,
    });
  });
  return out;
}

const SESSION_FRAMES = frames(join(SESSION, 'capture.pcap'));
const LO_FRAMES = frames(join(REPO, 'fixtures/pcap/lo.pcap'));

function makeEngine(interfaces = ['lo'], tables?: () => Iterable<SocketEntry>): { engine: Engine; pendingCalls: () => number } {
  const proc = new ProcFs(PROC, { passwdPath: join(PROC, 'etc-passwd') });
  let calls = 0;
  const engine = new Engine({
    proc,
    readTables: tables ?? (() => readSocketTables(proc)),
    interfaces,
    intervalMs: 1000,
    onPending: () => calls++,
  });
  engine.resolver.refreshTables();
  return { engine, pendingCalls: () => calls };
}

const decoder = new PacketDecoder();
function feed(engine: Engine, f: Frame, ifIndex = 0, tsMs = f.tsMs): void {
  const r = decoder.decode(f.data, f.caplen, f.linkType, tsMs);
  engine.packet(decoder.out, r, ifIndex, tsMs);
}

const flowsOf = (engine: Engine): Map<string, Flow> => new Map([...engine.flows.values()].map((f) => [`${f.lport}>${f.rport}`, f]));

const between =
  (a: number, b: number) =>
  (f: Frame): boolean =>
    (f.sport === a && f.dport === b) || (f.sport === b && f.dport === a);

const proc = (s: Snapshot, name: string) => s.processes.find((p) => p.name === name);

test("a packet between two local sockets: the sender's flow has it as sent, the receiver's as received", () => {
  const { engine } = makeEngine();
  // The first data segment of the upload: 127.0.0.1:41003 > 127.0.0.1:8081, IP length 32793.
  const pkt = SESSION_FRAMES.find((f) => f.sport === 41003 && f.ipLen > 1000)!;
  assert.equal(pkt.ipLen, 32793);
  feed(engine, pkt);
  const flows = flowsOf(engine);
  assert.equal(flows.size, 2);
  const sender = flows.get('41003>8081')!;
  const receiver = flows.get('8081>41003')!;
  assert.deepEqual([sender.sentTotal, sender.receivedTotal], [32793, 0]);
  assert.deepEqual([receiver.sentTotal, receiver.receivedTotal], [0, 32793]);
  assert.deepEqual([engine.counters.totalSent, engine.counters.totalReceived, engine.counters.packets], [32793, 32793, 1]);
  resolveFully(engine, pkt.tsMs);
  const s = engine.snapshot(pkt.tsMs + 1, 0);
  assert.deepEqual([proc(s, 'up-client')!.pid, proc(s, 'up-client')!.sent, proc(s, 'up-client')!.received], [13294, 32793, 0]);
  assert.deepEqual([proc(s, 'up-srv')!.pid, proc(s, 'up-srv')!.sent, proc(s, 'up-srv')!.received], [13227, 0, 32793]);
  assert.equal(s.processes.length, 2);
});

test('the same packet on two captured interfaces within the window counts once; later, twice', () => {
  const { engine } = makeEngine(['lo', 'br0']);
  const pkt = SESSION_FRAMES.find((f) => f.sport === 41003 && f.ipLen > 1000)!;
  feed(engine, pkt, 0, pkt.tsMs);
  feed(engine, pkt, 1, pkt.tsMs + 0.5);
  const sender = flowsOf(engine).get('41003>8081')!;
  assert.equal(sender.sentTotal, 32793);
  assert.deepEqual([engine.counters.packets, engine.counters.duplicates, engine.counters.totalSent], [1, 1, 32793]);
  feed(engine, pkt, 1, pkt.tsMs + 100); // outside the window: a new packet
  assert.equal(sender.sentTotal, 2 * 32793);
  assert.deepEqual([engine.counters.packets, engine.counters.duplicates], [2, 1]);
  // One interface: no de-duplication at all (a retransmission is traffic).
  const single = makeEngine(['lo']).engine;
  feed(single, pkt, 0, pkt.tsMs);
  feed(single, pkt, 0, pkt.tsMs + 0.5);
  assert.deepEqual([single.counters.packets, single.counters.duplicates, flowsOf(single).get('41003>8081')!.sentTotal], [2, 0, 2 * 32793]);
});

test('ICMP goes to unknown.other; TCP/UDP flows without any socket give up into unknown tcp/udp', () => {
  // lo.pcap was recorded against other processes: none of its ports are in this /proc.
  const { engine } = makeEngine();
  for (const f of LO_FRAMES) feed(engine, f);
  const icmp = LO_FRAMES.filter((f) => f.result === DECODED_IP);
  assert.deepEqual(
    icmp.map((f) => [f.proto, f.ipLen]),
    [
      [1, 84],
      [1, 84],
      [58, 104],
      [58, 104],
    ],
  );
  const last = LO_FRAMES.at(-1)!.tsMs;
  resolveFully(engine, last);
  const s = engine.snapshot(last, 0);
  // test/fixtures-tools/pcap-flow-sums.py fixtures/pcap/lo.pcap: ICMP 168 + ICMPv6 208; TCP
  // 1320 + 3216 + 1440 + 3296; UDP 128 + 3028 + 228 + 148 + 3048 + 156 + 156 + 248 * 3.
  const want = (n: number) => ({ sent: n, received: n, sentTotal: n, receivedTotal: n });
  assert.deepEqual(s.unknown.byProto.other, want(376));
  assert.deepEqual(s.unknown.byProto.tcp, want(9272));
  assert.deepEqual(s.unknown.byProto.udp, want(7636));
  assert.deepEqual([s.totals.sentTotal, s.totals.receivedTotal], [17284, 17284]);
  assert.equal(s.processes.length, 0);
  assert.equal(s.pendingBytes, 0);
  assert.ok([...engine.flows.values()].every((f) => f.status === FLOW_UNKNOWN));
});

test('bytes wait on a pending flow and are credited, all of them, once its owner is found', () => {
  let tablesReady = false;
  const fs = new ProcFs(PROC);
  const { engine } = makeEngine(['lo'], () => (tablesReady ? readSocketTables(fs) : []));
  const conn = SESSION_FRAMES.filter(between(41001, 8080));
  assert.equal(conn.length, 12);
  for (const f of conn) feed(engine, f);
  const t = conn.at(-1)!.tsMs;
  // No table read yet has this connection: nothing is decided, the bytes are held.
  const held = engine.snapshot(t, 0);
  assert.equal(held.pendingBytes, 2 * (361 + 150363));
  assert.deepEqual([held.processes.length, held.unknown.sentTotal, held.totals.sentTotal], [0, 0, 150724]);
  // The next interval's table read finds the sockets: everything held is credited in it.
  tablesReady = true;
  resolveFully(engine, t + 1000);
  const s = engine.snapshot(t + 1000, 0);
  assert.equal(s.pendingBytes, 0);
  assert.deepEqual([proc(s, 'dl-client-1')!.sent, proc(s, 'dl-client-1')!.received], [361, 150363]);
  assert.deepEqual([proc(s, 'web-srv')!.sent, proc(s, 'web-srv')!.received], [150363, 361]);
  assert.deepEqual([s.totals.sent, s.totals.sentTotal], [0, 150724], 'the totals counted them when they arrived');
});

test('a TCP SYN on a finished flow queues it again; other segments do not', () => {
  const { engine, pendingCalls } = makeEngine();
  const conn = SESSION_FRAMES.filter(between(41001, 8080));
  for (const f of conn) feed(engine, f);
  assert.equal(pendingCalls(), 2, 'one call per new flow');
  const t = conn.at(-1)!.tsMs;
  resolveFully(engine, t);
  engine.snapshot(t, 0);
  const flows = flowsOf(engine);
  const client = flows.get('41001>8080')!;
  const server = flows.get('8080>41001')!;
  assert.deepEqual([client.status, client.owner?.pid, server.status, server.owner?.pid], [FLOW_RESOLVED, 13269, FLOW_RESOLVED, 13217]);
  // A SYN-ACK or a plain ACK on a known flow changes nothing.
  const [syn, synAck, ack] = conn as [Frame, Frame, Frame];
  feed(engine, synAck, 0, t + 10);
  feed(engine, ack, 0, t + 11);
  assert.deepEqual([pendingCalls(), client.status, server.status, engine.resolver.pendingCount], [2, FLOW_RESOLVED, FLOW_RESOLVED, 0]);
  // The same 4-tuple opening again (port reuse): both sides' owners are looked up afresh.
  feed(engine, syn, 0, t + 20);
  assert.deepEqual([pendingCalls(), client.status, server.status, engine.resolver.pendingCount], [4, FLOW_PENDING, FLOW_PENDING, 2]);
  const held = engine.snapshot(t + 30, 0);
  assert.equal(held.pendingBytes, 60 + 60 + 52 + 52 + 60 + 60, 'the SYN-ACK, ACK and SYN on both sides, held');
  resolveFully(engine, t + 1000);
  const s = engine.snapshot(t + 1000, 0);
  assert.deepEqual([client.status, client.owner?.pid, server.owner?.pid], [FLOW_RESOLVED, 13269, 13217]);
  assert.deepEqual([proc(s, 'dl-client-1')!.sentTotal, proc(s, 'dl-client-1')!.receivedTotal], [361 + 52 + 60, 150363 + 60]);
});

test('the whole session through one engine matches the per-process totals of the replay', () => {
  const { engine } = makeEngine();
  for (const f of SESSION_FRAMES) feed(engine, f);
  assert.ok(SESSION_FRAMES.every((f) => f.result === DECODED_PORTS));
  const t = SESSION_FRAMES.at(-1)!.tsMs;
  resolveFully(engine, t);
  const s = engine.snapshot(t, 0);
  const rows = s.processes.map((p) => `${p.name} ${p.sentTotal}/${p.receivedTotal}`).sort();
  assert.deepEqual(rows, [
    'dl-client-1 361/150363',
    'dl-client-2 413/150363',
    'udp-client 896/2996',
    'udp-srv 2996/896',
    'up-client 200476/375',
    'up-srv 375/200476',
    'v6-client 40728/40440',
    'v6-echo-srv 40440/40728',
    'web-srv 361088/1134',
  ]);
  assert.deepEqual([s.unknown.byProto.tcp.sentTotal, s.unknown.byProto.tcp.receivedTotal], [360, 60362]);
  // 6 conversations x 2 sides = 12 flows; the gone client's side is the one not resolved.
  assert.equal(engine.flows.size, 12);
  assert.equal(engine.resolvedFlows().length, 11);
  assert.deepEqual(
    [...engine.flows.values()].filter((f) => f.status === FLOW_UNKNOWN).map((f) => `${f.lport}>${f.rport}`),
    ['41005>8080'],
  );
});

test("a re-opened 4-tuple whose new owner is never found leaves the previous owner's connection list", () => {
  let tablesReady = true;
  const fs = new ProcFs(PROC);
  const { engine } = makeEngine(['lo'], () => (tablesReady ? readSocketTables(fs) : []));
  const conn = SESSION_FRAMES.filter(between(41001, 8080));
  for (const f of conn) feed(engine, f);
  const t = conn.at(-1)!.tsMs;
  resolveFully(engine, t);
  engine.snapshot(t, 0);
  // The port is reused by a process that is gone before any table read sees its socket.
  tablesReady = false;
  feed(engine, conn[0]!, 0, t + 20); // SYN, 60 bytes each side
  resolveFully(engine, t + 1000);
  const s = engine.snapshot(t + 1000, 0);
  assert.deepEqual([s.unknown.sent, s.unknown.received], [60, 60]);
  const dl = proc(s, 'dl-client-1')!;
  assert.deepEqual([dl.sentTotal, dl.receivedTotal, dl.sent], [361, 150363, 0]);
  // Its connections must not show the 60 bytes that went to unknown (the old connection may
  // stay listed with its own 361 bytes, or be dropped).
  assert.equal(
    dl.connections.reduce((a, c) => a + c.sent, 0),
    0,
  );
  assert.ok(dl.connections.reduce((a, c) => a + c.sentTotal, 0) <= 361);
});
