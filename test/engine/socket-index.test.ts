// SocketIndex over the real socket tables of fixtures/proc/loopback-mix: exact 4-tuples, sockets
// bound to the flow's local address, wildcard binds, IPv4-mapped dual-stack sockets found by IPv4
// flows, and TIME_WAIT rows (inode 0) never hiding a live socket on the same 4-tuple.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcFs } from '../../src/adapters/procfs.js';
import { SocketIndex, exactKey, joinAddr } from '../../src/core/engine/socket-index.js';
import { readSocketTables } from '../../src/core/engine/tables.js';
import type { SocketEntry } from '../../src/core/proc/types.js';

const ROOT = fileURLToPath(new URL('../../../fixtures/proc/loopback-mix', import.meta.url));
const entries = readSocketTables(new ProcFs(ROOT));
const index = new SocketIndex(entries);

const inodeOf = (proto: string, l: string, lp: number, r: string, rp: number): number | undefined =>
  index.find(exactKey(proto, l, lp, r, rp))?.inode;

test('the fixture tables: 24 rows, every live inode indexed once', () => {
  assert.equal(entries.length, 24);
  assert.equal(index.byInode.size, 23, 'all but the TIME_WAIT row (inode 0)');
  assert.equal(index.byInode.get(45552)?.localPort, 7005);
});

test('exact: protocol + local + remote, IPv4 and IPv6, both sides of a loopback connection', () => {
  assert.equal(inodeOf('tcp', '127.0.0.1', 57264, '127.0.0.1', 7001), 45714); // cli4's side
  assert.equal(inodeOf('tcp', '127.0.0.1', 7001, '127.0.0.1', 57264), 45715); // the server's
  assert.equal(inodeOf('tcp', '::1', 49818, '::1', 7003), 45723);
  assert.equal(inodeOf('tcp', '::1', 7003, '::1', 49818), 45728);
  assert.equal(inodeOf('udp', '127.0.0.1', 7009, '127.0.0.1', 7005), 45726, 'a connected UDP socket is exact');
  assert.equal(inodeOf('udp', '127.0.0.1', 57264, '127.0.0.1', 7001), undefined, 'the protocol is part of the key');
  assert.equal(inodeOf('tcp', '127.0.0.1', 57264, '127.0.0.1', 7002), undefined);
  // Listeners and unconnected UDP sockets are not exact entries.
  assert.equal(inodeOf('tcp', '127.0.0.1', 7001, '0.0.0.0', 0), undefined);
});

test('IPv4-mapped rows of tcp6 are found by IPv4 flows', () => {
  assert.equal(joinAddr('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(joinAddr('::ffff:7f00:1'), '::ffff:7f00:1', 'only the dotted form is mapped text');
  assert.equal(joinAddr('::1'), '::1');
  const dual = index.find(exactKey('tcp', '127.0.0.1', 7002, '127.0.0.1', 60760))!;
  assert.deepEqual([dual.inode, dual.family, dual.localAddr], [46246, 6, '::ffff:127.0.0.1']);
  assert.equal(inodeOf('tcp', '127.0.0.1', 57280, '127.0.0.1', 7001), 45725, "cli6's v6 socket talking IPv4");
  assert.equal(inodeOf('tcp', '::ffff:127.0.0.1', 57280, '::ffff:127.0.0.1', 7001), undefined, 'indexed under the IPv4 text only');
});

test('bound: the listener or unconnected UDP socket on the exact local address', () => {
  const l = index.findBound('tcp', 4, '127.0.0.1', 7001)!;
  assert.deepEqual([l.kind, l.entry.inode, l.entry.state], ['bound', 45551, 'LISTEN']);
  assert.deepEqual(index.findBound('udp', 4, '127.0.0.1', 7005)?.entry.inode, 45552);
  assert.equal(index.findBound('udp', 4, '127.0.0.1', 7005)?.kind, 'bound');
  assert.deepEqual(index.findBound('udp', 6, '::1', 7006)?.entry.inode, 46232);
  assert.deepEqual(index.findBound('tcp', 6, '::1', 7003)?.entry.inode, 45549);
  // A connected UDP socket is no catch-all for its local port.
  assert.equal(index.findBound('udp', 4, '127.0.0.1', 7009), null);
  // An established TCP socket is not a listener.
  assert.equal(index.findBound('tcp', 4, '127.0.0.1', 57264), null);
  // Another local address on the same port: not bound, and no wildcard here.
  assert.equal(index.findBound('tcp', 4, '127.0.0.2', 7001), null);
});

test('wildcard: [::] catches IPv4 and IPv6 flows on its port; an IPv6 flow never takes 0.0.0.0', () => {
  const v4 = index.findBound('udp', 4, '127.0.0.1', 7007)!;
  assert.deepEqual([v4.kind, v4.entry.inode], ['wildcard', 45553]);
  const v6 = index.findBound('udp', 6, '::1', 7007)!;
  assert.deepEqual([v6.kind, v6.entry.inode], ['wildcard', 45553]);
  const tcp = index.findBound('tcp', 4, '127.0.0.1', 7002)!;
  assert.deepEqual([tcp.kind, tcp.entry.inode], ['wildcard', 46233]);
  const v4wild: SocketEntry = {
    proto: 'udp',
    family: 4,
    localAddr: '0.0.0.0',
    localPort: 5353,
    remoteAddr: '0.0.0.0',
    remotePort: 0,
    state: 'UNCONN',
    uid: 0,
    inode: 777,
  };
  const i2 = new SocketIndex([v4wild]);
  assert.equal(i2.findBound('udp', 4, '10.1.2.3', 5353)?.entry.inode, 777);
  assert.equal(i2.findBound('udp', 6, '::1', 5353), null);
  // The specific bind wins over the wildcard on the same port.
  const i3 = new SocketIndex([v4wild, { ...v4wild, localAddr: '127.0.0.1', inode: 778 }]);
  assert.equal(i3.findBound('udp', 4, '127.0.0.1', 5353)?.entry.inode, 778);
  assert.equal(i3.findBound('udp', 4, '127.0.0.1', 5353)?.kind, 'bound');
});

test('TIME_WAIT (inode 0) never hides a live socket on the same 4-tuple, in either order', () => {
  const tw = entries.find((e) => e.state === 'TIME_WAIT')!;
  assert.deepEqual([tw.localPort, tw.remotePort, tw.inode], [57270, 7001, 0]);
  assert.equal(inodeOf('tcp', '127.0.0.1', 57270, '127.0.0.1', 7001), 0, 'alone, the leftover is what there is');
  // The port reused by a new connection: a live row with the same 4-tuple.
  const live: SocketEntry = { ...tw, state: 'ESTABLISHED', inode: 99001 };
  const key = exactKey('tcp', '127.0.0.1', 57270, '127.0.0.1', 7001);
  assert.equal(new SocketIndex([tw, live]).find(key)?.inode, 99001);
  assert.equal(new SocketIndex([live, tw]).find(key)?.inode, 99001);
  // A listener beats a non-listening entry with the same local endpoint and no remote.
  const lst: SocketEntry = { ...tw, localPort: 9000, remoteAddr: '0.0.0.0', remotePort: 0, state: 'LISTEN', inode: 5 };
  const closed: SocketEntry = { ...lst, state: 'CLOSE', inode: 6 };
  assert.equal(new SocketIndex([closed, lst]).findBound('tcp', 4, '127.0.0.1', 9000)?.entry.inode, 5);
  assert.equal(new SocketIndex([lst, closed]).findBound('tcp', 4, '127.0.0.1', 9000)?.entry.inode, 5);
});
