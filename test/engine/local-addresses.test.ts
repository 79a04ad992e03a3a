// LocalAddresses decides every packet's direction: loopback ranges are always ours, the set is
// replaced as addresses change, and multicast/broadcast destinations are received, not owned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAddress } from '../../src/core/engine/address.js';
import { LocalAddresses } from '../../src/core/engine/local-addresses.js';

function has(l: LocalAddresses, text: string): boolean {
  const a = parseAddress(text)!;
  return l.has(a.family, ...a.words);
}

function isGroup(l: LocalAddresses, text: string): boolean {
  const a = parseAddress(text)!;
  return l.isGroup(a.family, a.words[0], a.words[3]);
}

test('loopback ranges are local with an empty set: all of 127/8 and ::1', () => {
  const l = new LocalAddresses();
  assert.equal(l.count, 0);
  for (const a of ['127.0.0.1', '127.0.0.0', '127.255.255.255', '127.1.2.3', '::1']) assert.ok(has(l, a), a);
  for (const a of ['126.255.255.255', '128.0.0.1', '0.0.0.0', '10.0.0.1', '::', '::2', '1::1', '::ffff:127.0.0.1', 'fe80::1']) {
    assert.ok(!has(l, a), a);
  }
});

test('configured v4 and v6 addresses are local; the family must match too', () => {
  const l = new LocalAddresses();
  l.set(['10.0.0.5', '192.168.1.200', 'fe80::1%eth0', '2001:db8::5', 'not an address', '300.1.1.1']);
  assert.equal(l.count, 4, 'unparsable addresses are ignored');
  for (const a of ['10.0.0.5', '192.168.1.200', 'fe80::1', '2001:db8::5']) assert.ok(has(l, a), a);
  for (const a of ['10.0.0.6', '192.168.1.201', 'fe80::2', '2001:db8::6', '::ffff:10.0.0.5']) assert.ok(!has(l, a), a);
  // 10.0.0.5 as IPv4 words [0,0,0,0x0a000005] with family 6 is ::a00:5, not ours.
  assert.ok(!l.has(6, 0, 0, 0, 0x0a000005));
  assert.ok(l.has(4, 0, 0, 0, 0x0a000005));
});

test('set() replaces the previous set', () => {
  const l = new LocalAddresses();
  l.set(['10.0.0.5']);
  l.set(['10.0.0.7']);
  assert.ok(!has(l, '10.0.0.5'));
  assert.ok(has(l, '10.0.0.7'));
  assert.ok(has(l, '127.0.0.1'), 'loopback stays local whatever the set');
});

test('groups: IPv4 multicast 224/4, limited broadcast, configured directed broadcasts, IPv6 ff00::/8', () => {
  const l = new LocalAddresses();
  l.set(['10.0.0.5'], ['10.0.0.255', 'ff02::1', 'junk']);
  for (const a of ['224.0.0.1', '239.255.255.250', '224.0.0.251', '255.255.255.255', '10.0.0.255', 'ff02::1', 'ff02::fb', 'ff05::1:3']) {
    assert.ok(isGroup(l, a), a);
  }
  for (const a of ['223.255.255.255', '240.0.0.1', '10.0.0.254', '10.0.1.255', '127.0.0.1', 'fe80::1', '::1', 'fe02::1']) {
    assert.ok(!isGroup(l, a), a);
  }
  // Broadcasts are only IPv4 and only the ones given.
  l.set(['10.0.0.5'], []);
  assert.ok(!isGroup(l, '10.0.0.255'));
  // Groups are never "has": a host does not send from them.
  assert.ok(!has(l, '224.0.0.1'));
});
