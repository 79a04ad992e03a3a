// The process list as drawn on a headless terminal: layout at 80x24 and 120x40, each sort key and
// its reverse, selection following the pid, units, pause, resize, quitting.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHighlighted, rowAttributes } from './headless.js';
import { demoProcesses, demoSnapshot, proc, snapshot, T0 } from './fixture.js';
import { KEYS, rowOf, startApp, tablePids } from './harness.js';
import { matchSnapshot } from './snapshot.js';

test('120x40: header, minute charts, table sorted by total, first row selected', () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(demoSnapshot());
  const text = t.text();
  matchSnapshot('list-120x40', text);
  assert.deepEqual(tablePids(text), [5201, 5310, 812, 4242, 733, 590, 611, 1, 2222]);
  assert.match(text, /SENT\+RECV▼/);
  const first = rowOf(text, 5201);
  assert.ok(rowAttributes(t.h.screen, first).every(isHighlighted), 'selected row is highlighted');
  assert.ok(!rowAttributes(t.h.screen, rowOf(text, 5310)).some(isHighlighted));
  t.close();
});

test('80x24: every part fits, 9 rows visible', () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  const text = t.text();
  matchSnapshot('list-80x24', text);
  const lines = text.split('\n');
  assert.equal(lines.length, 24);
  assert.ok(lines.every((l) => [...l].length <= 80));
  assert.match(lines[23]!, /^q quit {2}\? help {2}s\/r\/t\/p\/n sort/);
  assert.equal(tablePids(text).length, 9);
  t.close();
});

const SORTS: Array<[string, string, number[]]> = [
  ['s', 'sent', [5310, 812, 5201, 733, 4242, 590, 611, 1, 2222]],
  ['r', 'received', [5201, 4242, 5310, 812, 733, 590, 611, 1, 2222]],
  ['p', 'pid', [1, 590, 611, 733, 812, 2222, 4242, 5201, 5310]],
  ['n', 'name', [611, 4242, 5201, 5310, 812, 733, 1, 590, 2222]],
];

for (const [key, name, order] of SORTS) {
  test(`sort by ${name} with "${key}", reversed by pressing it again`, async () => {
    const t = startApp({ cols: 80, rows: 24 });
    t.app.update(demoSnapshot());
    await t.press(key);
    const text = t.text();
    matchSnapshot(`sort-${name}`, text);
    assert.deepEqual(tablePids(text), order);
    await t.press(key);
    const rev = t.text();
    matchSnapshot(`sort-${name}-reversed`, rev);
    // Reversed on the key; rows equal on it (590/611, the two iperf3) keep pid order.
    const expected = [...order].reverse();
    const tie = (a: number, b: number): void => {
      const i = expected.indexOf(a);
      const j = expected.indexOf(b);
      if (Math.abs(i - j) === 1 && i > j) [expected[i], expected[j]] = [expected[j]!, expected[i]!];
    };
    if (name !== 'pid') tie(590, 611);
    if (name === 'name') tie(5201, 5310);
    if (name === 'sent') tie(1, 2222);
    assert.deepEqual(tablePids(rev), expected);
    t.close();
  });
}

test('t reverses the default total sort; ▲ marks an ascending sort', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press('t');
  const text = t.text();
  matchSnapshot('sort-total-reversed', text);
  assert.match(text, /SENT\+RECV▲/);
  assert.deepEqual(tablePids(text), [2222, 1, 590, 611, 733, 4242, 812, 5310, 5201]);
  await t.press('p');
  assert.match(t.text(), /PID▲/);
  t.close();
});

test('the selection follows the process, not the row, when the order changes', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press(KEYS.down, KEYS.down, KEYS.down); // 5201, 5310, 812, 4242
  let text = t.text();
  assert.ok(rowAttributes(t.h.screen, rowOf(text, 4242)).every(isHighlighted));
  // curl becomes the busiest process: it moves to the top, the selection with it.
  const procs = demoProcesses().map((p) =>
    p.pid === 4242 ? proc({ pid: 4242, name: 'curl', sentRate: 5000, receivedRate: 300000000 }) : p,
  );
  t.app.update(snapshot(procs, T0 + 1000));
  text = t.text();
  assert.equal(tablePids(text)[0], 4242);
  assert.ok(rowAttributes(t.h.screen, rowOf(text, 4242)).every(isHighlighted));
  assert.ok(!rowAttributes(t.h.screen, rowOf(text, 812)).some(isHighlighted));
  // Gone from the snapshot: the selection stays at the same position.
  t.app.update(
    snapshot(
      demoProcesses().filter((p) => p.pid !== 4242),
      T0 + 2000,
    ),
  );
  text = t.text();
  assert.equal(rowOf(text, 4242), -1);
  assert.ok(rowAttributes(t.h.screen, rowOf(text, 5201)).every(isHighlighted));
  t.close();
});

