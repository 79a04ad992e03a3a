// sock_diag requests and replies against real reply bytes recorded from this kernel
// (fixtures/netlink/, see its README): the decoded sockets must be exactly the rows the /proc/net
// parser yields for the tables copied at the same moment.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  forEachSockDiagRow,
  ipv6Bytes,
  parseSockDiagReply,
  sockDiagDumpRequest,
  sockDiagLookupRequest,
  sockDiagMatches,
} from '../../src/core/netlink/sock-diag.js';
import { SOCKET_TABLES } from '../../src/core/proc/types.js';
import { parseNetTable } from '../../src/core/proc/netTable.js';
import type { SocketEntry } from '../../src/core/proc/types.js';

const dir = fileURLToPath(new URL('../../../fixtures/netlink/', import.meta.url));
const meta = JSON.parse(readFileSync(dir + 'diag.json', 'utf8')) as {
  dumpSeq: Record<string, number>;
  lookups: Array<{ file: string; table: string; seq: number; local: [string, number]; remote: [string, number] }>;
};
const TABLES = SOCKET_TABLES;

const line = (e: SocketEntry) =>
  `${e.proto}${e.family} ${e.localAddr} ${e.localPort} ${e.remoteAddr} ${e.remotePort} ${e.state} uid=${e.uid} inode=${e.inode}`;

for (const t of TABLES) {
  test(`recorded ${t.name} dump decodes to exactly the /proc/net/${t.name} rows`, () => {
    const reply = parseSockDiagReply(readFileSync(`${dir}diag-${t.name}.bin`), meta.dumpSeq[t.name]!, t.proto);
    assert.equal(reply.done, true);
    assert.equal(reply.errno, 0);
    const fromProc = parseNetTable(readFileSync(`${dir}net/${t.name}`, 'latin1'), t.proto, t.family);
    assert.ok(fromProc.length > 0);
    assert.deepEqual(reply.entries.map(line).sort(), fromProc.map(line).sort());
  });
}

test('recorded dumps hold the scenario: mapped addresses, states, TIME_WAIT, another uid', () => {
  const all = TABLES.flatMap((t) =>
    parseSockDiagReply(readFileSync(`${dir}diag-${t.name}.bin`), meta.dumpSeq[t.name]!, t.proto).entries.map(line),
  );
  for (const expected of [
    'tcp4 127.0.0.1 7001 0.0.0.0 0 LISTEN uid=0',
    'tcp4 127.0.0.1 7008 0.0.0.0 0 LISTEN uid=65534',
    'tcp6 :: 7002 :: 0 LISTEN uid=0',
    'tcp6 ::1 7003 :: 0 LISTEN uid=0',
    'udp4 127.0.0.1 7005 0.0.0.0 0 UNCONN uid=0',
    'udp4 127.0.0.1 7009 127.0.0.1 7005 ESTABLISHED uid=0',
    'udp6 ::1 7006 :: 0 UNCONN uid=0',
    'udp6 :: 7007 :: 0 UNCONN uid=0',
  ]) {
    assert.equal(all.filter((l) => l.startsWith(expected + ' ')).length, 1, expected);
  }
  assert.equal(all.filter((l) => l.startsWith('tcp6 ::ffff:127.0.0.1 7002 ::ffff:127.0.0.1 ') && l.includes(' ESTABLISHED ')).length, 1);
  assert.equal(all.filter((l) => l.startsWith('tcp6 ::ffff:127.0.0.1 ') && l.includes(' ::ffff:127.0.0.1 7001 ESTABLISHED')).length, 1);
  const tw = all.filter((l) => l.includes(' TIME_WAIT '));
  assert.equal(tw.length, 1);
  assert.match(tw[0]!, /^tcp4 127\.0\.0\.1 \d+ 127\.0\.0\.1 7001 TIME_WAIT uid=0 inode=0$/);
});

test('the visitor hands out one reused row; another sequence number is ignored', () => {
  const buf = readFileSync(`${dir}diag-tcp.bin`);
  const rows: SocketEntry[] = [];
  const st = forEachSockDiagRow(buf, meta.dumpSeq.tcp!, 'tcp', (r) => rows.push(r));
  assert.ok(rows.length > 3);
  assert.ok(rows.every((r) => r === rows[0]));
  assert.equal(st.messages, rows.length + 1); // the sockets and DONE
  const other = forEachSockDiagRow(buf, meta.dumpSeq.tcp! + 1, 'tcp', () => assert.fail('visited'));
  assert.deepEqual(other, { done: false, errno: 0, messages: 0 });
});

test('truncated and garbage datagrams decode as far as they are whole, never throw', () => {
  const buf = readFileSync(`${dir}diag-tcp.bin`);
  const whole = parseSockDiagReply(buf, meta.dumpSeq.tcp!, 'tcp').entries.length;
  const twoLen = ((buf.readUInt32LE(0) + 3) & ~3) + buf.readUInt32LE((buf.readUInt32LE(0) + 3) & ~3);
  const cut = parseSockDiagReply(buf.subarray(0, twoLen + 40), meta.dumpSeq.tcp!, 'tcp');
  assert.equal(cut.entries.length, 2);
  assert.equal(cut.done, false);
  assert.ok(whole > 2);
  assert.deepEqual(parseSockDiagReply(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]), 1, 'tcp').entries, []);
  const zeroLen = Buffer.alloc(32);
  assert.deepEqual(parseSockDiagReply(zeroLen, 0, 'tcp').entries, []);
});

