// FlowTable: the per-packet lookup. Checked against a Map model under random operation
// sequences (with real hashes and with forced collisions that build long probe runs wrapping
// around the end of the slot array), through growth, and for backward-shift deletion.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FlowTable } from '../../src/core/engine/flow-table.js';
import type { Flow } from '../../src/core/engine/flow.js';

/** A flow identity: small ranges so random sequences hit the same keys again. */
interface Key {
  proto: number;
  family: number;
  l: [number, number, number, number];
  lport: number;
  r: [number, number, number, number];
  rport: number;
}

const keyText = (k: Key): string => `${k.proto}/${k.family}/${k.l.join('.')}:${k.lport}/${k.r.join('.')}:${k.rport}`;

const realHash = (k: Key): number => FlowTable.hash(k.proto, ...k.l, k.lport, ...k.r, k.rport);

function find(t: FlowTable, k: Key, hash: number): Flow | null {
  return t.find(hash, k.proto, k.family, ...k.l, k.lport, ...k.r, k.rport);
}

function insert(t: FlowTable, k: Key, hash: number): Flow {
  return t.insert(hash, k.proto, k.family, ...k.l, k.lport, ...k.r, k.rport);
}

const word = fc.constantFrom(0, 1, 0x7f000001, 0xffffffff, 0x20010db8);
const keyArb: fc.Arbitrary<Key> = fc.record({
  proto: fc.constantFrom(6, 17),
  family: fc.constantFrom(4, 6),
  l: fc.tuple(fc.constant(0), fc.constant(0), word, word),
  lport: fc.integer({ min: 0, max: 3 }),
  r: fc.tuple(fc.constant(0), word, fc.constant(0), word),
  rport: fc.constantFrom(0, 80, 65535),
});
const opArb = fc.tuple(fc.constantFrom('insert', 'find', 'remove'), keyArb);

/** Runs ops against the table and a Map; `hashOf` may force collisions. */
function agreesWithModel(ops: [string, Key][], hashOf: (k: Key) => number, capacity: number): void {
  const t = new FlowTable(2, capacity);
  const model = new Map<string, Flow>();
  for (const [op, k] of ops) {
    const id = keyText(k);
    const h = hashOf(k);
    if (op === 'insert' && !model.has(id)) {
      assert.equal(find(t, k, h), null);
      const f = insert(t, k, h);
      assert.deepEqual(
        [f.proto, f.family, f.l0, f.l1, f.l2, f.l3, f.lport, f.r0, f.r1, f.r2, f.r3, f.rport, f.hash],
        [k.proto, k.family, ...k.l, k.lport, ...k.r, k.rport, h],
      );
      model.set(id, f);
    } else if (op === 'remove' && model.has(id)) {
      t.remove(model.get(id)!);
      model.delete(id);
    }
    assert.equal(find(t, k, h), model.get(id) ?? null, `${op} ${id}`);
    assert.equal(t.size, model.size);
  }
  // Every remaining member is still found, and iteration yields exactly them.
  for (const f of model.values()) {
    assert.equal(t.find(f.hash, f.proto, f.family, f.l0, f.l1, f.l2, f.l3, f.lport, f.r0, f.r1, f.r2, f.r3, f.rport), f);
  }
  assert.deepEqual(new Set(t.values()), new Set(model.values()));
}

test('random insert/find/remove sequences never disagree with a Map (real hash)', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => agreesWithModel(ops, realHash, 1)),
    { numRuns: 300 },
  );
});

test('random sequences with forced collisions: long probe runs, wrap-around, backward shifts', () => {
  // Every hash lands on one of the last three home slots of whatever the table's size is, so runs
  // cross the end of the slot array and deletions must shift members back across it.
  const hashes = [0xfffffffd, 0xfffffffe, 0xffffffff];
  const collide = (k: Key): number => hashes[(k.lport + k.rport + k.l[3]) % 3]!;
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => agreesWithModel(ops, collide, 4)),
    { numRuns: 300 },
  );
});

test('growth: 20 000 flows from a tiny table are all found, then all removed', () => {
  const t = new FlowTable(1, 1);
  const keys: Key[] = [];
  for (let i = 0; i < 20_000; i++) {
    keys.push({ proto: 6, family: 4, l: [0, 0, 0, 0x7f000001], lport: i & 0xffff, r: [0, 0, 0, 0x7f000002 + (i >>> 16)], rport: 443 });
  }
  const flows = keys.map((k) => insert(t, k, realHash(k)));
  assert.equal(t.size, 20_000);
  keys.forEach((k, i) => assert.equal(find(t, k, realHash(k)), flows[i]));
  flows.forEach((f) => t.remove(f));
  assert.equal(t.size, 0);
  assert.equal([...t.values()].length, 0);
  keys.forEach((k) => assert.equal(find(t, k, realHash(k)), null));
});

test('backward-shift deletion: removing the head of a wrapped probe run keeps the rest reachable', () => {
  // initialCapacity 4 -> 8 slots, mask 7. Three flows with home slot 7 sit in slots 7, 0, 1; a
  // fourth with home 0 is pushed to slot 2.
  const t = new FlowTable(1, 4);
  const k = (n: number): Key => ({ proto: 17, family: 4, l: [0, 0, 0, n], lport: n, r: [0, 0, 0, 1], rport: 53 });
  const a = insert(t, k(1), 7);
  const b = insert(t, k(2), 7);
  const c = insert(t, k(3), 7);
  const d = insert(t, k(4), 8); // home 0
  t.remove(a); // backward shift: b moves to slot 7, c to 0, d to 1
  assert.equal(find(t, k(2), 7), b);
  assert.equal(find(t, k(3), 7), c);
  assert.equal(find(t, k(4), 8), d);
  assert.equal(find(t, k(1), 7), null);
  t.remove(c);
  assert.equal(find(t, k(2), 7), b);
  assert.equal(find(t, k(4), 8), d);
  // Removing a flow that is not in the table is a no-op.
  t.remove(a);
  assert.equal(t.size, 2);
  // No tombstones: after many insert/remove cycles on the same run, a miss still terminates and
  // the run is as short as the live members need.
  for (let i = 0; i < 10_000; i++) t.remove(insert(t, k(100 + (i % 50)), 7));
  assert.equal(t.size, 2);
  assert.equal(find(t, k(100), 7), null);
  assert.equal(find(t, k(2), 7), b);
  assert.equal(find(t, k(4), 8), d);
});

test('a removed slot index is reused for the next insert (the flows array does not grow forever)', () => {
  const t = new FlowTable(1, 4);
  const k = (n: number): Key => ({ proto: 6, family: 6, l: [0, 0, 0, 1], lport: n, r: [0, 0, 0, 1], rport: 1 });
  for (let i = 0; i < 1000; i++) t.remove(insert(t, k(i), realHash(k(i))));
  const kept = insert(t, k(5000), realHash(k(5000)));
  assert.deepEqual([...t.values()], [kept]);
  // White-box: the backing array holds one entry, not 1001.
  assert.equal((t as unknown as { flows: unknown[] }).flows.length, 1);
});
