// The join (flow -> socket -> process) over the real /proc of fixtures/proc/loopback-mix: flows
// built from its sockets resolve to the pids that held them, a pre-fork listener goes to the
// process that started first, a flow whose socket is absent gives up after MISSES_TO_GIVE_UP table reads, and a
// socket nobody holds gives up after a full fd scan started after the flow was queued.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcFs } from '../../src/adapters/procfs.js';
import { parseAddress } from '../../src/core/engine/address.js';
import { FLOW_PENDING, FLOW_RESOLVED, FLOW_UNKNOWN, type Flow } from '../../src/core/engine/flow.js';
import { FlowTable } from '../../src/core/engine/flow-table.js';
import { ProcessRegistry } from '../../src/core/engine/process-registry.js';
import { MISSES_TO_GIVE_UP, Resolver } from '../../src/core/engine/resolver.js';
import { readSocketTables } from '../../src/core/engine/tables.js';
import type { ProcSource } from '../../src/core/proc/types.js';

const ROOT = fileURLToPath(new URL('../../../fixtures/proc/loopback-mix', import.meta.url));
const fixture = (): ProcFs => new ProcFs(ROOT, { passwdPath: join(ROOT, 'etc-passwd') });

function setup(proc: ProcSource = fixture()): { resolver: Resolver; registry: ProcessRegistry; table: FlowTable } {
  const registry = new ProcessRegistry(proc);
  const resolver = new Resolver(proc, registry, () => readSocketTables(proc));
  resolver.refreshTables();
  return { resolver, registry, table: new FlowTable(1) };
}

/** A flow as the engine makes one: "tcp 127.0.0.1:57264 127.0.0.1:7001" (local, then remote). */
function flow(table: FlowTable, text: string): Flow {
  const [proto, local, remote] = text.split(' ') as [string, string, string];
  const split = (ep: string): [string, number] => {
    const i = ep.lastIndexOf(':');
    return [ep.slice(0, i).replace(/^\[|\]$/g, ''), Number(ep.slice(i + 1))];
  };
  const [la, lp] = split(local);
  const [ra, rp] = split(remote);
  const l = parseAddress(la)!;
  const r = parseAddress(ra)!;
  const p = proto === 'tcp' ? 6 : 17;
  const h = FlowTable.hash(p, ...l.words, lp, ...r.words, rp);
  return table.insert(h, p, l.family, ...l.words, lp, ...r.words, rp);
}

/** Refresh + step until the resolver has nothing left (as replay does). */
function drain(resolver: Resolver, budget = Infinity): void {
  for (let i = 0; i < 20 && (i === 0 || resolver.busy); i++) {
    resolver.refreshTables();
    resolver.step(0, budget);
  }
}

test('flows built from the fixture sockets resolve to the pids that held them', () => {
  const { resolver, table } = setup();
  const cases: [string, number, string][] = [
    ['tcp 127.0.0.1:57264 127.0.0.1:7001', 6797, 'cli4, exact'],
    ['tcp 127.0.0.1:7001 127.0.0.1:57264', 6786, 'the server side, exact (accepted socket in its fds)'],
    ['tcp 127.0.0.1:7001 127.0.0.1:57280', 6786, 'accepted from an IPv4-mapped client'],
    ['tcp 127.0.0.1:57280 127.0.0.1:7001', 6798, "cli6's v6 socket talking IPv4: mapped row"],
    ['tcp 127.0.0.1:7002 127.0.0.1:60760', 6787, 'dual-stack server, mapped accepted row'],
    ['tcp [::1]:49166 [::1]:7002', 6798, 'IPv6 client'],
    ['tcp [::1]:7002 [::1]:49166', 6787, 'IPv6 side of the dual-stack server'],
    ['tcp [::1]:7003 [::1]:49818', 6788, 'v6-only server'],
    ['tcp 127.0.0.1:7008 127.0.0.1:51784', 6793, 'a socket of uid 65534'],
    ['tcp 127.0.0.1:7001 127.0.0.1:40000', 6786, 'no exact row: through the listener'],
    ['tcp 127.0.0.1:7002 127.0.0.1:40001', 6787, 'no exact row: through the [::] listener'],
    ['udp 127.0.0.1:7009 127.0.0.1:7005', 6799, 'connected UDP, exact'],
    ['udp 127.0.0.1:7005 127.0.0.1:7009', 6790, 'unconnected UDP, bound'],
    ['udp [::1]:7006 [::1]:50000', 6791, 'IPv6 unconnected UDP'],
    ['udp 127.0.0.1:7007 127.0.0.1:50001', 6792, 'IPv4 flow on a [::] UDP socket (wildcard)'],
    ['udp [::1]:7007 [::1]:50002', 6792, 'IPv6 flow on the same socket'],
  ];
  const flows = cases.map(([t]) => flow(table, t));
  for (const f of flows) resolver.enqueue(f);
  drain(resolver);
  cases.forEach(([t, pid, why], i) => {
    const f = flows[i]!;
    assert.equal(f.status, FLOW_RESOLVED, `${t} (${why})`);
    assert.equal(f.owner?.pid, pid, `${t} (${why})`);
    assert.ok(f.owner!.flows.has(f));
  });
  assert.equal(resolver.pendingCount, 0);
  assert.equal(resolver.resolved, cases.length);
  assert.equal(resolver.givenUp, 0);
  const nobody = flows[8]!.owner!;
  assert.deepEqual([nobody.name, nobody.uid, nobody.user], ['nobody-srv', 65534, 'nobody']);
  assert.equal(flows[4]!.owner!.name, 'dual srv) (x');
  // The state comes from the socket row.
  assert.equal(flows[0]!.state, 'ESTABLISHED');
  assert.equal(flows[12]!.state, 'UNCONN');
});

