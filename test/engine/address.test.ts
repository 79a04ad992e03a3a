// Address words <-> text: RFC 5952 output (lower case, the longest run of two or more zero
// groups compressed, the first of equal runs), ::ffff: mapped IPv4, and a strict parser.
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatAddress, formatV4, formatV6, parseAddress, type Words } from '../../src/core/engine/address.js';
import { formatEndpoint } from '../../src/core/proc/address.js';

const v6 = (w: Words): string => formatV6(...w);

test('formatV4', () => {
  assert.equal(formatV4(0x7f000001), '127.0.0.1');
  assert.equal(formatV4(0), '0.0.0.0');
  assert.equal(formatV4(0xffffffff), '255.255.255.255');
  assert.equal(formatV4(0xc0a80101 | 0), '192.168.1.1', 'a signed int32 prints as its unsigned value');
});

test('formatV6: RFC 5952 section 4', () => {
  const cases: [Words, string][] = [
    [[0, 0, 0, 0], '::'],
    [[0, 0, 0, 1], '::1'],
    [[0x10000, 0, 0, 0], '1::'],
    [[0x20010db8, 0, 0, 1], '2001:db8::1'],
    [[0xfe800000, 0, 0x02000000, 0x00000001], 'fe80::200:0:0:1'], // longest run wins: 0,0 after fe80
    [[0x20010db8, 0, 1, 0x10001], '2001:db8::1:1:1'],
    [[0x20010db8, 0x00000001, 0x00010001, 0x00010001], '2001:db8:0:1:1:1:1:1'], // a single 0 is not compressed
    [[0x20010000, 0x00010000, 0, 1], '2001:0:1::1'],
    [[0x20010db8, 0, 0x00010000, 0x00000001], '2001:db8::1:0:0:1'], // equal runs: the first
    [[0x20010000, 0, 0x00010000, 0], '2001::1:0:0:0'], // two runs of three: the first
    [[0xabcdef01, 0x23456789, 0xabcdef01, 0x23456789], 'abcd:ef01:2345:6789:abcd:ef01:2345:6789'], // lower case
    [[0x00010002, 0x00030004, 0x00050006, 0x00070008], '1:2:3:4:5:6:7:8'],
    [[0, 0, 0xffff, 0x7f000001], '::ffff:127.0.0.1'],
    [[0, 0, 0xffff, 0], '::ffff:0.0.0.0'],
    [[0, 0, 0, 0x7f000001], '::7f00:1'], // IPv4-compatible (deprecated) is plain hex
  ];
  for (const [w, text] of cases) assert.equal(v6(w), text, text);
});

test("formatV6 agrees with Node's own canonical form for random addresses", () => {
  const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  fc.assert(
    fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (g) => {
      const w: Words = [0, 2, 4, 6].map((i) => ((g[i]! << 16) | g[i + 1]!) >>> 0) as Words;
      if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) return; // mapped: checked separately
      const text = v6(w);
      // URL host canonicalisation applies RFC 5952 as well.
      assert.equal(`[${text}]`, new URL(`http://[${g.map((x) => x.toString(16)).join(':')}]/`).hostname);
      assert.deepEqual(parseAddress(text), { family: 6, words: w });
    }),
    { numRuns: 500 },
  );
});

test('formatAddress and formatEndpoint', () => {
  assert.equal(formatAddress(4, 0, 0, 0, 0x7f000001), '127.0.0.1');
  assert.equal(formatAddress(6, 0, 0, 0, 1), '::1');
  assert.equal(formatEndpoint('127.0.0.1', 8080), '127.0.0.1:8080');
  assert.equal(formatEndpoint('::1', 8443), '[::1]:8443');
  assert.equal(formatEndpoint('::ffff:127.0.0.1', 0), '[::ffff:127.0.0.1]:0');
});

test('parseAddress accepts IPv4, IPv6 with ::, zones and dotted tails', () => {
  assert.deepEqual(parseAddress('127.0.0.1'), { family: 4, words: [0, 0, 0, 0x7f000001] });
  assert.deepEqual(parseAddress('255.255.255.255'), { family: 4, words: [0, 0, 0, 0xffffffff] });
  assert.deepEqual(parseAddress('::'), { family: 6, words: [0, 0, 0, 0] });
  assert.deepEqual(parseAddress('::1'), { family: 6, words: [0, 0, 0, 1] });
  assert.deepEqual(parseAddress('1::'), { family: 6, words: [0x10000, 0, 0, 0] });
  assert.deepEqual(parseAddress('fe80::1%eth0'), { family: 6, words: [0xfe800000, 0, 0, 1] });
  assert.deepEqual(parseAddress('FE80::ABCD'), { family: 6, words: [0xfe800000, 0, 0, 0xabcd] });
  assert.deepEqual(parseAddress('::ffff:127.0.0.1'), { family: 6, words: [0, 0, 0xffff, 0x7f000001] });
  assert.deepEqual(parseAddress('1:2:3:4:5:6:7:8'), { family: 6, words: [0x10002, 0x30004, 0x50006, 0x70008] });
  assert.deepEqual(parseAddress('1:2:3:4:5:6:7::'), { family: 6, words: [0x10002, 0x30004, 0x50006, 0x70000] });
  assert.deepEqual(parseAddress('::2:3:4:5:6:7:8'), { family: 6, words: [0x2, 0x30004, 0x50006, 0x70008] });
  assert.deepEqual(parseAddress('1:2:3:4:5:6:1.2.3.4'), { family: 6, words: [0x10002, 0x30004, 0x50006, 0x01020304] });
});

test('parseAddress rejects everything else with null', () => {
  for (const bad of [
    '',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '1.2.3.-1',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1..2.3',
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '::1:2:3:4:5:6:7:8',
    'g::1',
    '12345::1',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3',
    '::ffff:256.1.1.1',
    '[::1]',
  ]) {
    assert.equal(parseAddress(bad), null, JSON.stringify(bad));
  }
});

test('parseAddress: a dotted IPv4 part is only allowed at the end of an IPv6 address', () => {
  assert.equal(parseAddress('1.2.3.4::'), null);
  assert.equal(parseAddress('1.2.3.4::5'), null);
  assert.equal(parseAddress('::1.2.3.4:5'), null);
});

test("parseAddress accepts exactly what the platform's own parser accepts (random mutations)", () => {
  const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF:.'.split(''));
  fc.assert(
    fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (s) => {
      const ours = parseAddress(s);
      const theirs = isIP(s);
      // Node accepts leading zeros in IPv4 octets nowhere ("01.2.3.4" is not an IP to it).
      if (/(^|[.:])0\d/.test(s) && s.includes('.')) return;
      assert.equal(ours === null ? 0 : ours.family, theirs, JSON.stringify(s));
    }),
    { numRuns: 3000 },
  );
});

test('text -> words -> text round trips, IPv4 and IPv6', () => {
  fc.assert(
    fc.property(fc.ipV4(), (t) => {
      const p = parseAddress(t)!;
      assert.equal(formatAddress(p.family, ...p.words), t);
    }),
  );
  fc.assert(
    fc.property(fc.ipV6(), (t) => {
      const p = parseAddress(t);
      assert.ok(p, t);
      assert.equal(p.family, 6);
      assert.deepEqual(parseAddress(formatAddress(6, ...p.words)), p, t);
    }),
  );
});
