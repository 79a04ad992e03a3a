// The fingerprint recognises one packet captured at two points (Ethernet in a namespace vs. the
// router's `any` capture where each forwarded packet is seen twice with different TTLs; a bridge
// vs. its tagged port) and tells different packets apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LINK_LINUX_SLL } from '../../src/core/packet.js';
import { decodeFixture, readFrames, type Decoded } from './fixture-helpers.js';

const ENDPOINTS = ['10.11.0.1', '10.22.0.2', 'fd11::1', 'fd22::2', '[fd11::1]', '[fd22::2]'];

/** True for a packet between bwfx-a and bwfx-b (forwarded by the router, so seen twice there). */
function forwarded(p: Decoded): boolean {
  if (p.key === '') return false;
  const words = p.key.split(' ');
  const addr = (w: string): string => (w.startsWith('[') ? w.slice(0, w.indexOf(']') + 1) : w.includes('.') ? w.replace(/:\d+$/, '') : w);
  const src = addr(words[words.length - 3]!);
  const dst = addr(words[words.length - 1]!);
  return ENDPOINTS.includes(src) && ENDPOINTS.includes(dst);
}

function byFingerprint(packets: Decoded[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  packets.forEach((p, i) => {
    if (p.key === '') return;
    const list = m.get(p.fingerprint) ?? [];
    list.push(i);
    m.set(p.fingerprint, list);
  });
  return m;
}

for (const [edge, router, count] of [
  ['routed-a0.pcap', 'routed-router-any.pcap', 56], // 62 minus ARP, MLD and NDP with the router
  ['routed-a0.pcap', 'routed-router-any-sll2.pcap', 56],
  ['crafted-a0.pcap', 'crafted-router-any.pcap', 35], // 41 minus ARP, MLD and NDP
] as const) {
  test(`every forwarded packet of ${edge} matches exactly its two copies in ${router}`, () => {
    const a = decodeFixture(edge).packets;
    const r = decodeFixture(router).packets;
    const index = byFingerprint(r);
    let matched = 0;
    for (const p of a.filter(forwarded)) {
      const twins = index.get(p.fingerprint) ?? [];
      assert.equal(twins.length, 2, `${p.key} ${p.ipLen}`);
      for (const i of twins) {
        assert.equal(r[i]!.key, p.key);
        assert.equal(r[i]!.ipLen, p.ipLen);
      }
      matched++;
    }
    assert.equal(matched, count);
  });
}

test('the two router copies differ in TTL / hop limit, and record-route options are rewritten', () => {
  const { packets } = decodeFixture('crafted-router-any.pcap');
  const frames = readFrames('crafted-router-any.pcap');
  assert.equal(frames[0]!.linkType, LINK_LINUX_SLL);
  const index = byFingerprint(packets);
  let ttlPairs = 0;
  for (const [, idx] of index) {
    if (idx.length !== 2 || !forwarded(packets[idx[0]!]!)) continue;
    const [x, y] = idx.map((i) => frames[i]!.data.subarray(16)); // after the 16-byte cooked header
    const hopOffset = x![0]! >> 4 === 4 ? 8 : 7;
    assert.equal(Math.abs(x![hopOffset]! - y![hopOffset]!), 1);
    ttlPairs++;
  }
  assert.ok(ttlPairs >= 20);
  // the SYN with NOP + record route: the router wrote its address into the option
  const syn = packets.flatMap((p, i) => (p.key === 'tcp 10.11.0.1:41002 > 10.22.0.2:5102' ? [i] : []));
  assert.equal(syn.length, 2);
  const [inCopy, outCopy] = syn.map((i) => frames[i]!.data.subarray(16));
  assert.notDeepEqual(inCopy!.subarray(20, 60), outCopy!.subarray(20, 60));
  assert.equal(packets[syn[0]!]!.fingerprint, packets[syn[1]!]!.fingerprint);
});

test('bridge and its 802.1Q-tagged port: the same multiset of fingerprints', () => {
  const fps = (name: string): number[] =>
    decodeFixture(name)
      .packets.filter((p) => p.key !== '')
      .map((p) => p.fingerprint)
      .sort((x, y) => x - y);
  const port = fps('vlan-8021q-port.pcap');
  assert.equal(port.length, 42);
  assert.deepEqual(fps('vlan-8021q-bridge.pcap'), port);
});

test('different packets get different fingerprints (only byte-identical packets collide)', () => {
  for (const name of ['routed-a0.pcap', 'raw-tun.pcap', 'lo.pcap', 'vlan-qinq-port.pcap', 'crafted-a0.pcap']) {
    const { packets } = decodeFixture(name);
    const frames = readFrames(name);
    for (const [fp, idx] of byFingerprint(packets)) {
      if (idx.length === 1) continue;
      // a collision is allowed only for retransmitted identical packets (MLD reports)
      const ip = idx.map((i) => frames[i]!.data.subarray(14).toString('hex'));
      assert.ok(
        ip.every((h) => h === ip[0]),
        `${name}: fingerprint ${fp.toString(16)} shared by different packets ${idx.join(',')}`,
      );
    }
    const tcp = packets.filter((p) => p.key.startsWith('tcp '));
    assert.equal(new Set(tcp.map((p) => p.fingerprint)).size, tcp.length, name);
  }
});

test('fragments of one datagram (same IP id) have different fingerprints', () => {
  const { packets } = decodeFixture('routed-a0.pcap');
  for (const key of ['udp 10.11.0.1:40005 > 10.22.0.2:5003', 'udp [fd11::1]:40006 > [fd22::2]:5003']) {
    const fps = packets.filter((p) => p.key === key).map((p) => p.fingerprint);
    assert.equal(fps.length, 3);
    assert.equal(new Set(fps).size, 3);
  }
});

test('fingerprints are unsigned 32-bit and do not depend on the snap length (>= 256)', () => {
  const full = decodeFixture('routed-a0.pcap').packets;
  const cut = decodeFixture('routed-a0.pcap', 256).packets;
  for (const [i, p] of full.entries()) {
    if (p.key === '') continue;
    assert.ok(Number.isInteger(p.fingerprint) && p.fingerprint >= 0 && p.fingerprint < 2 ** 32);
    assert.equal(cut[i]!.fingerprint, p.fingerprint);
  }
});