test('a socket shared by a pre-fork parent and its children goes to the one that started first', () => {
  const { resolver, table } = setup();
  const accepted = flow(table, 'tcp 127.0.0.1:7004 127.0.0.1:47634'); // held by child 6795 alone
  const viaListener = flow(table, 'tcp 127.0.0.1:7004 127.0.0.1:40002'); // listener 46231: 6789, 6795, 6796
  resolver.enqueue(accepted);
  resolver.enqueue(viaListener);
  drain(resolver);
  assert.equal(accepted.owner?.pid, 6795);
  assert.equal(viaListener.owner?.pid, 6789);
  assert.equal(viaListener.owner?.name, 'pre-parent');
  // Whatever order the fds are read in (children first here: newest pids first), the parent wins.
  for (const order of [
    [6796, 6795, 6789],
    [6789, 6796, 6795],
  ]) {
    const r = setup().resolver;
    for (const pid of order) r.owners.scanPid(pid);
    assert.equal(r.owners.lookup(46231), 6789);
    assert.equal(r.owners.lookup(45719), 6795);
  }
});

test(`a flow whose socket is absent gives up after ${MISSES_TO_GIVE_UP} table reads made after it was queued`, () => {
  const { resolver, table } = setup();
  const f = flow(table, 'tcp 127.0.0.1:57270 127.0.0.1:7001'); // only a TIME_WAIT row (inode 0) left
  const g = flow(table, 'tcp 127.0.0.1:45000 127.0.0.1:45001'); // no row at all
  resolver.enqueue(f);
  resolver.enqueue(g);
  // Steps with the tables read before the flows were queued do not count as misses.
  resolver.step(0, Infinity);
  resolver.step(0, Infinity);
  assert.deepEqual([f.status, g.status, f.misses], [FLOW_PENDING, FLOW_PENDING, 0]);
  for (let read = 1; read <= MISSES_TO_GIVE_UP; read++) {
    resolver.refreshTables();
    resolver.step(0, Infinity);
    const want = read < MISSES_TO_GIVE_UP ? FLOW_PENDING : FLOW_UNKNOWN;
    assert.equal(f.status, want, `after ${read} reads`);
    assert.equal(g.status, want, `after ${read} reads`);
  }
  assert.equal(resolver.givenUp, 2);
  assert.equal(resolver.pendingCount, 0);
  assert.equal(f.owner, null);
});

/** The fixture, with some processes' descriptors unreadable (as if not ours to read). */
function hiding(proc: ProcSource, hidden: Set<number>): ProcSource {
  return {
    readNetTable: (n) => proc.readNetTable(n),
    listPids: () => proc.listPids(),
    readSocketInodes: (pid) => (hidden.has(pid) ? [] : proc.readSocketInodes(pid)),
    readProcess: (pid) => proc.readProcess(pid),
    readStartTime: (pid) => proc.readStartTime(pid),
    readNetNs: (pid) => proc.readNetNs(pid),
    readOtherSockets: () => null,
  };
}

