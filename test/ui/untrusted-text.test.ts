// Process names, command lines, users and typed filters are attacker-controlled text. Checked on
// the raw bytes written to the terminal: no escape sequence or control character of theirs gets
// through, and blessed tag syntax shows literally.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoProcesses, proc, snapshot } from './fixture.js';
import { KEYS, startApp } from './harness.js';

const RETITLE = '\x1b]2;pwn\x07';

/** Every escape sequence in the output must be one blessed writes itself: CSI or charset/keypad. */
function foreignEscapes(out: string): string[] {
  const bad: string[] = [];
  const re = /\x1b(\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])/y;
  for (let i = out.indexOf('\x1b'); i >= 0; i = out.indexOf('\x1b', i + 1)) {
    re.lastIndex = i;
    if (!re.test(out)) bad.push(JSON.stringify(out.slice(i, i + 12)));
  }
  return bad;
}

function hostile() {
  return snapshot([
    ...demoProcesses(),
    proc({
      pid: 6666,
      name: RETITLE,
      cmdline: `x\x1b[2J\x1b[31mred\u009b2Jc1\x07bell\r\nnext`,
      sentRate: 5e9,
      receivedRate: 5e9,
      user: 'ev\x1bPil\x1b\\',
    }),
    proc({ pid: 6667, name: '{bold}x{/bold}', cmdline: '{red-fg}{open}', sentRate: 4e9, receivedRate: 4e9 }),
  ]);
}

test('a process named ESC ] 2;pwn BEL cannot retitle the terminal; C1 CSI and BEL never reach it', () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(hostile());
  const out = t.h.written().toString('utf8');
  assert.ok(!out.includes('\x07'), 'no BEL');
  assert.ok(!out.includes('\x1b]'), 'no OSC');
  assert.ok(!out.includes('\x1bP'), 'no DCS');
  assert.ok(!out.includes('\u009b'), 'no C1 CSI');
  assert.ok(!out.includes('\x1b[2J\x1b[31mred'), 'no screen clear from the command line');
  assert.deepEqual(foreignEscapes(out), []);
  const row = t
    .text()
    .split('\n')
    .find((l) => l.includes('6666'))!;
  // The OSC and the DCS (to their terminators) and every control are gone; the text between stays.
  assert.match(row, /^ +6666 ev +xredc1bell {2}next +4\.7 GiB\/s/);
  t.close();
});

test('blessed tags in names, command lines and the filter show literally', async () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(hostile());
  const text = t.text();
  const row = text.split('\n').find((l) => l.includes('6667'))!;
  assert.match(row, /^ +6667 root +\{bold\}x\{\/bold\} \{red-fg\}\{open\} /);
  const out = t.h.written().toString('utf8');
  assert.ok(out.includes('{bold}x{/bold}'));
  await t.press('/', '{', 'b', 'o', 'l', 'd', '}');
  assert.match(t.text(), /filter: \{bold\}_/);
  await t.press(KEYS.enter, 'k');
  assert.match(t.text(), /│pid 6667 {2}\{bold\}x\{\/bold\} {2}user root/);
  t.close();
});

test('container names and the ownership note are shown as inert text in every grouping', async () => {
  const evil = `${RETITLE}{red-fg}web\x1b[2J`;
  const s = snapshot([...demoProcesses(), proc({ pid: 6668, name: 'app', sentRate: 5e9, receivedRate: 5e9, container: evil })]);
  s.ownership = { mode: 'polling', note: `owners from /proc polling${RETITLE}{bold}` };
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(s);
  assert.match(t.text(), /owners from \/proc polling\{bold\}/, 'the ownership note in the footer');
  await t.press('g', 'g');
  t.app.update(s);
  const out = t.h.written().toString('utf8');
  assert.ok(!out.includes('\x07') && !out.includes('\x1b]'));
  assert.deepEqual(foreignEscapes(out), []);
  assert.match(t.text(), /\{red-fg\}web ×1 \(container\)/);
  t.close();
});
