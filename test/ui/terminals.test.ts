// Terminal types, locales and NO_COLOR: the screen must be usable on each, degrade to ASCII and to
// monochrome, and refuse a terminal that cannot position the cursor.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localeIsUtf8 } from '../../src/core/view/locale.js';
import { createTerminalScreen, noColor, UnsupportedTerminalError } from '../../src/ui/screen.js';
import { demoSnapshot } from './fixture.js';
import { startApp, tablePids } from './harness.js';
import { matchSnapshot } from './snapshot.js';

const SGR_COLOUR = /\x1b\[[0-9;]*(?:^|;|\[)(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;

function sgrParams(out: string): string[] {
  return [...out.matchAll(/\x1b\[([0-9;]*)m/g)].flatMap((m) => m[1]!.split(';'));
}

for (const term of ['xterm', 'xterm-256color', 'screen', 'screen-256color', 'tmux', 'tmux-256color', 'linux', 'vt100']) {
  test(`TERM=${term}: 80x24 draws every row and the key hints`, () => {
    const t = startApp({ cols: 80, rows: 24, term });
    t.app.update(demoSnapshot());
    const text = t.text();
    const lines = text.split('\n');
    assert.equal(lines.length, 24);
    assert.equal(tablePids(text).length, 9);
    assert.match(lines[23]!, /^q quit/);
    if (term === 'linux' || term === 'vt100') {
      assert.match(text, /#{5}/, 'ASCII bars and charts on console fonts');
      assert.doesNotMatch(text, /[▏▎▍▌▋▊▉█⠀-⣿]/u);
    }
    t.close();
  });
}

test('NO_COLOR: no colour codes at all, selection still inverse, emphasis bold', () => {
  const t = startApp({ cols: 120, rows: 40, env: { LANG: 'C.UTF-8', NO_COLOR: '1' } });
  t.app.update(demoSnapshot());
  const out = t.h.written().toString('utf8');
  const params = new Set(sgrParams(out));
  for (const p of params) assert.ok(!/^(3\d|4\d|9[0-7]|10[0-7]|38|48)$/.test(p), `colour SGR ${p} written`);
  assert.ok(params.has('7') && params.has('1'));
  assert.doesNotMatch(out, SGR_COLOUR);
  t.close();
});

test('with colour, exited rows are grey and sent/received coloured', () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(demoSnapshot());
  const out = t.h.written().toString('utf8');
  assert.match(out, /\x1b\[90m +2222/);
  assert.ok(new Set(sgrParams(out)).has('33'));
  t.close();
});

test('non-UTF-8 locale: pure ASCII output, ASCII bars, markers and charts', async () => {
  const t = startApp({ cols: 80, rows: 24, env: { LANG: 'C' } });
  t.app.update(demoSnapshot());
  const out = t.h.written();
  assert.ok(
    out.every((b) => b < 0x80),
    'every byte is ASCII',
  );
  const text = t.text();
  matchSnapshot('list-80x24-ascii', text);
  assert.match(text, /SENT\+RECVv/);
  await t.press('t');
  assert.match(t.text(), /SENT\+RECV\^/);
  t.close();
});

test('locale precedence: LC_ALL, then LC_CTYPE, then LANG; NO_COLOR only when non-empty', () => {
  assert.equal(localeIsUtf8({ LANG: 'en_US.UTF-8' }), true);
  assert.equal(localeIsUtf8({ LANG: 'en_US.UTF-8', LC_ALL: 'C' }), false);
  assert.equal(localeIsUtf8({ LANG: 'C', LC_CTYPE: 'de_DE.utf8' }), true);
  assert.equal(localeIsUtf8({}), false);
  assert.equal(noColor({ NO_COLOR: '' }), false);
  assert.equal(noColor({ NO_COLOR: '0' }), true);
});

test('a terminal that cannot position the cursor is refused with one sentence', () => {
  for (const TERM of ['dumb', undefined]) {
    assert.throws(
      () => createTerminalScreen({ TERM }),
      (e: unknown) => {
        assert.ok(e instanceof UnsupportedTerminalError);
        assert.match(e.message, /cannot position the cursor.*set TERM .*or use --json$/);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      },
    );
  }
});

test('help overlay lists every key and closes with ?', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  const before = t.text();
  await t.press('?');
  const text = t.text();
  matchSnapshot('help-80x24', text);
  for (const k of [
    '│s r t p n ',
    '│F6 ',
    '│Up Dn PgUp PgDn ',
    '│Home End ',
    '│Enter Right ',
    '│Esc Left Bksp ',
    '│g ',
    '│k F9 ',
    '│/ F4 ',
    '│F3 ',
    '│m ',
    '│d ',
    '│Space ',
    '│Ctrl-L ',
    '│? F1 ',
    '│q F10 Ctrl-C ',
  ])
    assert.ok(text.includes(k), k);
  await t.press('?');
  assert.equal(t.text(), before);
  t.close();
});

test('tiny and odd sizes draw without failing, and keys still work', async () => {
  for (const [cols, rows] of [
    [1, 1],
    [20, 5],
    [39, 30],
    [40, 22],
    [61, 23],
    [81, 25],
    [250, 70],
  ] as const) {
    const t = startApp({ cols, rows });
    t.app.update(demoSnapshot());
    await t.press('s', '\x1b[B', '\r', 'k', '\x1b', '\x1b', '?', '?', 'm');
    t.h.resize(cols + 7, rows + 3);
    t.app.update(demoSnapshot());
    assert.equal(t.text().split('\n').length, rows + 3);
    t.close();
  }
});
