// Grid snapshots built from buildFrame alone (no blessed): the list in each sort and unit,
// filtered, paused and empty; the drill-down with every socket; the kill dialog; the help; the
// sort menu; and the grouped views.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFrame } from '../../src/core/view/frame.js';
import { onEnded } from '../../src/core/view/screen-state.js';
import type { SortKey } from '../../src/core/view/sort.js';
import { demoProcesses, demoSnapshot, snapshot, T0 } from '../ui/fixture.js';
import { matchSnapshot } from '../ui/snapshot.js';
import { frameGrid } from './frame-grid.js';
import { drive, ENV } from './frame-helpers.js';
import { groupedSnapshot } from './grouped-fixture.js';

const grid = (snaps: Parameters<typeof drive>[0], actions: Parameters<typeof drive>[1], size?: Parameters<typeof drive>[2]): string =>
  frameGrid(drive(snaps, actions, size).frame);

for (const key of ['sent', 'received', 'total', 'pid', 'name'] as SortKey[]) {
  test(`frame: the list sorted by ${key}`, () => {
    const text = grid([demoSnapshot()], key === 'total' ? [] : [{ type: 'sort', key }]);
    matchSnapshot(`frame-sort-${key}`, text);
    const heading = text.split('\n').find((l) => l.includes('PID'))!;
    const marked = { sent: / SENT▼/, received: /RECEIVED▼/, total: /SENT\+RECV▼/, pid: /PID▲/, name: /PROGRAM▲/ }[key];
    assert.match(heading, marked);
  });
}

test('frame: each unit (bits/s, then totals), the bar heading and chart ticks on 1-2-5 steps', () => {
  const wide = { cols: 120, rows: 40 };
  const bits = grid([demoSnapshot()], [{ type: 'units' }], wide);
  matchSnapshot('frame-units-bits', bits);
  assert.match(bits, /units rate, bits\/s/);
  assert.match(bits, /944 Mbit\/s/);
  const total = grid([demoSnapshot()], [{ type: 'units' }, { type: 'units' }], wide);
  matchSnapshot('frame-units-total', total);
  assert.match(total, /SENT TOTAL +RECV TOTAL SENT\+RECV▼/);
  assert.match(total, /units total bytes/);
  const bytes = drive([demoSnapshot()], []).frame;
  for (const p of bytes.chart.panels) {
    const lead = Number(String(p.step).replace(/0|\./g, ''));
    assert.ok([1, 2, 5].includes(lead), `step ${p.step} is 1, 2 or 5 times a power of ten`);
    assert.equal(p.top % p.step, 0);
  }
});

test('frame: filtered, paused, empty and waiting', () => {
  const filtered = grid(
    [demoSnapshot()],
    [{ type: 'filterStart' }, ...[...'iperf'].map((ch) => ({ type: 'promptChar' as const, ch })), { type: 'promptKeep' }],
    { cols: 120, rows: 40 },
  );
  matchSnapshot('frame-filtered', filtered);
  assert.match(filtered, /filter: iperf \(2 of 9\)/);
  assert.match(filtered, /2 of 9 processes/);
  const none = grid([demoSnapshot()], [{ type: 'filterStart' }, { type: 'promptChar', ch: 'z' }]);
  assert.match(none, /no process matches "z"/);

  // Paused: the screen keeps the first refresh while the second waits; resuming shows it.
  const busier = demoProcesses();
  busier[0]!.sentRate = 5e9;
  const d = drive([demoSnapshot()], [{ type: 'pause' }]);
  matchSnapshot('frame-paused', frameGrid(d.frame));
  assert.match(frameGrid(d.frame), /\[PAUSED\]/);
  const empty = grid([snapshot([])], []);
  matchSnapshot('frame-empty', empty);
  assert.match(empty, /no traffic tied to a process yet/);
  assert.match(empty, /0 processes/);
  assert.match(grid([null], []), /waiting for the first refresh/);
});

test('frame: the drill-down lists every socket, busy first, idle dimmed with totals, listeners marked', () => {
  const s = groupedSnapshot();
  const size = { cols: 120, rows: 40 };
  const d = drive(
    [s],
    [{ type: 'filterStart' }, ...[...'700'].map((ch) => ({ type: 'promptChar' as const, ch })), { type: 'promptKeep' }, { type: 'drill' }],
    size,
  );
  const text = frameGrid(d.frame);
  matchSnapshot('frame-drill-down', text);
  assert.match(text, /5 sockets \(4 TCP, 1 UDP\), 2 active/);
  const rows = text.split('\n').filter((l) => /^(tcp|udp)/.test(l));
  assert.equal(rows.length, 5);
  assert.match(rows[0]!, /127\.0\.0\.1:40100 .*ESTABLISHED .*KiB\/s/);
  assert.match(rows[1]!, /127\.0\.0\.1:40104 .*B\/s/);
  assert.match(rows[2]!, /127\.0\.0\.1:40102 .*5\.1 KiB +880 B idle/);
  assert.match(rows[3]!, /LISTEN .*listening/);
  assert.match(rows[4]!, /^udp .*LISTEN .*listening/);
  // Idle rows are dimmed: every segment of their line has the dim role.
  const idleLine = d.frame.body.lines.find((l) => l.some((seg) => seg.text.includes('40102')))!;
  assert.ok(idleLine.filter((seg) => seg.text.trim()).every((seg) => seg.role === 'dim'));
  const sshd = grid(
    [demoSnapshot()],
    [
      { type: 'filterStart' },
      { type: 'promptChar', ch: '7' },
      { type: 'promptChar', ch: '3' },
      { type: 'promptChar', ch: '3' },
      { type: 'promptKeep' },
      { type: 'drill' },
    ],
  );
  assert.match(sshd, /1 socket \(1 TCP\), 1 active/, 'one socket, not "1 sockets"');
});

