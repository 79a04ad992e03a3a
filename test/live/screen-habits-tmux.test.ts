// The screen as htop and btop users drive it, in a real terminal (a private tmux server): a
// process holding a listener, a busy connection, an idle one and a UDP socket shows every one of
// them in the drill-down, busy first, as many TCP sockets as `ss -tanp` lists for its pid; F9
// opens the kill dialog; a click on the RECEIVED heading (the terminal's own SGR report) sorts by
// it; `g` groups the rows; F10 quits with 0; the sort is remembered at the next start; a
// settings file with garbage in it gives one footer line and the defaults.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BWTOP, SKIP, createNetns, inNs, killAll, tmp, track, waitFor } from './harness.js';
import { TmuxPane } from './tmux-pane.js';

const DIR = tmp('bwtop-habits-');
const pane = new TmuxPane(DIR);

afterEach(() => {
  killAll();
  pane.kill();
});

// One node process: a listener, an idle connection to it and a busy one (both ends of each in this
// process), and a bound UDP socket.
const HOLDER = `
const net = require('net'), dgram = require('dgram');
const srv = net.createServer((s) => s.on('data', () => {}));
srv.listen(7001, '127.0.0.1', () => {
  net.connect(7001, '127.0.0.1');
  const busy = net.connect(7001, '127.0.0.1', () => setInterval(() => busy.write(Buffer.alloc(32768)), 20));
  dgram.createSocket('udp4').bind(7002, '127.0.0.1', () => console.log('ready'));
});`;

/** The holder in a namespace of the test's own, and bwtop watching it in the pane. */
async function start(t: {
  after(fn: () => void): void;
}): Promise<{ pid: number; ns: string; row: RegExp; bwtop: string; env: Record<string, string>; config: string; statusFile: string }> {
  const ns = createNetns('bwtop-habits');
  t.after(ns.remove);
  const holder = track(spawn(...inNs(ns, process.execPath, ['-e', HOLDER]), { stdio: ['ignore', 'pipe', 'ignore'] }));
  await waitFor(holder, 'stdout', /ready/);
  const pid = holder.pid!;
  const config = join(DIR, `config-${pid}`);
  const statusFile = join(DIR, 'status');
  const env = { LANG: 'C.UTF-8', XDG_CONFIG_HOME: config };
  const bwtop = inNs(ns, process.execPath, [BWTOP, '-i', 'lo']).flat().join(' ');
  pane.start(bwtop, env, statusFile);
  const row = new RegExp(`^\\s*${pid}\\s+root\\s+node\\b`, 'm');
  await pane.until('the holder should be listed', (x) => row.test(x), 15_000);
  return { pid, ns: ns.name, row, bwtop, env, config, statusFile };
}

const noTmux = spawnSync('tmux', ['-V']).status !== 0 ? 'tmux is not installed' : false;

test('the drill-down shows every socket of the process, busy first, as many TCP sockets as ss lists', {
  skip: SKIP || noTmux,
  timeout: 60_000,
}, async (t) => {
  const { pid, ns, statusFile } = await start(t);
  const ss = spawnSync('ip', ['netns', 'exec', ns, 'ss', '-tanp'], { encoding: 'utf8' }).stdout;
  const tcp = ss.split('\n').filter((l) => l.includes(`pid=${pid},`)).length;
  assert.equal(tcp, 5, `ss lists the listener and both ends of two connections:\n${ss}`);
  pane.keys('/');
  pane.keys('-l', String(pid));
  pane.keys('Enter', 'Enter');
  const s = await pane.until(
    'the drill-down should count every socket',
    (x) => x.includes(`${tcp + 1} sockets (${tcp} TCP, 1 UDP), 2 active`),
    10_000,
  );
  const sockets = s.split('\n').filter((l) => /^(tcp|udp)\s/.test(l));
  assert.equal(sockets.length, tcp + 1, s);
  assert.match(sockets[0]!, /ESTAB.*\/s/, 'busy first, with rates');
  assert.match(sockets[1]!, /ESTAB.*\/s/);
  assert.ok(
    sockets.slice(2).every((l) => /idle|listening/.test(l)),
    s,
  );
  assert.ok(
    sockets.slice(-2).every((l) => /LISTEN/.test(l)),
    'listeners last',
  );
  pane.keys('q');
  assert.equal(await pane.status(statusFile), '0');
});

