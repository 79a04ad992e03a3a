// parseNetTable against /proc/net tables copied from this kernel (fixtures/proc/loopback-mix,
// recorded by test/fixtures-tools/record-proc.sh; ss-tuanp.txt there shows the same moment).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseNetTable, stateName } from '../../src/core/proc/netTable.js';
import type { SocketEntry } from '../../src/core/proc/types.js';

const root = new URL('../../../fixtures/proc/loopback-mix/', import.meta.url);
const table = (name: string) => readFileSync(new URL(`net/${name}`, root), 'latin1');

function row(
  proto: 'tcp' | 'udp',
  family: 4 | 6,
  local: [string, number],
  remote: [string, number],
  state: string,
  uid: number,
  inode: number,
): SocketEntry {
  return {
    proto,
    family,
    localAddr: local[0],
    localPort: local[1],
    remoteAddr: remote[0],
    remotePort: remote[1],
    state,
    uid,
    inode,
  };
}

const L = '127.0.0.1';
const ANY4: [string, number] = ['0.0.0.0', 0];
const ANY6: [string, number] = ['::', 0];
const M = '::ffff:127.0.0.1';

test('tcp: every row, including TIME_WAIT with inode 0 and a uid 65534 socket', () => {
  const counts = { bad: 0 };
  assert.deepEqual(parseNetTable(table('tcp'), 'tcp', 4, counts), [
    row('tcp', 4, [L, 7008], ANY4, 'LISTEN', 65534, 45550),
    row('tcp', 4, [L, 7001], ANY4, 'LISTEN', 0, 45551),
    row('tcp', 4, [L, 7004], ANY4, 'LISTEN', 0, 46231),
    row('tcp', 4, [L, 47634], [L, 7004], 'ESTABLISHED', 0, 45717),
    row('tcp', 4, [L, 51784], [L, 7008], 'ESTABLISHED', 0, 45718),
    row('tcp', 4, [L, 7001], [L, 57280], 'ESTABLISHED', 0, 45727),
    row('tcp', 4, [L, 7001], [L, 57264], 'ESTABLISHED', 0, 45715),
    row('tcp', 4, [L, 57264], [L, 7001], 'ESTABLISHED', 0, 45714),
    row('tcp', 4, [L, 57270], [L, 7001], 'TIME_WAIT', 0, 0),
    row('tcp', 4, [L, 7008], [L, 51784], 'ESTABLISHED', 65534, 45720),
    row('tcp', 4, [L, 60760], [L, 7002], 'ESTABLISHED', 0, 45716),
    row('tcp', 4, [L, 7004], [L, 47634], 'ESTABLISHED', 0, 45719),
  ]);
  assert.equal(counts.bad, 0);
});

test('tcp6: ::, ::1 and IPv4-mapped addresses written like ss', () => {
  const counts = { bad: 0 };
  const rows = parseNetTable(table('tcp6'), 'tcp', 6, counts);
  assert.deepEqual(
    rows.map((r) => [r.localAddr, r.localPort, r.remoteAddr, r.remotePort, r.state, r.family]),
    [
      ['::', 7002, '::', 0, 'LISTEN', 6],
      ['::1', 7003, '::', 0, 'LISTEN', 6],
      [M, 7002, M, 60760, 'ESTABLISHED', 6],
      ['::1', 7002, '::1', 49166, 'ESTABLISHED', 6],
      ['::1', 7003, '::1', 49818, 'ESTABLISHED', 6],
      ['::1', 49166, '::1', 7002, 'ESTABLISHED', 6],
      ['::1', 49818, '::1', 7003, 'ESTABLISHED', 6],
      [M, 57280, M, 7001, 'ESTABLISHED', 6],
    ],
  );
  assert.deepEqual(
    rows.map((r) => r.inode),
    [46233, 45549, 46246, 46247, 45728, 45724, 45723, 45725],
  );
  assert.equal(counts.bad, 0);
});

test('udp and udp6: UNCONN for unconnected, ESTABLISHED for connected', () => {
  assert.deepEqual(parseNetTable(table('udp'), 'udp', 4), [
    row('udp', 4, [L, 7005], ANY4, 'UNCONN', 0, 45552),
    row('udp', 4, [L, 7009], [L, 7005], 'ESTABLISHED', 0, 45726),
  ]);
  assert.deepEqual(parseNetTable(table('udp6'), 'udp', 6), [
    row('udp', 6, ['::1', 7006], ANY6, 'UNCONN', 0, 46232),
    row('udp', 6, ['::', 7007], ANY6, 'UNCONN', 0, 45553),
  ]);
});

test('bad lines are skipped and counted; good lines around them survive', () => {
  const lines = table('tcp').split('\n');
  const text = [
    lines[0],
    lines[1],
    '   9: 0100007G:1B60 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1', // not hex
    '  10: 0100007F:1B60', // truncated
    'garbage',
    '  11: 0100007F:1B60 00000000:0000 0A 00000000:00000000 00:00000000 00000000 x 0 1', // uid
    '  12: 00000000000000000000000001000000:1B5B 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 7', // wrong family
    lines[2],
    '',
  ].join('\n');
  const counts = { bad: 0 };
  const rows = parseNetTable(text, 'tcp', 4, counts);
  assert.deepEqual(
    rows.map((r) => r.inode),
    [45550, 45551],
  );
  assert.equal(counts.bad, 5);
});

test('CRLF, tabs and a missing final newline are tolerated', () => {
  const text = '  sl local\r\n   0: 0100007F:0016\t00000000:0000 0A 0:0 0:0 0 1000 0 77\r\n';
  const rows = parseNetTable(text, 'tcp', 4);
  assert.deepEqual(rows, [row('tcp', 4, [L, 22], ANY4, 'LISTEN', 1000, 77)]);
  assert.equal(parseNetTable(text.trimEnd(), 'tcp', 4).length, 1);
});

test('state names', () => {
  assert.equal(stateName('tcp', 0x0a), 'LISTEN');
  assert.equal(stateName('tcp', 0x07), 'CLOSE');
  assert.equal(stateName('udp', 0x07), 'UNCONN');
  assert.equal(stateName('udp', 0x01), 'ESTABLISHED');
  assert.equal(stateName('tcp', 0x0c), 'NEW_SYN_RECV');
  assert.equal(stateName('tcp', 0x0d), 'UNKNOWN_0D');
});
