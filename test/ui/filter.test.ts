// The `/` filter typed on the keyboard: applied while typing, kept with Enter, cleared with Esc.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoSnapshot } from './fixture.js';
import { KEYS, startApp, tablePids } from './harness.js';
import { matchSnapshot } from './snapshot.js';

test('/ then a pid leaves exactly that process', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press('/', '5', '3', '1', '0');
  assert.deepEqual(tablePids(t.text()), [5310]);
  assert.match(t.text().split('\n')[22]!, /^filter: 5310_ \(1 of 9\) {3}Enter keep {2}Esc clear/);
  await t.press(KEYS.enter);
  const text = t.text();
  matchSnapshot('filter-pid-80x24', text);
  assert.deepEqual(tablePids(text), [5310]);
  t.close();
});

test('text matches name, command line or user, case-insensitively; Backspace edits', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press('/', 'I', 'P', 'E', 'R', 'F');
  assert.deepEqual(tablePids(t.text()), [5201, 5310]);
  await t.press(KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, 'w', 'w', 'w');
  assert.deepEqual(tablePids(t.text()), [812], 'user www-data');
  await t.press(KEYS.backspace, KEYS.backspace, KEYS.backspace, 'b', 'i', 'g', '.', 'i', 's', 'o');
  assert.deepEqual(tablePids(t.text()), [4242], 'command line');
  t.close();
});

test('keys typed into the filter are text: q does not quit, s does not sort', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  let quit = false;
  void t.app.done.then(() => (quit = true));
  await t.press('/', 'q', 's');
  await new Promise((r) => setImmediate(r));
  assert.equal(quit, false);
  assert.match(t.text(), /filter: qs_ \(0 of 9\)/);
  assert.match(t.text(), /no process matches "qs"/);
  t.close();
});

test('Esc while typing clears the filter; Esc in the list clears a kept one', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  const all = tablePids(t.text());
  await t.press('/', 'c', 'u', 'r', 'l', KEYS.escape);
  assert.deepEqual(tablePids(t.text()), all);
  await t.press('/', 'c', 'u', 'r', 'l', KEYS.enter);
  assert.deepEqual(tablePids(t.text()), [4242]);
  assert.match(t.text().split('\n')[22]!, /^filter: curl \(1 of 9\) {3}\/ edit {2}Esc clear/);
  await t.press(KEYS.escape);
  assert.deepEqual(tablePids(t.text()), all);
  t.close();
});

test('Enter on a filtered row drills into it', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press('/', '7', '3', '3', KEYS.enter, KEYS.enter);
  assert.match(t.text(), /^pid 733 {2}sshd {2}user admin/m);
  assert.match(t.text(), /^tcp +10\.0\.0\.5:22 +192\.0\.2\.44:53122 +ESTABLISHED/m);
  t.close();
});
