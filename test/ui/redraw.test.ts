// What an idle screen costs: a refresh whose frame is the one already on screen draws nothing,
// and the screen says when a list of sockets is on show (the live engine then re-reads the
// socket tables each refresh; otherwise only when packets say sockets opened or closed).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoSnapshot, T0 } from './fixture.js';
import { KEYS, startApp } from './harness.js';

test('a refresh identical to the frame on screen is not drawn; a changed one is', () => {
  const t = startApp({ cols: 120, rows: 40 });
  let renders = 0;
  const render = t.h.screen.render.bind(t.h.screen);
  t.h.screen.render = () => {
    renders++;
    render();
  };
  t.app.update(demoSnapshot(T0));
  assert.equal(renders, 1);
  const written = t.h.bytes();
  // The next second of an idle machine: the same numbers, a later timestamp.
  t.app.update(demoSnapshot(T0 + 1000));
  t.app.update(demoSnapshot(T0 + 2000));
  assert.equal(renders, 1, 'no render for an unchanged frame');
  assert.equal(t.h.bytes(), written, 'nothing written to the terminal');
  const busier = demoSnapshot(T0 + 3000);
  busier.capture.packets += 1;
  t.app.update(busier);
  assert.equal(renders, 2, 'a changed packet count is drawn');
  t.close();
});

test('the screen shows sockets only while a process’s connections are open', async () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(demoSnapshot());
  assert.equal(t.app.showsSockets(), false);
  await t.press(KEYS.enter);
  assert.equal(t.app.showsSockets(), true);
  await t.press(KEYS.escape);
  await new Promise((r) => setTimeout(r, 100)); // a lone Escape is told from a key sequence by a pause
  assert.equal(t.app.showsSockets(), false);
  t.close();
});
