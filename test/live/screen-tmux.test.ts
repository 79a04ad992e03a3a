// The screen in a real terminal, driven as an admin would: bwtop in tmux (120x40) over live
// iperf3 traffic on lo, inside a network namespace of the test's own. The client sends at
// 40 Mbit/s and the server answers with acknowledgements only, so the sender and the receiver
// are unmistakable: `s` puts the client first, `r` the server; `/` + pid leaves that row;
// Enter shows its connection to the server's port; Esc comes back; `k` `y` ends the client;
// `q` exits with status 0.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BWTOP, SKIP, createNetns, inNs, killAll, sleep, tmp, track, waitFor } from './harness.js';

const PORT = 5321;
const SESSION = 'bwtop-test';
// A tmux server of the test's own (socket in the test's temporary folder, no user config), never
// the user's default server: the test neither sees nor disturbs the user's sessions.
const DIR = tmp('bwtop-tmux-');
const SOCKET = join(DIR, 'tmux.sock');

afterEach(() => {
  killAll();
  spawnSync('tmux', ['-S', SOCKET, 'kill-server']);
});

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-S', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr}`);
  return r.stdout;
}

const pane = (): string => tmux('capture-pane', '-p', '-t', SESSION);
const keys = (...k: string[]): void => void tmux('send-keys', '-t', SESSION, ...k);

/** Wait until the screen satisfies `ok`, or fail with what it showed. */
async function until(what: string, ok: (screen: string) => boolean, timeoutMs = 8000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < end) {
    screen = pane();
    if (ok(screen)) return screen;
    await sleep(150);
  }
  throw new Error(`${what}; the screen showed:\n${screen}`);
}

/** Screen lines that are process rows (they start with a pid), in order. */
function rowPids(screen: string): number[] {
  return screen
    .split('\n')
    .map((l) => /^\s*(\d+)\s+\S+\s+iperf3\b/.exec(l))
    .filter((m) => m !== null)
    .map((m) => Number(m![1]));
}

test('the screen in tmux: sort, filter, drill-down, kill and quit on live iperf3 traffic', { skip: SKIP, timeout: 90_000 }, async (t) => {
  if (spawnSync('tmux', ['-V']).status !== 0) return t.skip('tmux is not installed');
  const ns = createNetns('bwtop-tmux');
  t.after(ns.remove);
  const server = track(
    spawn(...inNs(ns, 'iperf3', ['--forceflush', '-s', '-1', '-p', String(PORT), '-B', '127.0.0.1']), {
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  await waitFor(server, 'stdout', /Server listening/);
  const client = track(spawn(...inNs(ns, 'iperf3', ['-c', '127.0.0.1', '-p', String(PORT), '-t', '60', '-b', '40M']), { stdio: 'ignore' }));
  const exitFile = join(DIR, 'status');
  const [cmd, args] = inNs(ns, process.execPath, [BWTOP, '-i', 'lo']);
  tmux(
    'new-session',
    '-d',
    '-s',
    SESSION,
    '-x',
    '120',
    '-y',
    '40',
    '-e',
    'LANG=C.UTF-8',
    `${[cmd, ...args].join(' ')}; echo $? > ${exitFile}`,
  );

  const both = (s: string): boolean => rowPids(s).includes(client.pid!) && rowPids(s).includes(server.pid!);
  await until('both iperf3 processes should be listed', both, 15_000);
  await sleep(2500); // a couple of refreshes at full rate, so the rates are steady

  keys('s');
  let s = await until(
    'after s the sender (client) should be above the receiver',
    (x) => both(x) && rowPids(x).indexOf(client.pid!) < rowPids(x).indexOf(server.pid!),
  );
  assert.match(s, /SENT[^\n]*▼/, 'the sent column carries the sort marker');
  keys('r');
  s = await until(
    'after r the receiver (server) should be above the sender',
    (x) => both(x) && rowPids(x).indexOf(server.pid!) < rowPids(x).indexOf(client.pid!),
  );

  keys('/');
  keys('-l', String(client.pid));
  keys('Enter');
  s = await until('the filter by pid should leave only the client', (x) => rowPids(x).length === 1 && rowPids(x)[0] === client.pid);

  keys('Enter');
  s = await until(
    "Enter should show the client's connection to the server port",
    (x) => new RegExp(`(127\\.0\\.0\\.1|localhost):${PORT}\\b`).test(x) && /ESTAB/.test(x),
  );
  keys('Escape');
  s = await until('Esc should come back to the process list', (x) => rowPids(x).includes(client.pid!) && !/ESTAB/.test(x));

  keys('k');
  s = await until(
    'k should open the kill dialog for the client',
    (x) => x.includes(String(client.pid)) && /SIGTERM|TERM/.test(x) && /\by\b/.test(x),
  );
  keys('y');
  await until('y should end the client', () => client.exitCode !== null || client.signalCode !== null, 8000);
  // iperf3 catches SIGTERM and exits on its own terms; that it ended is what matters.
  s = await until('the status line should say the signal was sent', (x) => /sent SIGTERM to/.test(x));

  keys('q');
  const end = Date.now() + 5000;
  while (!existsSync(exitFile) && Date.now() < end) await sleep(100);
  assert.equal(readFileSync(exitFile, 'utf8').trim(), '0', 'q exits with status 0');
});
