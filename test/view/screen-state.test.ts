// The screen state without a terminal: pause buffering, status lifetime, dialog and menu choices
// wrapping around, a drilled row that has gone, the socket list's scroll kept in range, the F3
// search, mouse targets, and which actions save the settings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mouseAction } from '../../src/core/view/mouse.js';
import { buildFrame } from '../../src/core/view/frame.js';
import { applyAction, initialState, onSnapshot } from '../../src/core/view/screen-state.js';
import { demoProcesses, demoSnapshot, snapshot, T0 } from '../ui/fixture.js';
import { frameGrid } from './frame-grid.js';
import { drive, ENV, PORTS } from './frame-helpers.js';

const size = { cols: 80, rows: 24 };

test('pause keeps the shown refresh; resuming shows the newest', () => {
  const later = demoProcesses().filter((p) => p.pid !== 5201);
  const paused = drive([demoSnapshot()], [{ type: 'pause' }]);
  const st = onSnapshot(paused.state, snapshot(later, T0 + 1000), size);
  assert.equal(st.shown, paused.state.shown, 'the paused screen keeps its snapshot');
  assert.ok(frameGrid(buildFrame(st, size, ENV)).includes(' 5201 '));
  const resumed = applyAction(st, { type: 'pause' }, size, PORTS).state;
  assert.equal(resumed.shown?.tsMs, T0 + 1000);
  assert.ok(!frameGrid(buildFrame(resumed, size, ENV)).includes(' 5201 '));
});

test('a status message lasts five refreshes', () => {
  let st = drive([demoSnapshot()], [{ type: 'names' }]).state;
  assert.match(st.status.status!.text, /host names off/);
  for (let i = 0; i < 5; i++) st = onSnapshot(st, demoSnapshot(T0 + i), size);
  assert.ok(st.status.status, 'still there after five refreshes');
  st = onSnapshot(st, demoSnapshot(T0 + 9), size);
  assert.equal(st.status.status, null);
});

test('the kill dialog and the sort menu wrap around their choices', () => {
  const up = drive([demoSnapshot()], [{ type: 'kill' }, { type: 'dialogChoice', delta: -1 }]);
  assert.equal(up.state.dialog?.choice, 3, 'up from SIGTERM is SIGHUP');
  const down = drive(
    [demoSnapshot()],
    [{ type: 'kill' }, ...Array.from({ length: 5 }, () => ({ type: 'dialogChoice' as const, delta: 1 }))],
  );
  assert.equal(down.state.dialog?.choice, 1);
  const menu = drive([demoSnapshot()], [{ type: 'sortMenu' }, { type: 'menuMove', delta: -1 }, { type: 'menuPick' }]);
  assert.deepEqual(menu.state.view.sort, { key: 'name', reversed: false }, 'up from total wraps to name, ascending');
});

test('a drilled process that leaves is kept, marked gone; its socket scroll stays in range', () => {
  const procs = demoProcesses();
  const nginx = procs.find((p) => p.pid === 812)!;
  nginx.connections = Array.from({ length: 30 }, (_, i) => ({ ...nginx.connections[0]!, id: `c${i}`, remote: `127.0.0.1:${50000 + i}` }));
  const d = drive(
    [snapshot(procs)],
    [{ type: 'move', move: 'down' }, { type: 'move', move: 'down' }, { type: 'drill' }, { type: 'move', move: 'end' }],
  );
  assert.equal(d.state.view.detailOffset, 20, '30 sockets, 10 rows shown');
  // Fewer sockets next refresh: the offset follows so the list does not scroll past its end.
  const fewer = demoProcesses();
  const st = onSnapshot(d.state, snapshot(fewer, T0 + 1000), size);
  assert.equal(st.view.detailOffset, 0);
  const gone = onSnapshot(
    st,
    snapshot(
      fewer.filter((p) => p.pid !== 812),
      T0 + 2000,
    ),
    size,
  );
  assert.equal(gone.lastDetail?.pid, 812);
  assert.match(frameGrid(buildFrame(gone, size, ENV)), /pid 812 {2}nginx {2}user www-data {2}\[gone from the capture\]/);
});

test('F3 search jumps to the next match without filtering, wrapping around', () => {
  const d = drive([demoSnapshot()], [{ type: 'searchStart' }, { type: 'promptChar', ch: 'i' }, { type: 'promptChar', ch: 'p' }]);
  assert.equal(d.state.view.selection.key, 'p:5201:105201', 'first iperf3 from the top');
  assert.equal(d.state.view.filter, '');
  const next = drive(
    [demoSnapshot()],
    [{ type: 'searchStart' }, { type: 'promptChar', ch: 'i' }, { type: 'promptChar', ch: 'p' }, { type: 'searchNext' }],
  );
  assert.equal(next.state.view.selection.key, 'p:5310:105310');
  const wrap = drive(
    [demoSnapshot()],
    [
      { type: 'searchStart' },
      { type: 'promptChar', ch: 'i' },
      { type: 'promptChar', ch: 'p' },
      { type: 'searchNext' },
      { type: 'searchNext' },
    ],
  );
  assert.equal(wrap.state.view.selection.key, 'p:5201:105201');
});

test('mouse: a heading click sorts, a row click selects, a second click opens, the wheel moves', () => {
  const d = drive([demoSnapshot()], []);
  const f = d.frame;
  const heading = f.hits.heading.find((h) => h.sort === 'received')!;
  assert.deepEqual(mouseAction(f, d.state, { x: heading.x + 2, y: f.hits.headingY, kind: 'click' }), { type: 'sort', key: 'received' });
  const third = f.hits.rows[2]!;
  assert.deepEqual(mouseAction(f, d.state, { x: 5, y: third.y, kind: 'click' }), { type: 'select', key: third.key });
  const first = f.hits.rows[0]!;
  assert.deepEqual(mouseAction(f, d.state, { x: 5, y: first.y, kind: 'click' }), { type: 'drill' });
  assert.deepEqual(mouseAction(f, d.state, { x: 5, y: 3, kind: 'wheeldown' }), { type: 'move', move: 'down' });
  assert.equal(mouseAction(f, d.state, { x: 5, y: 0, kind: 'click' }), null, 'the header is not a target');
});

test('sort, units, grouping and names save the settings; other keys do not', () => {
  assert.equal(
    drive([demoSnapshot()], [{ type: 'sort', key: 'received' }, { type: 'units' }, { type: 'group' }, { type: 'names' }]).saves,
    4,
  );
  assert.equal(drive([demoSnapshot()], [{ type: 'move', move: 'down' }, { type: 'pause' }, { type: 'help' }, { type: 'help' }]).saves, 0);
  // A sort key picks its column in its natural direction; the same key again reverses.
  assert.deepEqual(drive([demoSnapshot()], [{ type: 'sort', key: 'pid' }]).state.view.sort, { key: 'pid', reversed: false });
  assert.deepEqual(
    drive(
      [demoSnapshot()],
      [
        { type: 'sort', key: 'pid' },
        { type: 'sort', key: 'pid' },
      ],
    ).state.view.sort,
    { key: 'pid', reversed: true },
  );
  assert.equal(initialState({ units: 'bits' }).view.units, 'bits');
});