test('recorded exact lookups: one socket each; for a 5-tuple nobody has, the listener (no match)', () => {
  for (const l of meta.lookups) {
    const t = TABLES.find((x) => x.name === l.table)!;
    const reply = parseSockDiagReply(readFileSync(dir + l.file), l.seq, t.proto);
    if (l.file === 'lookup-enoent.bin') {
      // Nothing on that port at all: an NLMSG_ERROR with ENOENT.
      assert.deepEqual(reply, { done: true, errno: 2, messages: 1, entries: [] });
      continue;
    }
    if (l.file === 'lookup-none.bin') {
      // The kernel falls back to the socket that would receive the packet: 127.0.0.1:7001's listener.
      assert.deepEqual(reply.entries.map(line), [`tcp4 127.0.0.1 7001 0.0.0.0 0 LISTEN uid=0 inode=${reply.entries[0]?.inode}`]);
      assert.equal(sockDiagMatches(reply.entries[0]!, l.local[0], l.local[1], l.remote[0], l.remote[1]), false);
      continue;
    }
    assert.equal(reply.entries.length, 1, l.file);
    const e = reply.entries[0]!;
    assert.ok(sockDiagMatches(e, l.local[0], l.local[1], l.remote[0], l.remote[1]), `${l.file}: ${line(e)}`);
    assert.ok(e.inode > 0);
    // The same socket is in the dump of its table, identical.
    const dump = parseSockDiagReply(readFileSync(`${dir}diag-${t.name}.bin`), meta.dumpSeq[t.name]!, t.proto).entries;
    assert.deepEqual(
      dump.filter((d) => d.inode === e.inode),
      [e],
    );
  }
});

test('dump request bytes: nlmsghdr, SOCK_DIAG_BY_FAMILY, REQUEST|DUMP, family, protocol, states', () => {
  const b = sockDiagDumpRequest(7, 'tcp', 6, (1 << 10) | (1 << 1));
  assert.equal(b.toString('hex'), '48000000' + '1400' + '0103' + '07000000' + '00000000' + '0a060000' + '02040000' + '00'.repeat(48));
  const u = sockDiagDumpRequest(1, 'udp', 4);
  assert.equal(u.toString('hex', 16, 24), '021100' + '00' + 'ffffffff');
});

test('lookup request bytes: TCP puts the local end first, UDP the remote end; no cookie', () => {
  const tcp = sockDiagLookupRequest(9, 'tcp', 4, '127.0.0.1', 7001, '10.1.2.3', 443)!;
  assert.equal(tcp.readUInt16LE(6), 1); // NLM_F_REQUEST only
  const id = (b: Buffer) => b.toString('hex', 24, 72);
  assert.equal(id(tcp), '1b59' + '01bb' + '7f000001' + '00'.repeat(12) + '0a010203' + '00'.repeat(12) + '00000000' + 'ff'.repeat(8));
  const udp = sockDiagLookupRequest(9, 'udp', 4, '127.0.0.1', 7001, '10.1.2.3', 443)!;
  assert.equal(id(udp), '01bb' + '1b59' + '0a010203' + '00'.repeat(12) + '7f000001' + '00'.repeat(12) + '00000000' + 'ff'.repeat(8));
  const mapped = sockDiagLookupRequest(1, 'tcp', 6, '127.0.0.1', 1, '::ffff:10.0.0.1', 2)!;
  assert.equal(mapped.toString('hex', 28, 44), '00000000000000000000ffff7f000001');
  assert.equal(mapped.toString('hex', 44, 60), '00000000000000000000ffff0a000001');
  assert.equal(sockDiagLookupRequest(1, 'tcp', 4, '::1', 1, '127.0.0.1', 2), null);
  assert.equal(sockDiagLookupRequest(1, 'tcp', 4, '127.0.0.1', 70000, '127.0.0.1', 2), null);
});

test('IPv6 text to bytes, the inverse of the address text SocketEntry carries', () => {
  const hex = (s: string) => Buffer.from(ipv6Bytes(s) ?? []).toString('hex');
  assert.equal(hex('::'), '00'.repeat(16));
  assert.equal(hex('::1'), '00'.repeat(15) + '01');
  assert.equal(hex('fe80::1:2'), 'fe80' + '00'.repeat(10) + '00010002');
  assert.equal(hex('::ffff:127.0.0.1'), '00'.repeat(10) + 'ffff7f000001');
  assert.equal(hex('::1.2.3.4'), '00'.repeat(12) + '01020304');
  assert.equal(hex('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
  assert.equal(hex('1::'), '0001' + '00'.repeat(14));
  for (const bad of ['', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '::ffff:1.2.3.256', '12345::']) {
    assert.equal(ipv6Bytes(bad), null, bad);
  }
});
