// Remembered settings: the file's format, atomic writes into $XDG_CONFIG_HOME/bwtop, a bad file
// reported once and ignored, and (as root under sudo) nothing left owned by root in the user's
// home. Each test uses its own temporary folder.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSettingsText, settingsPath, writeSettingsText } from '../../src/adapters/settings-file.js';
import { parseSettings, serializeSettings } from '../../src/core/view/settings-file.js';
import { demoSnapshot } from './fixture.js';
import { click, KEYS, startApp, tablePids } from './harness.js';

function folder(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bwtop-settings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('settings path: XDG_CONFIG_HOME, else ~/.config', () => {
  assert.equal(settingsPath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/a' }), '/x/cfg/bwtop/config.json');
  assert.equal(settingsPath({ HOME: '/home/a' }), '/home/a/.config/bwtop/config.json');
  assert.equal(
    settingsPath({ XDG_CONFIG_HOME: 'relative', HOME: '/home/a' }),
    '/home/a/.config/bwtop/config.json',
    'a relative XDG path is ignored, as the spec says',
  );
});

test('a round trip keeps every setting; garbage and bad values give one sentence and no settings', () => {
  const s = { sort: { key: 'received' as const, reversed: true }, units: 'bits' as const, grouping: 'program' as const, names: false };
  assert.deepEqual(parseSettings(serializeSettings(s), 'f'), { settings: s, error: null });
  const garbage = parseSettings('{{{ not json', '/cfg/bwtop/config.json');
  assert.deepEqual(garbage.settings, {});
  assert.equal(garbage.error, 'ignoring /cfg/bwtop/config.json: it is not valid JSON; fix or delete it (defaults are used)');
  assert.match(parseSettings('{"sort":"speed"}', 'f').error!, /bad value for sort/);
  assert.match(parseSettings('[1]', 'f').error!, /should hold a JSON object/);
  assert.deepEqual(parseSettings('{"units":"total","other":1}', 'f'), { settings: { units: 'total' }, error: null });
});

test('writes are atomic: folders made, the file replaced by rename, no temporary file left', (t) => {
  const dir = folder(t);
  const path = settingsPath({ XDG_CONFIG_HOME: dir })!;
  assert.equal(readSettingsText(path), null);
  assert.equal(writeSettingsText(path, '{"units":"bits"}\n', {}), null);
  assert.equal(writeSettingsText(path, '{"units":"total"}\n', {}), null);
  assert.equal(readSettingsText(path), '{"units":"total"}\n');
  assert.deepEqual(readdirSync(join(dir, 'bwtop')), ['config.json']);
  writeFileSync(join(dir, 'file'), '');
  assert.match(writeSettingsText(join(dir, 'file', 'bwtop', 'config.json'), '{}', {})!, /^cannot save settings to .*: (ENOTDIR|EEXIST)$/);
});

test("as root under sudo, what is created in the user's home belongs to the user", {
  skip: process.getuid?.() !== 0 ? 'needs root' : false,
}, (t) => {
  const home = folder(t);
  mkdirSync(join(home, 'u'));
  chownSync(join(home, 'u'), 4242, 4243);
  const env = { HOME: join(home, 'u'), SUDO_UID: '4242', SUDO_GID: '4243' };
  const path = settingsPath(env)!;
  assert.equal(writeSettingsText(path, '{}\n', env), null);
  for (const p of [join(home, 'u', '.config'), join(home, 'u', '.config', 'bwtop'), path]) {
    const st = statSync(p);
    assert.deepEqual([st.uid, st.gid], [4242, 4243], p);
  }
});

test('the screen starts with the remembered settings and saves what keys and clicks change', async () => {
  const saved: unknown[] = [];
  const t = startApp({
    cols: 120,
    rows: 40,
    deps: {
      settings: { sort: { key: 'pid', reversed: false } },
      saveSettings: (s) => {
        saved.push(s);
        return null;
      },
    },
  });
  t.app.update(demoSnapshot());
  assert.deepEqual(tablePids(t.text()), [1, 590, 611, 733, 812, 2222, 4242, 5201, 5310]);
  const heading = t
    .text()
    .split('\n')
    .findIndex((l) => /^ +PID/.test(l));
  const x = t.text().split('\n')[heading]!.indexOf('RECEIVED');
  await t.press(click(x, heading));
  assert.match(t.text(), /RECEIVED▼/, 'a click on RECEIVED sorts by it, biggest first');
  assert.deepEqual(saved.at(-1), { sort: { key: 'received', reversed: false }, units: 'bytes', grouping: 'process', names: true });
  await t.press(click(x, heading));
  assert.match(t.text(), /RECEIVED▲/, 'again reverses');
  await t.press(KEYS.down);
  assert.equal(saved.length, 2, 'moving does not save');
  t.close();
});

test('a bad settings file shows one footer line and the defaults', () => {
  const t = startApp({
    cols: 120,
    rows: 40,
    deps: { notice: { text: 'ignoring /c/bwtop/config.json: it is not valid JSON; fix or delete it (defaults are used)', error: true } },
  });
  t.app.update(demoSnapshot());
  const lines = t.text().split('\n');
  assert.equal(lines[38], 'ignoring /c/bwtop/config.json: it is not valid JSON; fix or delete it (defaults are used)');
  assert.match(t.text(), /SENT\+RECV▼/);
  t.close();
});
