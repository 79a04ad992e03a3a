import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatEndpoint, formatIpv6Bytes, ipv4FromHostWord, ipv6FromHostHex, joinAddress } from '../../src/core/proc/address.js';

const v6 = (hex: string) => ipv6FromHostHex(hex, 0);

test('IPv4 host-order words', () => {
  assert.equal(ipv4FromHostWord(0x0100007f), '127.0.0.1');
  assert.equal(ipv4FromHostWord(0x0a01a8c0), '192.168.1.10');
  assert.equal(ipv4FromHostWord(0xffffffff), '255.255.255.255');
});

test('IPv6 from four host-order words, compressed like inet_ntop', () => {
  assert.equal(v6('00000000000000000000000000000000'), '::');
  assert.equal(v6('00000000000000000000000001000000'), '::1');
  assert.equal(v6('0000000000000000FFFF00000100007F'), '::ffff:127.0.0.1');
  // fe80::1 (link-local) and 2001:db8::8:800:200c:417a
  assert.equal(v6('000080FE000000000000000001000000'), 'fe80::1');
  assert.equal(v6('B80D01200000000000080800' + '7A410C20'), '2001:db8::8:800:200c:417a');
  assert.equal(v6('zz000000000000000000000001000000'), null);
});

test('IPv6 text rules: first longest zero run, single zero group kept, v4 tails', () => {
  const b = (...words: number[]) => words.flatMap((w) => [w >> 8, w & 0xff]);
  assert.equal(formatIpv6Bytes(b(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1)), '2001:db8::1:0:0:1');
  assert.equal(formatIpv6Bytes(b(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1)), '2001:db8:0:1:1:1:1:1');
  assert.equal(formatIpv6Bytes(b(0x2001, 0, 0, 1, 0, 0, 0, 1)), '2001:0:0:1::1');
  assert.equal(formatIpv6Bytes(b(1, 0, 0, 0, 0, 0, 0, 0)), '1::');
  assert.equal(formatIpv6Bytes(b(0, 0, 0, 0, 0, 0, 0x0102, 0x0304)), '::1.2.3.4');
  assert.equal(formatIpv6Bytes(b(0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001)), '::ffff:10.0.0.1');
  assert.equal(formatIpv6Bytes(b(0xfe80, 0, 0, 0, 0xabcd, 0xef, 0x1234, 0x5678)), 'fe80::abcd:ef:1234:5678');
});

test('joinAddress maps IPv4-mapped IPv6 to its IPv4 address only', () => {
  assert.equal(joinAddress('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(joinAddress('::ffff:0:1'), '::ffff:0:1');
  assert.equal(joinAddress('::1'), '::1');
  assert.equal(joinAddress('10.0.0.1'), '10.0.0.1');
});

test('formatEndpoint brackets IPv6', () => {
  assert.equal(formatEndpoint('1.2.3.4', 80), '1.2.3.4:80');
  assert.equal(formatEndpoint('::1', 80), '[::1]:80');
  assert.equal(formatEndpoint('::ffff:127.0.0.1', 7002), '[::ffff:127.0.0.1]:7002');
  assert.equal(formatEndpoint('0.0.0.0', 0), '0.0.0.0:0');
});
