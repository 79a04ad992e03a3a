// A name must be the program's that held the socket: read after its last exec, from the very
// process (pid + start time). With process events an exec is reported; without them (polling,
// bwtop inside a namespace) each read of a young process's descriptors comes with a read of its
// stat, which tells its parent (what it inherited proves nothing), an exec (comm changed) and a
// reused pid (start time changed). Over the real /proc copy fixtures/proc/loopback-mix, with
// young processes modelled on cli4 (6797).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLOW_RESOLVED, FLOW_UNKNOWN, type Flow } from '../../src/core/engine/flow.js';
import type { FlowTable } from '../../src/core/engine/flow-table.js';
import type { Resolver } from '../../src/core/engine/resolver.js';
import type { ProcessEntry } from '../../src/core/engine/process-entry.js';
import type { ProcessInfo } from '../../src/core/proc/types.js';
import { T, drain, outgoing, procWith, setup } from './owner-fixture.js';

type Identity = Record<number, Partial<ProcessInfo> & { as?: number }>;

/** `ip netns exec` read while it was `ip` holding a socket of its own, then exec'd curl. */
function execAfterNaming(exitsBeforeResolve: boolean): { name: string | undefined; status: number } {
  const identity: Identity = { 9001: { as: 6797, name: 'ip', exe: '/usr/bin/ip' } };
  const inodes: Record<number, number[]> = { 9001: [90_001] };
  const proc = procWith(identity, inodes);
  const { resolver, table } = setup(proc);
  const census = resolver.owners.census;
  census.born(9001, 1, T - 50);
  resolver.owners.scanPid(9001, T + 1); // named `ip` at once
  assert.equal(resolver.registry.lastOf(9001)?.name, 'ip');
  census.born(9001, 0, T + 3); // the exec event
  identity[9001] = { as: 6797, name: 'curl', exe: '/usr/bin/curl' };
  inodes[9001] = []; // let go of the socket
  if (exitsBeforeResolve) {
    census.exited(9001, T + 6);
    resolver.owners.pidGone(9001);
    identity[9001] = { as: 424242 }; // no /proc entry any more
  }
  const f = outgoing(table, 45000, 7001);
  resolver.enqueue(f);
  drain(resolver);
  return { name: f.owner?.name, status: f.status };
}

test('named before an exec seen since, and gone: nobody, never the name it had before', () => {
  assert.deepEqual(execAfterNaming(true), { name: undefined, status: FLOW_UNKNOWN });
});

test('named before an exec seen since, still running: read again, credited under its new name', () => {
  assert.deepEqual(execAfterNaming(false), { name: 'curl', status: FLOW_RESOLVED });
});

interface Polling {
  resolver: Resolver;
  table: FlowTable;
  identity: Identity;
  inodes: Record<number, number[]>;
}

/** A resolver without process events, past its first full scan. */
function polling(identity: Identity, inodes: Record<number, number[]>): Polling {
  const { resolver, table } = setup(procWith(identity, inodes), false);
  resolver.owners.fullScansDone = 1;
  return { resolver, table, identity, inodes };
}

/** The young process exits (its /proc entry gone); then an outgoing flow whose socket is in no table is resolved. */
function exitThenResolve({ resolver, table, identity, inodes }: Polling, pid: number): Flow {
  resolver.owners.census.exited(pid, T + 6);
  delete inodes[pid];
  identity[pid] = { as: 424242 };
  const f = outgoing(table, 45000, 7001);
  resolver.enqueue(f);
  drain(resolver);
  return f;
}

/** Polling: a young child of cli4 read while it holds what its parent holds too, then gone. */
test('polling: a child holding only what its parent holds proves nothing, and is not named', () => {
  const identity: Identity = { 9002: { as: 6797, name: 'bash', ppid: 6797 } };
  // 777777: a socket no table of this namespace lists (a unix socket of another namespace).
  const inodes: Record<number, number[]> = { 6797: [45714, 777_777], 9002: [777_777] };
  const setupOf = polling(identity, inodes);
  const { resolver } = setupOf;
  resolver.owners.census.born(9002, 0, T - 50); // first seen by a listing: its parent unknown
  resolver.owners.scanPid(9002, T + 1);
  assert.equal(resolver.registry.lastOf(9002), undefined, 'not named: nothing of its own');
  const f = exitThenResolve(setupOf, 9002);
  assert.equal(f.status, FLOW_UNKNOWN);
});

