import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionColumns, fitEndpoint, remoteLabel, sortConnections } from '../../src/core/view/connection-table.js';
import { filterProcesses, matchesFilter } from '../../src/core/view/filter.js';
import { lineText } from '../../src/core/view/line.js';
import { processColumns, processHeader, processRow, programText } from '../../src/core/view/process-table.js';
import { pressSortKey, sortMarker, sortProcesses, type SortState } from '../../src/core/view/sort.js';
import { processRowOf } from '../../src/core/view/rows.js';
import { conn, demoProcesses, proc } from '../ui/fixture.js';

const style = { units: 'bytes' as const, utf8: true, ascii: false };

test('columns fill the width exactly at 80, 100, 120 and 200 cells', () => {
  for (const w of [60, 80, 100, 120, 200]) {
    const cols = processColumns(w);
    assert.equal(cols.reduce((a, c) => a + c.width, 0) + cols.length - 1, w, `width ${w}`);
    for (const p of demoProcesses()) assert.equal([...lineText(processRow(processRowOf(p), cols, 1e9, style))].length, w);
  }
  assert.deepEqual(
    processColumns(80).map((c) => c.id),
    ['pid', 'user', 'name', 'sent', 'received', 'bar', 'conns'],
  );
  assert.deepEqual(
    processColumns(120).map((c) => c.id),
    ['pid', 'user', 'name', 'sent', 'received', 'bar', 'sentAlt', 'receivedAlt', 'conns'],
  );
  assert.ok(!processColumns(50).some((c) => c.id === 'user'), 'very narrow: user given up');
});

test('the sorted column carries the marker; ascending ▲, descending ▼, ASCII ^ v', () => {
  const cols = processColumns(80);
  const head = (s: SortState): string => lineText(processHeader(cols, s, style));
  assert.match(head({ key: 'sent', reversed: false }), / SENT▼ /);
  assert.match(head({ key: 'pid', reversed: false }), /PID▲ /);
  assert.match(head({ key: 'name', reversed: true }), /PROGRAM▼ /);
  assert.equal(sortMarker({ key: 'total', reversed: false }, true), 'v');
  assert.equal(sortMarker({ key: 'total', reversed: true }, true), '^');
});

test('program column: argv0 base name as the name when it is the program, else name then command line', () => {
  assert.deepEqual(programText('iperf3', '/usr/bin/iperf3 -s -p 5201'), ['iperf3', '-s -p 5201']);
  assert.deepEqual(programText('systemd-resolve', '/lib/systemd/systemd-resolved'), ['systemd-resolved', '']);
  assert.deepEqual(programText('evil', 'sshd: root@pts/0'), ['evil', 'sshd: root@pts/0']);
  assert.deepEqual(programText('kworker/0:1', ''), ['kworker/0:1', '']);
});

test('sorting: same key reverses, another key starts in its natural order, ties by pid', () => {
  let s: SortState = { key: 'total', reversed: false };
  s = pressSortKey(s, 'sent');
  assert.deepEqual(s, { key: 'sent', reversed: false });
  s = pressSortKey(s, 'sent');
  assert.deepEqual(s, { key: 'sent', reversed: true });
  s = pressSortKey(s, 'pid');
  assert.deepEqual(s, { key: 'pid', reversed: false });
  const tied = [30, 10, 20].map((pid) => proc({ pid, name: 'x', sentRate: 5, receivedRate: 5 }));
  assert.deepEqual(
    sortProcesses(tied, { key: 'sent', reversed: false }, 'bytes').map((p) => p.pid),
    [10, 20, 30],
  );
  assert.deepEqual(
    sortProcesses(tied, { key: 'sent', reversed: true }, 'bytes').map((p) => p.pid),
    [10, 20, 30],
  );
  const input = demoProcesses();
  const before = input.map((p) => p.pid);
  sortProcesses(input, { key: 'name', reversed: false }, 'bytes');
  assert.deepEqual(
    input.map((p) => p.pid),
    before,
    'input not modified',
  );
});

test('total units sort by bytes since start, not by rate', () => {
  const a = proc({ pid: 1, name: 'a', sentRate: 100, receivedRate: 0, age: 1 });
  const b = proc({ pid: 2, name: 'b', sentRate: 10, receivedRate: 0, age: 100 });
  assert.deepEqual(
    sortProcesses([a, b], { key: 'sent', reversed: false }, 'bytes').map((p) => p.pid),
    [1, 2],
  );
  assert.deepEqual(
    sortProcesses([a, b], { key: 'sent', reversed: false }, 'total').map((p) => p.pid),
    [2, 1],
  );
});

test('filter: digits match the pid exactly, text matches name/cmdline/user ignoring case', () => {
  const ps = demoProcesses();
  assert.deepEqual(
    filterProcesses(ps, '5201').map((p) => p.pid),
    [5201],
    'not 5310, whose command line has 5201',
  );
  assert.deepEqual(
    filterProcesses(ps, '52').map((p) => p.pid),
    [],
  );
  assert.deepEqual(
    filterProcesses(ps, 'IPERF').map((p) => p.pid),
    [5310, 5201],
  );
  assert.deepEqual(
    filterProcesses(ps, 'www').map((p) => p.pid),
    [812],
  );
  assert.deepEqual(
    filterProcesses(ps, 'big.iso').map((p) => p.pid),
    [4242],
  );
  assert.ok(matchesFilter(ps[0]!, '  '));
});

test('connections: endpoints keep their port when cut; names replace the address', () => {
  assert.equal(fitEndpoint('[2001:db8:1234:5678::1]:443', 16, '…'), '[2001:db8:1…:443');
  assert.equal(fitEndpoint('127.0.0.1:80', 16, '…'), '127.0.0.1:80    ');
  const c = conn('127.0.0.1:5000', '[::1]:8080', { sent: 1, received: 2 });
  assert.equal(c.remoteAddr, '::1');
  assert.equal(remoteLabel(c, 'localhost'), 'localhost:8080');
  assert.equal(remoteLabel(c, null), '[::1]:8080');
  const cols = connectionColumns(80);
  assert.equal(cols.reduce((a, x) => a + x.width, 0) + cols.length - 1, 80);
  const list = [conn('a:1', 'b:1', { sent: 5, received: 50 }), conn('a:2', 'b:2', { sent: 50, received: 5 })];
  assert.deepEqual(
    sortConnections(list, { key: 'sent', reversed: false }, 'bytes').map((x) => x.local),
    ['a:2', 'a:1'],
  );
  assert.deepEqual(
    sortConnections(list, { key: 'received', reversed: false }, 'bytes').map((x) => x.local),
    ['a:1', 'a:2'],
  );
  assert.deepEqual(
    sortConnections(list, { key: 'received', reversed: true }, 'bytes').map((x) => x.local),
    ['a:2', 'a:1'],
  );
});
