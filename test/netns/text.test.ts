// The text of other namespaces and of connection tracking, as this kernel wrote it
// (fixtures/netns: a namespace with 10.31.0.2/24 and fd31::2/64 on a veth; nf_conntrack of two
// namespaces 10.61.0.0/24 MASQUERADEd to 10.62.0.1 towards 10.62.0.2; nf_conntrack-published of
// published-port.test.ts: ports 8080 and 8081 of the host's 10.204.0.1 DNATed to a container's
// 10.203.0.2:80 and :81, from an outside namespace's 10.204.0.2 and from the host itself), and the
// rules built on them: which namespace an address is local to, which flows are NAT copies, and
// which are the host's own connections translated.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAddress } from '../../src/core/engine/address.js';
import { ForeignAddresses } from '../../src/core/engine/foreign-addresses.js';
import { NatCopies, natCopyKeys, natOrigins } from '../../src/core/engine/nat-copies.js';
import { parseConntrack, parseFibTrieLocal, parseIfInet6 } from '../../src/core/proc/netns-text.js';

const FIX = fileURLToPath(new URL('../../../fixtures/netns/', import.meta.url));
const fixture = (name: string): string => readFileSync(FIX + name, 'latin1');

test('fib_trie: the /32 LOCAL leaves, each once (the Main and Local tables repeat them; 127.0.0.0/8 is a prefix)', () => {
  assert.deepEqual(parseFibTrieLocal(fixture('fib_trie')), ['10.31.0.2', '127.0.0.1']);
  assert.deepEqual(parseFibTrieLocal(''), []);
});

test('if_inet6: every address, compressed as flows write them', () => {
  assert.deepEqual(parseIfInet6(fixture('if_inet6')), ['::1', 'fe80::d47f:c7ff:feca:f8aa', 'fd31::2']);
  assert.deepEqual(parseIfInet6('garbage\n0123 01 80 10 80 lo\n'), []);
});

test('nf_conntrack: TCP and UDP entries with both tuples; other protocols skipped', () => {
  const e = parseConntrack(fixture('nf_conntrack'));
  assert.equal(e.length, 3);
  assert.deepEqual(e[2], {
    proto: 'tcp',
    orig: { src: '10.61.0.2', dst: '10.62.0.2', sport: 57500, dport: 8000 },
    reply: { src: '10.62.0.2', dst: '10.62.0.1', sport: 8000, dport: 57500 },
  });
  assert.deepEqual(
    parseConntrack(
      'ipv6 10 udp 17 29 src=fd00:0000:0000:0000:0000:0000:0000:0002 dst=fd00::9 sport=1 dport=2 src=fd00::9 dst=fd00::1 sport=2 dport=1',
    )[0]?.reply,
    { src: 'fd00::9', dst: 'fd00::1', sport: 2, dport: 1 },
  );
});

test('NAT copies: both wrong-sided flows of a MASQUERADEd entry, none of an untranslated one or of the host’s own', () => {
  const own = new Set(['10.62.0.1', '10.61.0.1']);
  const keys = natCopyKeys(parseConntrack(fixture('nf_conntrack')), (a) => own.has(a));
  assert.deepEqual(
    [...keys].sort(),
    [
      // the translated copy on the uplink, as the host would own it
      'tcp 10.62.0.1 57500 10.62.0.2 8000',
      // the copy before translation, as the server in the outside namespace would own it
      'tcp 10.62.0.2 8000 10.61.0.2 57500',
      'udp 10.62.0.1 60307 10.62.0.2 5353',
      'udp 10.62.0.2 5353 10.61.0.2 60307',
    ].sort(),
  );
  // The host's own connection, translated to another of its addresses: captured once, after
  // translation; it stays the host socket's.
  const hostOwn = natCopyKeys(parseConntrack(fixture('nf_conntrack')), () => true);
  assert.equal(hostOwn.size, 0);
});

test('NAT copies: a published port (DNAT to a container): the copy addressed to the host before translation', () => {
  const line =
    'ipv4     2 tcp      6 431999 ESTABLISHED src=198.51.100.7 dst=10.62.0.1 sport=50000 dport=8080 ' +
    'src=10.61.0.2 dst=198.51.100.7 sport=80 dport=50000 [ASSURED] mark=0 zone=0 use=2';
  const keys = natCopyKeys(parseConntrack(line), (a) => a === '10.62.0.1');
  assert.ok(keys.has('tcp 10.62.0.1 8080 198.51.100.7 50000'), [...keys].join(', '));
  // The container's own flow (10.61.0.2:80 with the client) is not a copy.
  assert.ok(!keys.has('tcp 10.61.0.2 80 198.51.100.7 50000'));
});

