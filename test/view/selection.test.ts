import assert from 'node:assert/strict';
import { test } from 'node:test';
import { moveSelection, reconcileSelection, scrollOffset, type Selection } from '../../src/core/view/selection.js';

test('the selection is found by key after the rows reorder', () => {
  const s = reconcileSelection([9, 8, 7, 6], { key: 7, index: 0, offset: 0 }, 10);
  assert.deepEqual(s, { key: 7, index: 2, offset: 0 });
});

test('a vanished pid leaves the selection at the same position (clamped)', () => {
  assert.deepEqual(reconcileSelection([1, 2, 3], { key: 99, index: 1, offset: 0 }, 10), { key: 2, index: 1, offset: 0 });
  assert.deepEqual(reconcileSelection([1], { key: 99, index: 5, offset: 3 }, 10), { key: 1, index: 0, offset: 0 });
  assert.deepEqual(reconcileSelection([], { key: 99, index: 5, offset: 3 }, 10), { key: null, index: 0, offset: 0 });
});

test('moves scroll to keep the selection visible', () => {
  const pids = Array.from({ length: 20 }, (_, i) => i + 1);
  let s: Selection<number> = { key: 1, index: 0, offset: 0 };
  s = moveSelection(pids, s, 'end', 5);
  assert.deepEqual(s, { key: 20, index: 19, offset: 15 });
  s = moveSelection(pids, s, 'pageUp', 5);
  assert.deepEqual(s, { key: 16, index: 15, offset: 15 });
  s = moveSelection(pids, s, 'up', 5);
  assert.deepEqual(s, { key: 15, index: 14, offset: 14 });
  s = moveSelection(pids, s, 'home', 5);
  assert.deepEqual(s, { key: 1, index: 0, offset: 0 });
  s = moveSelection(pids, s, 'up', 5);
  assert.deepEqual(s, { key: 1, index: 0, offset: 0 });
  s = moveSelection(pids, s, 'pageDown', 5);
  assert.deepEqual(s, { key: 5, index: 4, offset: 0 });
  s = moveSelection(pids, s, 'down', 5);
  assert.deepEqual(s, { key: 6, index: 5, offset: 1 });
});

test('list scrolling without a selection stays within the list', () => {
  assert.equal(scrollOffset(30, 0, 'end', 10), 20);
  assert.equal(scrollOffset(30, 20, 'down', 10), 20);
  assert.equal(scrollOffset(5, 0, 'down', 10), 0);
  assert.equal(scrollOffset(30, 3, 'pageUp', 10), 0);
});