test('F9, a click on a heading, g, F10, and settings remembered (a bad file: one line, defaults)', {
  skip: SKIP || noTmux,
  timeout: 120_000,
}, async (t) => {
  const { row, bwtop, env, config, statusFile } = await start(t);
  // Both ends of a connection are written the same way.
  pane.keys('Enter');
  let s = await pane.until('the drill-down should show the busy connection', (x) => /^tcp .*ESTAB/m.test(x));
  const either = (a: string, b: string): string => `${a}\\s+${b}|${b}\\s+${a}`; // client to server or back
  assert.match(
    s,
    new RegExp(`^tcp\\s+(${either('localhost:\\d+', 'localhost:7001')}|${either('127\\.0\\.0\\.1:\\d+', '127\\.0\\.0\\.1:7001')})\\s`, 'm'),
  );
  pane.keys('Escape');

  // A click on the RECEIVED heading sorts by received (the marker moves there).
  s = await pane.until('back in the whole list', (x) => /SENT\+RECV▼/.test(x) && row.test(x));
  const lines = s.split('\n');
  const y = lines.findIndex((l) => /^\s+PID\S*\s+USER/.test(l));
  pane.click(lines[y]!.indexOf('RECEIVED') + 2, y);
  await pane.until('a click on RECEIVED should sort by it', (x) => /RECEIVED▼/.test(x));

  pane.keys('F9');
  await pane.until('F9 should open the kill dialog', (x) => /kill process/.test(x) && /SIGTERM/.test(x));
  pane.keys('Escape');
  await pane.until('Esc cancels', (x) => /cancelled/.test(x));

  pane.keys('g');
  await pane.until('g should group by program', (x) => /grouped by program/.test(x) && row.test(x));
  pane.keys('g');
  await pane.until('g again groups by container or service', (x) => /^\s+-\s+\S+\s+host ×\d+/m.test(x));
  pane.keys('g');
  await pane.until('and back to processes', (x) => row.test(x) && !/grouped by/.test(x.split('\n').slice(0, 2).join('\n')));

  pane.keys('F10');
  assert.equal(await pane.status(statusFile), '0', 'F10 quits with status 0');
  pane.kill();
  const saved = JSON.parse(readFileSync(join(config, 'bwtop', 'config.json'), 'utf8')) as { sort: string; grouping: string };
  assert.equal(saved.sort, 'received');
  assert.equal(saved.grouping, 'process');

  // Started again: still sorted by received.
  pane.start(bwtop, env, statusFile);
  await pane.until('the sort should be remembered', (x) => /RECEIVED▼/.test(x) && row.test(x), 15_000);
  pane.keys('q');
  assert.equal(await pane.status(statusFile), '0');
  pane.kill();

  // Garbage in the file: one footer line, the defaults.
  writeFileSync(join(config, 'bwtop', 'config.json'), '{ this is not json');
  pane.start(bwtop, env, statusFile);
  s = await pane.until(
    'a bad file should be reported',
    (x) => /ignoring .*config\.json: it is not valid JSON/.test(x) && row.test(x),
    15_000,
  );
  assert.match(s, /SENT\+RECV▼/, 'the default sort');
  pane.keys('q');
  assert.equal(await pane.status(statusFile), '0');
});

test('after a replay has been read to its end the header says so, and q still quits with 0', {
  skip: noTmux,
  timeout: 60_000,
}, async () => {
  const session = join(BWTOP, '..', '..', '..', '..', 'fixtures', 'session', 'loopback-web');
  const statusFile = join(DIR, 'status-replay');
  const cmd = [
    process.execPath,
    BWTOP,
    '--replay',
    join(session, 'capture.pcap'),
    '--proc-root',
    join(session, 'proc'),
    '--no-config',
  ].join(' ');
  pane.start(cmd, { LANG: 'C.UTF-8' }, statusFile);
  const s = await pane.until('the header should say the capture ended', (x) => /capture ended: replay finished, q quits/.test(x), 15_000);
  assert.match(s.split('\n')[0]!, /^bwtop \S+ {2}\[capture ended: replay finished, q quits\]/);
  pane.keys('q');
  assert.equal(await pane.status(statusFile), '0');
});
