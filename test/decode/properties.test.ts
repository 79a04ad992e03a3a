// Property tests: random bytes and random mutations/truncations of real frames, for every link
// type, never make the decoder throw, read past caplen or report impossible values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PacketDecoder } from '../../src/core/decode/index.js';
import {
  DECODED_IP,
  DECODED_MALFORMED,
  DECODED_NOT_IP,
  DECODED_PORTS,
  LINK_ETHERNET,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL,
  LINK_LINUX_SLL2,
  LINK_LOOP,
  LINK_NULL,
  LINK_RAW,
  LINK_RAW_FILE,
} from '../../src/core/packet.js';
import { readFrames, type Frame } from './fixture-helpers.js';

const LINK_TYPES = [LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_RAW_FILE, LINK_LOOP, LINK_LINUX_SLL, LINK_IPV4, LINK_IPV6, LINK_LINUX_SLL2];

// Real frames of every link type (the cooked, VLAN and crafted files hold the odd cases).
const FRAMES: Frame[] = [
  'routed-a0.pcap',
  'routed-router-any.pcap',
  'routed-router-any-sll2.pcap',
  'crafted-a0.pcap',
  'crafted-frames.pcap',
  'raw-tun.pcap',
  'lo.pcap',
  'vlan-qinq-port.pcap',
  'vlan-8021ad-port.pcap',
  'derived-null-le.pcap',
  'derived-null-be.pcap',
  'derived-loop.pcap',
  'derived-ipv4.pcap',
  'derived-ipv6.pcap',
].flatMap((n) => readFrames(n));

/** Checks one decode() result against what any packet could possibly be. */
function checkInvariants(d: PacketDecoder, r: number, caplen: number): void {
  assert.ok(r === DECODED_PORTS || r === DECODED_IP || r === DECODED_NOT_IP || r === DECODED_MALFORMED, `result ${r}`);
  if (r !== DECODED_PORTS && r !== DECODED_IP) return;
  const o = d.out;
  assert.ok(o.family === 4 || o.family === 6);
  assert.ok(o.ipLen >= (o.family === 4 ? 20 : 40) && o.ipLen <= 65535 + 40, `ipLen ${o.ipLen}`);
  assert.ok(Number.isInteger(o.proto) && o.proto >= 0 && o.proto <= 255);
  assert.ok(o.fingerprint >= 0 && o.fingerprint < 2 ** 32 && Number.isInteger(o.fingerprint));
  for (const w of [o.s0, o.s1, o.s2, o.s3, o.d0, o.d1, o.d2, o.d3]) assert.ok(w >= 0 && w < 2 ** 32);
  if (o.family === 4) assert.equal(o.s0 | o.s1 | o.s2 | o.d0 | o.d1 | o.d2, 0);
  if (r === DECODED_PORTS) {
    assert.ok(o.proto === 6 || o.proto === 17, `proto ${o.proto}`);
    assert.ok(o.sport >= 0 && o.sport <= 65535 && o.dport >= 0 && o.dport <= 65535);
    assert.ok(caplen >= (o.family === 4 ? 20 : 40), 'ports need a captured IP header');
  } else {
    assert.equal(o.sport, 0);
    assert.equal(o.dport, 0);
  }
  assert.ok(o.tcpFlags >= 0 && o.tcpFlags <= 255);
  if (o.proto !== 6) assert.equal(o.tcpFlags, 0);
}

test('random bytes with any link type: never throws, results are possible', () => {
  const d = new PacketDecoder();
  let malformed = 0;
  let notIp = 0;
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300, size: 'max' }),
      fc.oneof(fc.constantFrom(...LINK_TYPES), fc.integer({ min: -2, max: 300 })),
      fc.integer({ min: -10, max: 400 }),
      (bytes, linkType, caplen) => {
        const buf = Buffer.from(bytes);
        const r = d.decode(buf, caplen, linkType, 0);
        if (r === DECODED_MALFORMED) malformed++;
        if (r === DECODED_NOT_IP) notIp++;
        checkInvariants(d, r, Math.min(caplen, buf.length));
      },
    ),
    { numRuns: 2000 },
  );
  assert.equal(d.malformed, malformed);
  assert.equal(d.notIp, notIp);
});

