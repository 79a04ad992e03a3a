// A replay with the process events recorded beside the capture (fixtures/session/busy-host, see
// fixtures/session/README.md): the short-lived curls of its two bursts exist in the replayed /proc
// only while they lived, and each must get exactly the bytes of its own connection; the inventory
// container's API, in a namespace of its own, gets its end of the workers' connections; nothing may
// be left to `unknown`. The expected bytes are summed here from the capture's own IP headers (a
// reader of its own, not bwtop's decoder), per connection from the socket rows each curl held.
import { keepSnapshot } from '../../src/core/snapshot-copy.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run, type Sink } from '../../src/cli/app.js';
import { parseLiveArgs } from '../../src/cli/args.js';
import { realDeps } from '../../src/cli/real-deps.js';
import type { ProcessStats, Snapshot } from '../../src/core/model.js';
import { loadScene, type RecordedEvent } from '../screenshots/scene-events.js';

const SCENE = fileURLToPath(new URL('../../../fixtures/session/busy-host', import.meta.url));
const LINKTYPE_LINUX_SLL2 = 276;

interface Sums {
  sent: number;
  received: number;
}

/** IPv4 bytes (total length) per local endpoint "a.b.c.d:port", from a pcap of Linux cooked v2 frames. */
function bytesByEndpoint(pcap: Buffer, local: Set<string>): { byEndpoint: Map<string, Sums>; total: Sums } {
  assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4, 'a little-endian microsecond pcap');
  assert.equal(pcap.readUInt32LE(20), LINKTYPE_LINUX_SLL2);
  const byEndpoint = new Map<string, Sums>();
  const total: Sums = { sent: 0, received: 0 };
  const add = (key: string, field: keyof Sums, n: number): void => {
    const s = byEndpoint.get(key) ?? { sent: 0, received: 0 };
    s[field] += n;
    byEndpoint.set(key, s);
  };
  for (let o = 24; o < pcap.length; ) {
    const caplen = pcap.readUInt32LE(o + 8);
    const frame = pcap.subarray(o + 16, o + 16 + caplen);
    o += 16 + caplen;
    if (frame.readUInt16BE(0) !== 0x0800) continue; // ARP
    const ip = frame.subarray(20);
    const len = ip.readUInt16BE(2);
    const ihl = (ip[0]! & 15) * 4;
    const src = `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
    const dst = `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`;
    const [sport, dport] = [ip.readUInt16BE(ihl), ip.readUInt16BE(ihl + 2)];
    if (local.has(src)) {
      total.sent += len;
      add(`${src}:${sport}`, 'sent', len);
    }
    if (local.has(dst)) {
      total.received += len;
      add(`${dst}:${dport}`, 'received', len);
    }
  }
  return { byEndpoint, total };
}

/** "0100500A:DB7A" (a /proc/net/tcp local address) as "10.80.0.1:56186". */
function endpoint(hex: string): string {
  const [addr, port] = hex.split(':') as [string, string];
  const b = Buffer.from(addr, 'hex');
  return `${b[3]}.${b[2]}.${b[1]}.${b[0]}:${Number.parseInt(port, 16)}`;
}

async function replay(): Promise<Snapshot[]> {
  const o = parseLiveArgs(['--replay', join(SCENE, 'capture.pcap'), '--proc-root', join(SCENE, 'proc'), '--json'], 'live');
  const deps = realDeps(o.procRoot);
  Object.assign(deps, loadScene(SCENE).replayDeps(deps));
  const snaps: Snapshot[] = [];
  const sink: Sink = { update: (s) => void snaps.push(keepSnapshot(s)), holdAfterReplay: false, close: () => {} };
  assert.equal(await run(deps, o, sink), 0);
  return snaps;
}

const INVENTORY_PID = 31149;

test('replay with recorded process events: each curl of the bursts and the container get exactly their bytes, none unknown', async () => {
  const recorded = JSON.parse(readFileSync(join(SCENE, 'events.json'), 'utf8')) as {
    events: RecordedEvent[];
    rows: Record<string, { tcp: string[] }>;
  };
  const scene = JSON.parse(readFileSync(join(SCENE, 'scene.json'), 'utf8')) as { addresses: string[] };
  // The container's address is local too (in its namespace): from its API's listening socket in its own table.
  const inventoryTcp = readFileSync(join(SCENE, 'proc', String(INVENTORY_PID), 'net', 'tcp'), 'utf8').split('\n');
  const api = endpoint(inventoryTcp[1]!.trim().split(/\s+/)[1]!);
  assert.equal(api, '10.80.0.2:9000');
  const local = new Set([...scene.addresses, api.split(':')[0]!]);
  const { byEndpoint, total } = bytesByEndpoint(readFileSync(join(SCENE, 'capture.pcap')), local);
  const snaps = await replay();
  const last = snaps.at(-1)!;
  assert.ok(snaps.every((s) => s.ownership.mode === 'events'));
  assert.deepEqual([last.totals.sentTotal, last.totals.receivedTotal], [total.sent, total.received]);
  assert.deepEqual([last.unknown.sentTotal, last.unknown.receivedTotal], [0, 0]);

  // Exited processes leave the list after a while: each pid's totals as last shown.
  const seen = new Map<number, ProcessStats>();
  for (const s of snaps) for (const p of s.processes) seen.set(p.pid, p);
  const curls = Object.keys(recorded.rows).map(Number);
  assert.equal(curls.length, 10);
  for (const pid of curls) {
    const p = seen.get(pid);
    assert.ok(p, `curl ${pid} never shown`);
    assert.deepEqual([p.name, p.user, p.exitedAtMs > 0], ['curl', 'root', true]);
    const [row] = recorded.rows[pid]!.tcp;
    const want = byEndpoint.get(endpoint(row!.trim().split(/\s+/)[1]!))!;
    assert.ok(want.sent > 0 && want.received > 2000, `curl ${pid}: its connection is in the capture`);
    assert.deepEqual([p.sentTotal, p.receivedTotal], [want.sent, want.received], `curl ${pid}`);
  }
  // The container's API: its end of every worker's connection, in its own namespace.
  const inventory = seen.get(INVENTORY_PID);
  assert.ok(inventory, 'the inventory API never shown');
  const wantApi = byEndpoint.get(api)!;
  assert.ok(wantApi.sent > 1_000_000, 'the API answered in the capture');
  assert.deepEqual(
    [inventory.name, inventory.container, inventory.sentTotal, inventory.receivedTotal],
    ['python3', 'inventory', wantApi.sent, wantApi.received],
  );
  // Everyone's bytes add up to the capture's: all of it credited to someone.
  const sum = [...seen.values()].reduce((a, p) => [a[0]! + p.sentTotal, a[1]! + p.receivedTotal], [0, 0]);
  assert.deepEqual(sum, [total.sent, total.received]);
  // Before its first event a curl is not in the replayed /proc, nor after its exit.
  const firstBirth = Math.min(...recorded.events.map((e) => e.atMs));
  assert.ok(snaps[0]!.tsMs < firstBirth && !snaps[0]!.processes.some((p) => curls.includes(p.pid)));
});