test('published ports, as the kernel tracked them: the outside client’s copies nobody’s, the host’s own connection found', () => {
  const entries = parseConntrack(fixture('nf_conntrack-published'));
  const own = (a: string): boolean => a === '10.204.0.1' || a === '10.203.0.1';
  const keys = natCopyKeys(entries, own);
  // From outside: the host's end before translation (uplink), the outside's end after (bridge).
  assert.ok(keys.has('tcp 10.204.0.1 8080 10.204.0.2 43588'));
  assert.ok(keys.has('tcp 10.204.0.2 43588 10.203.0.2 80'));
  // The container's and the outside client's own flows are not copies.
  assert.ok(!keys.has('tcp 10.203.0.2 80 10.204.0.2 43588'));
  assert.ok(!keys.has('tcp 10.204.0.2 43588 10.204.0.1 8080'));
  // The host's own connection to its published port: the wire shows it translated, towards the
  // container; its socket is the tuple before translation. Nothing of it is a copy.
  assert.ok(![...keys].some((k) => k.includes(' 45762 ')), [...keys].join(', '));
  const origins = natOrigins(entries, own);
  assert.deepEqual([...origins.keys()].sort(), ['tcp 10.204.0.1 45752 10.203.0.2 81', 'tcp 10.204.0.1 45762 10.203.0.2 81']);
  assert.deepEqual(origins.get('tcp 10.204.0.1 45762 10.203.0.2 81'), {
    key: 'tcp 10.204.0.1 45762 10.204.0.1 8081',
    local: '10.204.0.1',
    lport: 45762,
    remote: '10.204.0.1',
    rport: 8081,
  });
  // Read as another machine would see the same text, with none of these addresses its own: no origin.
  assert.equal(natOrigins(entries, () => false).size, 0);
  // The host's own connection MASQUERADEd on its way out (were 10.61.0.2 the host's): the wire
  // shows the uplink's address, the socket has its own; the untranslated entry has no origin.
  const snat = natOrigins(parseConntrack(fixture('nf_conntrack')), () => true);
  assert.deepEqual([...snat.keys()].sort(), ['tcp 10.62.0.1 57500 10.62.0.2 8000', 'udp 10.62.0.1 60307 10.62.0.2 5353']);
  assert.equal(snat.get('tcp 10.62.0.1 57500 10.62.0.2 8000')?.key, 'tcp 10.61.0.2 57500 10.62.0.2 8000');
  const nat = new NatCopies(() => fixture('nf_conntrack-published'), parseConntrack, own);
  assert.equal(nat.originOf('tcp 10.204.0.1 45762 10.203.0.2 81', 1000, 1000), null, 'not read since it began: not yet');
  assert.equal(nat.originOf('tcp 10.204.0.1 45762 10.203.0.2 81', 1000, 1002)?.rport, 8081);
});

test('NAT copies: the table is read on a miss, after the flow began, at most every 100 ms; missing means none', () => {
  let reads = 0;
  const nat = new NatCopies(
    () => {
      reads++;
      return fixture('nf_conntrack');
    },
    parseConntrack,
    () => false,
  );
  assert.equal(nat.isCopy('tcp 10.62.0.1 57500 10.62.0.2 8000', 1000, 1000), null, 'the entry may not be there yet');
  assert.equal(nat.isCopy('tcp 10.62.0.1 57500 10.62.0.2 8000', 1000, 1002), true);
  assert.equal(nat.isCopy('tcp 10.62.0.1 1 10.62.0.2 8000', 1000, 1003), false, 'read already after it began');
  assert.equal(nat.isCopy('tcp 10.62.0.1 1 10.62.0.2 8000', 1050, 1051), null, 'began after the read: wait');
  assert.equal(nat.isCopy('tcp 10.62.0.1 1 10.62.0.2 8000', 1050, 1102), false);
  assert.equal(reads, 2);
  const absent = new NatCopies(
    () => null,
    parseConntrack,
    () => false,
  );
  assert.equal(absent.isCopy('tcp 10.62.0.1 57500 10.62.0.2 8000', 0, 5), false);
  assert.equal(absent.available(6), false, 'not looked for again at once');
  assert.equal(new NatCopies(undefined, parseConntrack, () => false).available(0), false);
});

test('foreign addresses: which namespace an address is local to; loopback and shared addresses belong to none', () => {
  const f = new ForeignAddresses();
  const find = (a: string): number => {
    const p = parseAddress(a)!;
    return f.find(p.family, ...p.words);
  };
  assert.equal(find('10.0.0.1'), -1, 'empty');
  const list = [];
  for (let i = 0; i < 300; i++) list.push({ address: `10.${i >> 8}.${i & 255}.2`, netns: 4026532000 + i });
  list.push({ address: 'fd31::2', netns: 4026531999 }, { address: '127.0.0.1', netns: 4026531999 });
  list.push({ address: '10.9.9.9', netns: 1 }, { address: '10.9.9.9', netns: 2 }, { address: '10.0.7.2', netns: 4026532007 });
  f.set(list);
  for (let i = 0; i < 300; i++) assert.equal(find(`10.${i >> 8}.${i & 255}.2`), 4026532000 + i);
  assert.equal(find('fd31::2'), 4026531999);
  assert.equal(find('::ffff:10.0.0.2'), -1, 'family and every word must match');
  assert.equal(find('10.0.0.3'), -1);
  assert.equal(find('127.0.0.1'), -1);
  assert.equal(find('10.9.9.9'), -1, 'local to two namespaces: nobody’s');
  assert.equal(f.size, 301);
});
