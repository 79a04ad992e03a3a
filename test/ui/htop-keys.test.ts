// htop's function keys and the mouse through the headless screen, fed the bytes an xterm sends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoSnapshot } from './fixture.js';
import { click, KEYS, startApp, tablePids, wheel } from './harness.js';
import { matchSnapshot } from './snapshot.js';
import { groupedSnapshot } from '../view/grouped-fixture.js';

const F = { f1: '\x1bOP', f3: '\x1bOR', f4: '\x1bOS', f6: '\x1b[17~', f9: '\x1b[20~', f10: '\x1b[21~' } as const;

test('F1 help, F9 kill dialog, F10 quits', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press(F.f1);
  assert.match(t.text(), /bwtop keys/);
  await t.press(F.f1, F.f9);
  assert.match(t.text(), /kill process/);
  assert.match(t.text(), /pid 5201 {2}iperf3/);
  await t.press(KEYS.escape);
  let quit = false;
  void t.app.done.then(() => (quit = true));
  await t.press(F.f10);
  assert.ok(quit, 'F10 quits');
  t.close();
});

test('F4 filters as / does; F3 searches without filtering, F3 again jumps on', async () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(demoSnapshot());
  await t.press(F.f4, 'c', 'u', 'r', 'l', KEYS.enter);
  assert.deepEqual(tablePids(t.text()), [4242]);
  await t.press(KEYS.escape, F.f3, 'i', 'p');
  assert.equal(tablePids(t.text()).length, 9, 'the list stays whole');
  assert.match(t.text(), /search: ip_/);
  const selected = (): string =>
    t
      .text()
      .split('\n')
      .find((l) => / iperf3 /.test(l) && l.includes('5310')) ?? '';
  await t.press(F.f3);
  assert.ok(selected());
  await t.press(KEYS.enter, KEYS.enter);
  assert.match(t.text(), /pid 5310 {2}iperf3/, 'Enter after the search opens the row it found');
  t.close();
});

test('F6 opens the sort menu; Enter sorts by the chosen column', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press(F.f6, KEYS.down, KEYS.down);
  matchSnapshot('sort-menu-80x24', t.text());
  assert.match(t.text(), /│> r {2}received/);
  await t.press(KEYS.enter);
  assert.match(t.text(), /RECEIVED▼/);
  assert.doesNotMatch(t.text(), /sort by/);
  t.close();
});

test('the mouse: click selects, a second click opens, the wheel scrolls, --no-mouse ignores it', async () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(demoSnapshot());
  const row = (pid: number): number =>
    t
      .text()
      .split('\n')
      .findIndex((l) => new RegExp(`^ +${pid} `).test(l));
  await t.press(click(20, row(812)));
  await t.press(KEYS.enter);
  assert.match(t.text(), /pid 812 {2}nginx/, 'the clicked row was selected');
  await t.press(KEYS.escape);
  await t.press(click(20, row(4242)), click(20, row(4242)));
  assert.match(t.text(), /pid 4242 {2}curl/, 'a second click opens');
  await t.press(KEYS.escape, wheel(false), wheel(false), wheel(true), KEYS.enter);
  assert.match(t.text(), /pid 733 {2}sshd/, 'two wheel steps down from curl, one up');
  t.close();
  const off = startApp({ cols: 120, rows: 40, deps: { mouse: false } });
  off.app.update(demoSnapshot());
  const before = off.text();
  await off.press(click(20, 20));
  assert.equal(off.text(), before);
  off.close();
});

test('g groups by program, then by container/service; Enter opens a group, Esc comes back', async () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(groupedSnapshot());
  await t.press('g');
  assert.match(t.text(), /^ +- www-data nginx ×4 /m);
  await t.press(KEYS.down, KEYS.enter);
  assert.deepEqual(tablePids(t.text()), [811, 812, 813, 810]);
  assert.match(t.text(), /4 processes of nginx/);
  await t.press(KEYS.escape, 'g');
  assert.match(t.text(), /web ×2 \(container\)/);
  await t.press('k');
  assert.match(t.text(), /postgresql\.service is a service: stop it with systemctl stop postgresql\.service/);
  t.close();
});

test('the terminal is asked for clicks and the wheel in SGR form only, never for every mouse movement', () => {
  const t = startApp({ cols: 80, rows: 24 });
  const modes = new Map<string, boolean>();
  for (const m of t.h
    .written()
    .toString('latin1')
    .matchAll(/\x1b\[\?(\d+)([hl])/g))
    modes.set(m[1]!, m[2] === 'h');
  assert.equal(modes.get('1000'), true, 'button events');
  assert.equal(modes.get('1006'), true, 'SGR coordinates');
  for (const motion of ['1002', '1003', '1005']) assert.notEqual(modes.get(motion), true, motion);
  t.close();
});
