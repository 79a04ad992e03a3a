// The record of young processes that credits a connection whose socket was gone before any
// table read saw it: exactly one process must fit, or nobody is credited.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { YoungSockets, YOUNG_MS } from '../../src/core/engine/young-sockets.js';

const heldNowhere = (): boolean => false;

test('a young process seen with a socket right after the flow began, and gone since, fits', () => {
  const y = new YoungSockets();
  y.record(100, [9001, 9002], 1000.5);
  y.gone(100, 1004);
  const c = y.candidates(1000, 1001, heldNowhere);
  assert.deepEqual([...c.letGo], [100]);
  assert.deepEqual([...c.exited], [100]);
});

test('a process seen gone before the flow began does not fit', () => {
  const y = new YoungSockets();
  y.record(100, [9001], 990);
  y.gone(100, 995); // the previous curl of a loop
  y.record(101, [9005], 998); // the next one, alive when the flow begins
  y.gone(101, 1010);
  const c = y.candidates(1000, 1001, heldNowhere);
  assert.deepEqual([...c.letGo], [101]);
  assert.deepEqual([...c.exited], [101]);
});

test('a process first seen after the search that followed the flow does not fit', () => {
  const y = new YoungSockets();
  y.record(100, [9001], 999);
  y.record(102, [9009], 1020); // spawned later
  const c = y.candidates(1000, 1001, heldNowhere);
  assert.deepEqual([...c.letGo], [100]);
});

test('a socket still held is not let go: that process does not fit by sockets', () => {
  const y = new YoungSockets();
  y.record(100, [9001], 1000.2);
  const c = y.candidates(1000, 1001, (pid, ino) => pid === 100 && ino === 9001);
  assert.equal(c.letGo.size, 0);
  assert.equal(c.exited.size, 0, 'not gone either');
});

test('two processes that fit are both reported, so the caller credits neither', () => {
  const y = new YoungSockets();
  y.record(100, [9001], 1000.2);
  y.record(200, [9100], 1000.4);
  y.gone(100, 1003);
  y.gone(200, 1003);
  const c = y.candidates(1000, 1001, heldNowhere);
  assert.deepEqual([...c.letGo].sort(), [100, 200]);
});

test('processes found by the first census are old, and old processes never fit', () => {
  const y = new YoungSockets();
  y.markOld(50);
  assert.equal(y.record(50, [7000], 1000.2), false);
  assert.equal(y.isYoung(50, 1000), false);
  y.record(60, [7001], 0);
  assert.equal(y.isYoung(60, YOUNG_MS), true);
  assert.equal(y.isYoung(60, YOUNG_MS + 1), false);
  assert.equal(y.record(60, [7002], YOUNG_MS + 5), false, 'no longer young: not recorded');
  assert.equal(y.candidates(YOUNG_MS + 4, YOUNG_MS + 6, heldNowhere).letGo.size, 0);
});

test('prune forgets what is older than ten seconds', () => {
  const y = new YoungSockets();
  y.record(100, [9001], 1000);
  y.gone(100, 1002);
  y.prune(20_000);
  assert.equal(y.candidates(1000, 1001, heldNowhere).letGo.size, 0);
});
