// The terminal is given back whole, however the screen ends: q, SIGTERM, SIGHUP or SIGINT from
// outside, and an error nobody caught (its message then printed on the restored terminal). Checked
// in a real terminal (a private tmux server) by what tmux knows of the pane: the alternate screen
// left, the cursor shown, mouse reporting off, and `stty -a` run in the same terminal afterwards
// (echo, canonical input, signals, CR translation and output processing all on again). Also: a
// resize (SIGWINCH) redraws at the new size, and `--json | head -1` ends quietly with status 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { BWTOP, SKIP, createNetns, killAll, sleep, tmp } from './harness.js';
import { TmuxPane } from './tmux-pane.js';

const DIR = tmp('bwtop-restore-');
const pane = new TmuxPane(DIR, 'bwtop-restore');
const STATUS = join(DIR, 'status');
const STTY = join(DIR, 'stty');
const noTmux = spawnSync('tmux', ['-V']).status !== 0 ? 'tmux is not installed' : false;

afterEach(() => {
  killAll();
  pane.kill();
});

const FIXTURE = new URL('../../../fixtures/session/loopback-web/', import.meta.url).pathname;
// A replay holds the screen until q: no capture and no privilege needed.
const REPLAY = [process.execPath, BWTOP, '--replay', `${FIXTURE}capture.pcap`, '--proc-root', `${FIXTURE}proc`, '--no-config'];

const ENV = { LANG: 'C.UTF-8', TERM: 'xterm-256color' };
const THEN = `stty -a > ${STTY}; exec sleep 600`;

/** bwtop's screen in the pane, then its status and `stty -a` of the same terminal; the pane stays. */
async function startScreen(argv: string[]): Promise<number> {
  pane.start(argv.join(' '), ENV, STATUS, THEN);
  await pane.until('the screen should be up', (x) => /sent .*received/.test(x) && /\bq\b/.test(x), 15_000);
  assert.equal(pane.display('#{alternate_on}'), '1', 'the screen runs on the alternate screen');
  // The pane's shell is bwtop's parent (`ip netns exec` execs bwtop in place).
  const r = spawnSync('pgrep', ['-P', pane.display('#{pane_pid}')], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim().split('\n')[0]);
  assert.ok(pid > 0, `bwtop's pid under the pane: ${r.stdout}`);
  return pid;
}

/** After bwtop ended: its exit status and a terminal as the shell wants it. */
async function assertRestored(status: string): Promise<string> {
  assert.equal(await pane.status(STATUS, 8000), status, 'exit status');
  let stty = '';
  for (let i = 0; i < 50 && !/\becho\b/.test(stty); i++, await sleep(100)) stty = readFileSync(STTY, { encoding: 'utf8', flag: 'a+' });
  for (const flag of ['echo', 'icanon', 'isig', 'iexten', 'icrnl', 'ixon', 'opost', 'onlcr']) {
    assert.match(stty, new RegExp(`(^|\\s)${flag}(\\s|$)`), `stty -a shows ${flag} on:\n${stty}`);
  }
  assert.equal(pane.display('#{alternate_on}'), '0', 'the alternate screen is left');
  assert.equal(pane.display('#{cursor_flag}'), '1', 'the cursor is visible');
  assert.equal(pane.display('#{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag}'), '000', 'mouse reporting is off');
  return pane.text();
}

test('q restores the terminal', { skip: noTmux, timeout: 30_000 }, async () => {
  await startScreen(REPLAY);
  pane.keys('q');
  const text = await assertRestored('0');
  assert.doesNotMatch(text, /bwtop:/, 'nothing printed');
});

for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
  test(`${sig} from outside restores the terminal and exits 0`, { skip: noTmux, timeout: 30_000 }, async () => {
    const pid = await startScreen(REPLAY);
    process.kill(pid, sig);
    const text = await assertRestored('0');
    assert.doesNotMatch(text, /bwtop:|Error/, 'nothing printed');
  });
}

test('an uncaught error restores the terminal first, then is printed on it (status 70)', { skip: noTmux, timeout: 30_000 }, async () => {
  // The error comes right after the first frame: no waiting for the screen here.
  pane.start(REPLAY.join(' '), { ...ENV, BWTOP_TEST_CRASH: 'uncaught' }, STATUS, THEN);
  const text = await assertRestored('70');
  // Written after the restore, the message is on the normal screen (the alternate one is gone).
  assert.match(text, /^bwtop: internal error: Error: BWTOP_TEST_CRASH: an uncaught error/m);
});

test('a resize (SIGWINCH) redraws at the new size', { skip: noTmux, timeout: 30_000 }, async () => {
  await startScreen(REPLAY);
  const width = (x: string): number => Math.max(...x.split('\n').map((l) => l.trimEnd().length));
  assert.equal(width(pane.text()), 120);
  pane.tmux('resize-window', '-t', pane.session, '-x', '90', '-y', '30');
  const s = await pane.until('the screen should be drawn 90 wide', (x) => width(x) === 90 && /\bq\b/.test(x.split('\n')[29] ?? ''));
  assert.match(s.split('\n')[2]!, /^┌.*┐$/, 'the chart boxes end at the new edge');
  pane.tmux('resize-window', '-t', pane.session, '-x', '120', '-y', '40');
  await pane.until('the screen should be drawn 120 wide again', (x) => width(x) === 120);
  pane.keys('q');
  await assertRestored('0');
});

test('live capture: SIGTERM from outside restores the terminal', { skip: SKIP || noTmux, timeout: 30_000 }, async (t) => {
  const ns = createNetns('bwtop-restore');
  t.after(ns.remove);
  const pid = await startScreen([...ns.run(process.execPath, [BWTOP, '-i', 'lo', '--no-config']).flat()]);
  process.kill(pid, 'SIGTERM');
  await assertRestored('0');
});

/** `bwtop ... | head -1` in a shell: bwtop's status, the line head printed, and bwtop's stderr. */
function headOne(argv: string[]): { status: string; line: string; stderr: string } {
  const q = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  const script = `${argv.map(q).join(' ')} 2>${DIR}/head-err | head -1; echo "\${PIPESTATUS[0]}" >&2`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.stderr.trim(), line: r.stdout, stderr: readFileSync(`${DIR}/head-err`, 'utf8') };
}

test('--json | head -1 ends quietly with status 0 (replay)', () => {
  const r = headOne([...REPLAY.filter((a) => a !== '--no-config'), '--json']);
  assert.equal(r.status, '0');
  assert.equal(r.stderr, '');
  assert.equal(r.line.split('\n').length, 2);
  assert.ok(JSON.parse(r.line).capture);
});

test('--json | head -1 ends quietly with status 0 (live capture)', { skip: SKIP, timeout: 30_000 }, async () => {
  const r = headOne([process.execPath, BWTOP, '--json', '-i', 'lo', '-d', '0.1']);
  assert.equal(r.status, '0');
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.line).capture.interfaces, ['lo']);
});