test('random bytes behind valid-looking IPv4/IPv6 starts reach the deep paths without throwing', () => {
  const d = new PacketDecoder();
  const seen = new Set<number>();
  fc.assert(
    fc.property(
      fc.constantFrom(0x45, 0x46, 0x4f, 0x60),
      fc.uint8Array({ minLength: 19, maxLength: 120, size: 'max' }),
      fc.constantFrom(0, 6, 17, 43, 44, 50, 51, 59, 60),
      (b0, rest, next) => {
        const buf = Buffer.from([b0, ...rest]);
        if (buf.length > 9) buf[b0 >> 4 === 4 ? 9 : 6] = next;
        if (buf.length > 7 && b0 >> 4 === 4 && rest[0]! & 1) buf.writeUInt16BE(0, 6); // often unfragmented
        const r = d.decode(buf, buf.length, LINK_RAW, 0);
        seen.add(r);
        checkInvariants(d, r, buf.length);
      },
    ),
    { numRuns: 2000 },
  );
  assert.ok(seen.has(DECODED_PORTS) && seen.has(DECODED_IP) && seen.has(DECODED_MALFORMED));
});

const mutatedFrame = fc.record({
  frame: fc.constantFrom(...FRAMES),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  cut: fc.option(fc.nat()),
  snap: fc.constantFrom(Infinity, 256, 96),
});

test('mutated and truncated real frames: never throws, results are possible', () => {
  const d = new PacketDecoder();
  fc.assert(
    fc.property(mutatedFrame, ({ frame, flips, cut, snap }) => {
      const buf = Buffer.from(frame.data);
      for (const [pos, value] of flips) if (buf.length > 0) buf[pos % buf.length] = value;
      const caplen = Math.min(cut === null ? frame.caplen : cut % (frame.caplen + 1), snap);
      const r = d.decode(buf, caplen, frame.linkType, frame.tsMs);
      checkInvariants(d, r, caplen);
    }),
    { numRuns: 2000 },
  );
});

test('what lies beyond caplen never changes the output', () => {
  const a = new PacketDecoder();
  const b = new PacketDecoder();
  fc.assert(
    fc.property(mutatedFrame, fc.uint8Array({ minLength: 1, maxLength: 64 }), ({ frame, flips, cut }, tail) => {
      const buf = Buffer.from(frame.data);
      for (const [pos, value] of flips) if (buf.length > 0) buf[pos % buf.length] = value;
      const caplen = cut === null ? buf.length : cut % (buf.length + 1);
      const other = Buffer.concat([buf.subarray(0, caplen), Buffer.from(tail)]);
      const ra = a.decode(buf.subarray(0, caplen), caplen, frame.linkType, frame.tsMs);
      const rb = b.decode(other, caplen, frame.linkType, frame.tsMs);
      assert.equal(rb, ra);
      assert.deepEqual({ ...b.out }, { ...a.out });
    }),
    { numRuns: 2000 },
  );
});

test('unmutated real frames decode the same with a fresh decoder and with a used one', () => {
  const used = new PacketDecoder();
  for (const f of FRAMES) used.decode(f.data, f.caplen, f.linkType, f.tsMs);
  fc.assert(
    fc.property(fc.constantFrom(...FRAMES), (f) => {
      const fresh = new PacketDecoder();
      const r1 = fresh.decode(f.data, f.caplen, f.linkType, f.tsMs);
      const r2 = used.decode(f.data, f.caplen, f.linkType, f.tsMs);
      // a later fragment may resolve only in the decoder that saw its first fragment
      if (r1 === r2) assert.deepEqual({ ...fresh.out }, { ...used.out });
      else assert.deepEqual([r1, r2], [DECODED_IP, DECODED_PORTS]);
    }),
    { numRuns: 500 },
  );
});
