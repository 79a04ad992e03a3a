// What proves an owner, over the real /proc of fixtures/proc/loopback-mix (a pre-fork server
// 6789 with children 6795 and 6796 sharing listener inode 46231; clients cli4 6797 and cli6 6798):
// a shared socket goes to the holder that started first whatever the pid numbers, never to a
// service manager that only passes it on; a vanished socket goes to the one young process that
// fits, to the program when every one that fits runs the same program, and otherwise to nobody.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLOW_RESOLVED, FLOW_UNKNOWN, type Flow } from '../../src/core/engine/flow.js';
import type { Resolver } from '../../src/core/engine/resolver.js';
import type { ProcessInfo } from '../../src/core/proc/types.js';
import { T, drain, outgoing, procWith, setup } from './owner-fixture.js';

test('a shared socket goes to the holder that started first, whatever the pid numbers', () => {
  // After pids wrap around, a child can have a lower pid than its parent: 6796 started first here.
  const proc = procWith({ 6789: { startTime: 50_000 }, 6795: { startTime: 50_100 }, 6796: { startTime: 40_000 } });
  const { resolver } = setup(proc);
  for (const pid of [6789, 6795, 6796]) resolver.owners.scanPid(pid);
  assert.equal(resolver.owners.lookup(46231), 6796);
  assert.deepEqual([...resolver.owners.holdersOf(46231)].sort(), [6789, 6795, 6796]);
});

test('holders that started in the same clock tick: the parent, though its child has the lower pid', () => {
  // A shell connects, then forks `sleep 1` at once: start times count 10 ms ticks, and after pid
  // numbers wrap the child's pid is the lower one. 1234 is a child of 6789 here.
  const proc = procWith({ 6789: { startTime: 60_000 }, 1234: { as: 6795, ppid: 6789, startTime: 60_000 } }, { 1234: [46231] });
  const { resolver } = setup(proc);
  for (const pid of [1234, 6789]) resolver.owners.scanPid(pid);
  assert.equal(resolver.owners.lookup(46231), 6789);
});

test('a service manager that only passes a socket on is passed over', () => {
  const proc = procWith({ 6789: { name: 'systemd', startTime: 1 } });
  const { resolver } = setup(proc);
  for (const pid of [6789, 6795, 6796]) resolver.owners.scanPid(pid);
  assert.equal(resolver.owners.lookup(46231), 6795, 'the older of the two services');
});

/** Young clients that each held a socket of their own after the flow began, then exited. */
function youngClients(identity: Record<number, Partial<ProcessInfo> & { as?: number }>, pids: number[]): { resolver: Resolver; f: Flow } {
  const proc = procWith(identity, Object.fromEntries(pids.map((pid) => [pid, [90_000 + pid]])));
  const { resolver, table } = setup(proc);
  const census = resolver.owners.census;
  for (const pid of pids) {
    census.born(pid, 1, T - 50);
    resolver.owners.scanPid(pid, T + 1); // reads identity at once, as on an exec event
  }
  for (const pid of pids) {
    census.exited(pid, T + 6);
    resolver.owners.pidGone(pid);
  }
  const f = outgoing(table, 45000, 7001); // its socket is in no table any more
  resolver.enqueue(f);
  drain(resolver);
  return { resolver, f };
}

test('several that fit, all one program: the program entry gets the bytes, never a guessed pid', () => {
  const { f } = youngClients({ 9001: { as: 6797 }, 9002: { as: 6797, startTime: 43_400 } }, [9001, 9002]);
  assert.equal(f.status, FLOW_RESOLVED);
  assert.deepEqual(f.owner?.pids, [9001, 9002]);
  assert.equal(f.owner?.name, 'cli4');
  assert.equal(f.owner?.pid, -1);
});

test('several that fit, of different programs: nobody', () => {
  const { f } = youngClients({ 9001: { as: 6797 }, 9002: { as: 6798 } }, [9001, 9002]);
  assert.equal(f.status, FLOW_UNKNOWN);
  assert.equal(f.owner, null);
});

test('one that fits but was never named: nobody, not a nameless row', () => {
  const { f } = youngClients({ 9001: { as: 424242 } }, [9001]);
  assert.equal(f.status, FLOW_UNKNOWN);
});

test('the one young process that fits gets the flow, with its name', () => {
  const { f } = youngClients({ 9001: { as: 6797 } }, [9001]);
  assert.equal(f.owner?.pid, 9001);
  assert.equal(f.owner?.name, 'cli4');
});

test('a socket still in the tables whose young holder already exited: the process seen holding it', () => {
  // cli4's socket 45714 ('tcp 127.0.0.1:57264 127.0.0.1:7001') is in the copy's tables; here its
  // holder is a young 9001 that was read holding it, then exited before the flow was resolved.
  const inodes: Record<number, number[]> = { 9001: [45714], 6797: [] };
  const proc = procWith({ 9001: { as: 6797 }, 6797: { as: 424242 } }, inodes);
  const { resolver, table } = setup(proc);
  resolver.owners.census.born(9001, 1, T - 50);
  resolver.owners.scanPid(9001, T + 1);
  resolver.owners.census.tie(45714, 'tcp 127.0.0.1 57264 127.0.0.1 7001', T + 1);
  resolver.owners.census.exited(9001, T + 6);
  resolver.owners.pidGone(9001);
  delete inodes[9001]; // gone: no fd directory any more
  const f = outgoing(table, 57264, 7001);
  resolver.enqueue(f);
  drain(resolver);
  assert.equal(f.inode, 45714);
  assert.equal(f.owner?.pid, 9001);
  assert.equal(f.owner?.name, 'cli4');
});
