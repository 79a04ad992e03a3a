// CrossInterfaceDedup: the same packet captured on two interfaces within DEDUP_WINDOW_MS counts
// once; the same fingerprint twice on one interface is two packets; outside the window, two.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrossInterfaceDedup, DEDUP_WINDOW_MS } from '../../src/core/engine/dedup.js';

test('the window is 5 ms', () => {
  assert.equal(DEDUP_WINDOW_MS, 5);
});

test('same fingerprint on two interfaces within the window: one packet', () => {
  const d = new CrossInterfaceDedup();
  assert.equal(d.isDuplicate(0xdeadbeef, 0, 1000), false);
  assert.equal(d.isDuplicate(0xdeadbeef, 1, 1003.5), true);
  // Exactly at the edge still counts as the twin; either order of arrival works.
  const e = new CrossInterfaceDedup();
  assert.equal(e.isDuplicate(7, 2, 2000), false);
  assert.equal(e.isDuplicate(7, 1, 2000 - DEDUP_WINDOW_MS), true);
});

test('a third interface on the path (veth -> bridge -> NIC) is a twin too', () => {
  const d = new CrossInterfaceDedup();
  assert.equal(d.isDuplicate(42, 0, 10), false);
  assert.equal(d.isDuplicate(42, 1, 11), true);
  assert.equal(d.isDuplicate(42, 2, 12), true);
});

test('same fingerprint twice on the same interface: two packets (a retransmission is traffic)', () => {
  const d = new CrossInterfaceDedup();
  assert.equal(d.isDuplicate(0x12345678, 3, 500), false);
  assert.equal(d.isDuplicate(0x12345678, 3, 500), false);
  assert.equal(d.isDuplicate(0x12345678, 3, 501), false);
});

test('outside the window: two packets, and the later one becomes the reference', () => {
  const d = new CrossInterfaceDedup();
  assert.equal(d.isDuplicate(99, 0, 1000), false);
  assert.equal(d.isDuplicate(99, 1, 1000 + DEDUP_WINDOW_MS + 0.001), false);
  assert.equal(d.isDuplicate(99, 0, 1000 + DEDUP_WINDOW_MS + 1), true, 'twin of the packet seen on interface 1');
});

test('different fingerprints never match, also when they share a slot; negative ints are the same as their u32', () => {
  const d = new CrossInterfaceDedup();
  assert.equal(d.isDuplicate(0x00010001, 0, 0), false);
  assert.equal(d.isDuplicate(0x00020001, 1, 0), false, 'same low 16 bits (slot), other fingerprint');
  assert.equal(d.isDuplicate(-1, 0, 100), false);
  assert.equal(d.isDuplicate(0xffffffff, 1, 100), true);
  // A fingerprint of 0 before anything was seen is not a twin of the empty table.
  assert.equal(new CrossInterfaceDedup().isDuplicate(0, 1, 0), false);
});