test('End, Home, PgDn, PgUp move the selection to the ends and by pages', async () => {
  const many = Array.from({ length: 40 }, (_, i) => proc({ pid: 100 + i, name: `worker${i}`, sentRate: 4000 - i * 10, receivedRate: 0 }));
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(snapshot(many));
  await t.press(KEYS.end);
  let text = t.text();
  assert.equal(tablePids(text).at(-1), 139);
  assert.ok(rowAttributes(t.h.screen, rowOf(text, 139)).every(isHighlighted));
  await t.press(KEYS.home);
  text = t.text();
  assert.equal(tablePids(text)[0], 100);
  await t.press(KEYS.pageDown);
  text = t.text();
  assert.ok(rowAttributes(t.h.screen, rowOf(text, 111)).every(isHighlighted), 'one page is the visible rows minus one');
  await t.press(KEYS.pageUp);
  assert.ok(rowAttributes(t.h.screen, rowOf(t.text(), 100)).every(isHighlighted));
  t.close();
});

test('m cycles units: bits/s, then totals, then bytes/s again', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press('m');
  let text = t.text();
  matchSnapshot('units-bits', text);
  assert.match(text.split('\n')[rowOf(text, 4242)]!, / 9\.6 kbit\/s +7\.8 Mbit\/s /);
  await t.press('m');
  text = t.text();
  matchSnapshot('units-total', text);
  assert.match(text, /SENT TOTAL +RECV TOTAL/);
  assert.match(text.split('\n')[rowOf(text, 4242)]!, / 35\.2 KiB +28\.0 MiB /);
  await t.press('m');
  assert.match(t.text().split('\n')[rowOf(t.text(), 4242)]!, / 1\.2 KiB\/s +957 KiB\/s /);
  t.close();
});

test('Space pauses the display while refreshes keep arriving; Space again shows the latest', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press(KEYS.space);
  assert.match(t.text(), /\[PAUSED\]/);
  t.app.update(
    snapshot(
      demoProcesses().filter((p) => p.pid !== 812),
      T0 + 1000,
    ),
  );
  assert.notEqual(rowOf(t.text(), 812), -1, 'frozen: nginx still shown');
  await t.press(KEYS.space);
  assert.equal(rowOf(t.text(), 812), -1);
  assert.doesNotMatch(t.text(), /PAUSED/);
  t.close();
});

test('a resize redraws for the new size exactly as a fresh screen of that size', () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(demoSnapshot());
  t.h.resize(80, 24);
  matchSnapshot('list-80x24', t.text());
  t.close();
});

test('one render per refresh and per key that changes something, none for other keys', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  let renders = 0;
  t.h.screen.on('render', () => renders++);
  t.app.update(demoSnapshot());
  assert.equal(renders, 1);
  await t.press('s');
  assert.equal(renders, 2);
  await t.press('x', 'Z', KEYS.ctrlC.replace('\x03', '\x07'));
  assert.equal(renders, 2);
  t.app.update(demoSnapshot(T0 + 1000));
  assert.equal(renders, 2, 'a refresh that changes nothing on screen is not drawn');
  const busier = demoProcesses();
  busier[0]!.sentRate *= 2;
  t.app.update(snapshot(busier, T0 + 2000));
  assert.equal(renders, 3);
  await t.press('pr'); // one read from the terminal, two keys
  assert.equal(renders, 4, 'keys that arrive together make one frame');
  t.close();
});

test('an unchanged refresh writes nothing to the terminal', () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(demoSnapshot());
  t.h.clearWritten();
  t.app.update(demoSnapshot());
  assert.equal(t.h.bytes(), 0);
  t.close();
});

for (const [what, key] of [
  ['q', 'q'],
  ['Ctrl-C', KEYS.ctrlC],
] as const) {
  test(`${what} resolves done; destroy restores the terminal once`, async () => {
    const t = startApp({ cols: 80, rows: 24 });
    t.app.update(demoSnapshot());
    let finished = false;
    void t.app.done.then(() => (finished = true));
    await t.press(key);
    await new Promise((r) => setImmediate(r));
    assert.ok(finished);
    t.h.clearWritten();
    t.app.destroy();
    const out = t.h.written().toString('latin1');
    assert.ok(out.includes('\x1b[?1049l'), 'left the alternate screen');
    assert.ok(out.includes('\x1b[?25h'), 'cursor shown again');
    t.app.destroy();
    t.close();
  });
}