test('a socket nobody visibly holds gives up only after a full scan started after it was queued', () => {
  for (const budget of [Infinity, 3, 1]) {
    const { resolver, table } = setup(hiding(fixture(), new Set([6797])));
    const f = flow(table, 'tcp 127.0.0.1:57264 127.0.0.1:7001'); // inode 45714, cli4's (hidden)
    const ok = flow(table, 'tcp [::1]:49818 [::1]:7003'); // resolves meanwhile
    resolver.enqueue(f);
    resolver.enqueue(ok);
    let steps = 0;
    while (f.status === FLOW_PENDING && steps < 100) {
      resolver.refreshTables();
      resolver.step(0, budget);
      steps++;
      // Before the scan completes the flow must wait, whatever the tables say.
      if (resolver.owners.fullScansDone === 0) assert.equal(f.status, FLOW_PENDING, `budget ${budget}, step ${steps}`);
    }
    assert.equal(f.status, FLOW_UNKNOWN, `budget ${budget}`);
    assert.equal(f.inode, 45714, 'the socket was found, its owner was not');
    assert.equal(ok.owner?.pid, 6798);
    assert.equal(resolver.owners.fullScansDone, 1);
    // 14 pids. The first step starts the scan (and reads `budget` pids); each later step first
    // continues the scan, and the flow gives up in the step whose scan part completes it. With an
    // unlimited budget the scan completes in the first step, so the flow gives up in the second.
    assert.equal(steps, budget === Infinity ? 2 : Math.ceil(14 / budget), `budget ${budget}`);
  }
});

test('a flow queued while a full scan is under way waits for a scan that started after it', () => {
  // cli4 (6797) does not exist yet when the scan starts; 40 newer idle processes (copies of the
  // fixture's idle 6800) keep it out of reach of the "newest pids" look-ups (16 per pending flow
  // and pass). It appears, opens its socket, and its flow is queued mid-scan: that scan's pid
  // list predates it, so its completion proves nothing about the new socket.
  const base = fixture();
  let present = false;
  const clones = Array.from({ length: 40 }, (_, i) => 9001 + i);
  const proc: ProcSource = {
    readNetTable: (n) => base.readNetTable(n),
    listPids: () => [...base.listPids()!.filter((p) => present || p !== 6797), ...clones],
    readSocketInodes: (pid) => (pid >= 9001 ? base.readSocketInodes(6800) : !present && pid === 6797 ? null : base.readSocketInodes(pid)),
    readProcess: (pid) => base.readProcess(pid >= 9001 ? 6800 : pid),
    readStartTime: (pid) => base.readStartTime(pid >= 9001 ? 6800 : pid),
    readNetNs: () => null,
    readOtherSockets: () => null,
  };
  const { resolver, table } = setup(proc);
  const early = flow(table, 'tcp [::1]:49818 [::1]:7003'); // 6798: only a full scan finds it
  resolver.enqueue(early);
  resolver.step(0, 30); // the newest 16 miss; starts the full scan of 53 pids and reads 30
  assert.ok(resolver.owners.scanning);
  present = true;
  const late = flow(table, 'tcp 127.0.0.1:60760 127.0.0.1:7002'); // inode 45716, held by cli4 6797
  resolver.enqueue(late);
  // Later passes, seconds apart (so no "recently read" shortcut applies): the first one
  // completes the old scan, which never listed 6797.
  for (let i = 1; i <= 40 && late.status === FLOW_PENDING; i++) {
    resolver.refreshTables();
    resolver.step(i * 10_000, 30);
  }
  assert.equal(early.owner?.pid, 6798);
  assert.equal(late.status, FLOW_RESOLVED, 'given up on the strength of a scan that began before it');
  assert.equal(late.owner?.pid, 6797);
});

test('forget drops a queued flow; enqueue twice queues once', () => {
  const { resolver, table } = setup();
  const f = flow(table, 'tcp 127.0.0.1:57264 127.0.0.1:7001');
  resolver.enqueue(f);
  resolver.enqueue(f);
  assert.equal(resolver.pendingCount, 1);
  resolver.forget(f);
  assert.equal(resolver.pendingCount, 0);
  assert.equal(resolver.busy, false);
});