test('frame: the kill dialog, the help and the sort menu', () => {
  const kill = grid([demoSnapshot()], [{ type: 'kill' }]);
  matchSnapshot('frame-kill-dialog', kill);
  assert.match(kill, /│pid 5201 {2}iperf3 {2}user root/);
  assert.match(kill, /│> 1 SIGTERM/);
  const help = grid([demoSnapshot()], [{ type: 'help' }]);
  matchSnapshot('frame-help', help);
  for (const k of ['F1', 'F3', 'F4', 'F6', 'F9', 'F10', '│g ']) assert.ok(help.includes(k), k);
  const menu = grid([demoSnapshot()], [{ type: 'sortMenu' }, { type: 'menuMove', delta: 1 }, { type: 'menuMove', delta: 1 }]);
  matchSnapshot('frame-sort-menu', menu);
  assert.match(menu, /│> r {2}received/);
  assert.match(menu, /│ {2}t {2}sent \+ received ▼/);
});

test('frame: grouped by program, then by container/service, then back to processes', () => {
  const size = { cols: 120, rows: 40 };
  const byProgram = grid([groupedSnapshot()], [{ type: 'group' }], size);
  matchSnapshot('frame-group-program', byProgram);
  assert.match(byProgram, /^ +- www-data nginx ×4 .* 4$/m, 'nginx master and workers as one row, their sockets counted');
  assert.match(byProgram, /^ +- root +curl ×4 \(short-lived\)/m);
  assert.match(byProgram, /^ +700 postgres postgres /m, 'a program with one process stays that process');
  assert.match(byProgram, /grouped by program/);
  const byContainer = grid([groupedSnapshot()], [{ type: 'group' }, { type: 'group' }], size);
  matchSnapshot('frame-group-container', byContainer);
  assert.match(byContainer, /web ×2 \(container\)/);
  assert.match(byContainer, /nginx\.service ×4/);
  assert.match(byContainer, /host ×5/, 'sshd, and the four curl pids of the program entry');
  const back = grid([groupedSnapshot()], [{ type: 'group' }, { type: 'group' }, { type: 'group' }], size);
  const head = back.split('\n').slice(0, 2).join('\n');
  assert.match(head, /8 processes \+1 short-lived/);
  assert.doesNotMatch(head, /grouped by/);
});

test('frame: a program entry row in the process view, and drilling into a group lists its members', () => {
  const size = { cols: 120, rows: 40 };
  const list = grid([groupedSnapshot()], [], size);
  matchSnapshot('frame-program-entry', list);
  assert.match(list, /^ +- root +curl ×4 \(short-lived\) -s http/m);
  // Grouped by program, the nginx group is the second row; Enter opens its members.
  const members = drive([groupedSnapshot()], [{ type: 'group' }, { type: 'move', move: 'down' }, { type: 'drill' }], size);
  const text = frameGrid(members.frame);
  matchSnapshot('frame-group-members', text);
  const pids = text
    .split('\n')
    .map((l) => /^ +(\d+) www-data nginx/.exec(l)?.[1])
    .filter(Boolean);
  assert.deepEqual(pids, ['811', '812', '813', '810']);
  assert.ok(T0 > 0);
});

test('frame: / matches container names; the header says when a replay has ended', () => {
  const size = { cols: 120, rows: 40 };
  const web = grid(
    [groupedSnapshot()],
    [{ type: 'filterStart' }, ...[...'web'].map((ch) => ({ type: 'promptChar' as const, ch })), { type: 'promptKeep' }],
    size,
  );
  const pids = web
    .split('\n')
    .map((l) => /^ +(\d+) /.exec(l)?.[1])
    .filter(Boolean);
  assert.deepEqual(pids, ['9100', '9101']);
  const d = drive([demoSnapshot()], []);
  const ended = frameGrid(buildFrame(onEnded(d.state), size, ENV));
  assert.match(ended.split('\n')[0]!, /^bwtop lab1 {2}\[capture ended: replay finished, q quits\]/);
  assert.doesNotMatch(frameGrid(d.frame), /capture ended/);
});

test('frame: a captured interface that was deleted or went down is named in the header', () => {
  const s = demoSnapshot();
  s.capture.interfaces = ['lo'];
  s.capture.lost = [
    { name: 'veth3', why: 'deleted' },
    { name: 'eth1\x1b[31m', why: 'down' },
  ];
  const header = grid([s], [], { cols: 120, rows: 40 }).split('\n')[0]!;
  assert.match(header, /if lo .*lost veth3 deleted, eth1 down$/);
  assert.doesNotMatch(grid([demoSnapshot()], [], { cols: 120, rows: 40 }).split('\n')[0]!, /lost/);
});