test('polling: a fork read before its exec is named after it (comm changed), not as its shell', () => {
  const identity: Identity = { 9003: { as: 6797, name: 'bash', ppid: 6797 } };
  const inodes: Record<number, number[]> = { 6797: [45714], 9003: [45714] };
  const setupOf = polling(identity, inodes);
  const { resolver } = setupOf;
  resolver.owners.census.born(9003, 0, T - 50);
  resolver.owners.scanPid(9003, T - 40); // the fork, before exec: its parent's socket only
  identity[9003] = { as: 6797, name: 'curl', ppid: 6797 };
  inodes[9003] = [90_003]; // curl's own socket
  resolver.owners.scanPid(9003, T + 1);
  assert.equal(resolver.registry.lastOf(9003)?.name, 'curl');
  const f = exitThenResolve(setupOf, 9003);
  assert.equal(f.owner?.name, 'curl');
  assert.equal(f.owner?.pid, 9003);
});

test('polling: a pid reused by another process is never credited with what the first one did', () => {
  const identity: Identity = { 9004: { as: 6797, name: 'curl', ppid: 6797, startTime: 70_000 } };
  const inodes: Record<number, number[]> = { 6797: [], 9004: [90_004] };
  const proc = procWith(identity, inodes);
  const { resolver, table } = setup(proc, false);
  resolver.owners.fullScansDone = 1;
  resolver.owners.census.born(9004, 0, T - 50);
  resolver.owners.scanPid(9004, T + 1); // curl, holding its socket
  // curl exits; pid numbers wrap and a `true &` subshell of the same shell gets 9004.
  identity[9004] = { as: 6797, name: 'bash', ppid: 6797, startTime: 70_050 };
  inodes[9004] = [];
  resolver.registry.byPid(9004, T + 20); // something reads the newcomer meanwhile
  resolver.owners.scanPid(9004, T + 20);
  const f = outgoing(table, 45000, 7001);
  resolver.enqueue(f);
  drain(resolver);
  const owner = f.owner as ProcessEntry | null;
  assert.ok(owner === null || owner.startTime === 70_000, `credited to ${owner?.name} started at ${owner?.startTime}`);
  assert.notEqual(owner?.name, 'bash');
});

/**
 * Events: a young process that exits between the read that finds its socket and the read of its
 * name after it. `first` is what it runs when first read (before its socket), `then` what it runs
 * at the read that finds the socket.
 */
function goneRightAfter(first: string, then: string): { name: string | undefined; pid: number | undefined } {
  const identity: Identity = { 9005: { as: 6797, name: first } };
  const inodes: Record<number, number[]> = { 9005: [] };
  const proc = procWith(identity, inodes);
  const readInodes = proc.readSocketInodes;
  let vanish = false;
  proc.readSocketInodes = (pid) => {
    const r = readInodes(pid);
    if (pid === 9005 && vanish) identity[9005] = { as: 424242 }; // exits just after this read
    return r;
  };
  const { resolver, table } = setup(proc);
  const census = resolver.owners.census;
  census.born(9005, 1, T - 50);
  census.born(9005, 0, T - 49); // exec; a second one (first -> then), if any, is not reported yet
  resolver.owners.scanPid(9005, T - 40);
  identity[9005] = { as: 6797, name: then };
  inodes[9005] = [90_005];
  vanish = true;
  resolver.owners.scanPid(9005, T + 1);
  census.exited(9005, T + 2);
  resolver.owners.pidGone(9005);
  const f = outgoing(table, 45000, 7001);
  resolver.enqueue(f);
  drain(resolver);
  return { name: f.owner?.name, pid: f.owner?.pid };
}

test('gone right after the read that found its socket: named from the identity read just before that read', () => {
  assert.deepEqual(goneRightAfter('curl', 'curl'), { name: 'curl', pid: 9005 });
});

test('an exec not reported yet between two reads: the stat read before each read of descriptors tells, no stale name', () => {
  assert.deepEqual(goneRightAfter('ip', 'curl'), { name: 'curl', pid: 9005 });
});
