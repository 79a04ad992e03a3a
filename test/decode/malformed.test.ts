// Broken, truncated and non-IP frames are counted and skipped; bytes beyond caplen are never read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketDecoder } from '../../src/core/decode/index.js';
import {
  DECODED_IP,
  DECODED_MALFORMED,
  DECODED_NOT_IP,
  DECODED_PORTS,
  LINK_ETHERNET,
  LINK_LINUX_SLL,
  LINK_LINUX_SLL2,
  LINK_LOOP,
  LINK_NULL,
} from '../../src/core/packet.js';
import { decodeFixture, flowKey, flowSums, readFrames, RESULT_NAMES } from './fixture-helpers.js';

const ALL_FIXTURES = [
  'routed-a0.pcap',
  'routed-router-any.pcap',
  'routed-router-any-sll2.pcap',
  'crafted-a0.pcap',
  'crafted-router-any.pcap',
  'crafted-frames.pcap',
  'raw-tun.pcap',
  'lo.pcap',
  'vlan-8021q-port.pcap',
  'vlan-8021q-bridge.pcap',
  'vlan-8021ad-port.pcap',
  'vlan-qinq-port.pcap',
  'derived-null-le.pcap',
  'derived-null-be.pcap',
  'derived-loop.pcap',
  'derived-ipv4.pcap',
  'derived-ipv6.pcap',
];

test('crafted frames: stacked tags decode, non-IP is skipped, each broken header is malformed', () => {
  const { packets, decoder } = decodeFixture('crafted-frames.pcap');
  assert.deepEqual(
    packets.map((p) => (p.key === '' ? p.result : `${p.result} ${p.key} ${p.ipLen} ${p.tcpFlags}`)),
    [
      'ports udp 10.33.0.1:42001 > 10.33.0.2:5201 48 0', // 0x9100 / 0x8100 / IPv4
      'ports tcp [fd33::1]:42002 > [fd33::2]:5202 70 24', // 0x88a8 / 0x9100 / 0x8100 / IPv6, PSH+ACK
      'not-ip', // 802.3 length field + LLC (STP)
      'not-ip', // LLDP
      'not-ip', // tagged ARP
      'malformed', // IHL 3
      'malformed', // total length 16 < header length
      'malformed', // EtherType IPv4 holding version 6
      'malformed', // IPv6 header cut at 30 bytes
      'malformed', // IPv6 payload length too short for its hop-by-hop header plus UDP
      'malformed', // IPv4 total length leaves no room for the UDP header
      'malformed', // VLAN tag cut in half
    ],
  );
  assert.equal(decoder.malformed, 7);
  assert.equal(decoder.notIp, 3);
});

test('non-IP frames are counted apart (ARP in the Ethernet captures, 4 in the cooked ones)', () => {
  assert.equal(decodeFixture('routed-a0.pcap').decoder.notIp, 2);
  assert.equal(decodeFixture('routed-router-any.pcap').decoder.notIp, 4);
  assert.equal(decodeFixture('routed-a0.pcap').decoder.malformed, 0);
});

test('live snap length 256: every fixture gives the same flows and byte sums as full captures', () => {
  for (const name of ALL_FIXTURES) {
    const full = decodeFixture(name);
    const cut = decodeFixture(name, 256);
    assert.deepEqual(flowSums(cut.packets), flowSums(full.packets), name);
    assert.deepEqual(
      cut.packets.map((p) => p.result),
      full.packets.map((p) => p.result),
      name,
    );
  }
});

/** Link-header length of the first frame of a fixture, for the truncation sweep. */
function linkHeader(linkType: number, frame: Buffer): number {
  if (linkType === LINK_ETHERNET) {
    let off = 14;
    let type = frame.readUInt16BE(12);
    while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
      type = frame.readUInt16BE(off + 2);
      off += 4;
    }
    return off;
  }
  if (linkType === LINK_LINUX_SLL) return 16;
  if (linkType === LINK_LINUX_SLL2) return 20;
  if (linkType === LINK_NULL || linkType === LINK_LOOP) return 4;
  return 0;
}

test('truncated frames: cut inside the link or fixed IP header -> malformed; before the ports -> IP', () => {
  for (const name of ALL_FIXTURES.filter((n) => n !== 'crafted-frames.pcap')) {
    const frames = readFrames(name);
    const full = new PacketDecoder();
    const d = new PacketDecoder();
    let checked = 0;
    for (const f of frames) {
      const r = full.decode(f.data, f.caplen, f.linkType, f.tsMs);
      if (r !== DECODED_PORTS) continue;
      const key = flowKey(r, full.out);
      const ipLen = full.out.ipLen;
      const l2 = linkHeader(f.linkType, f.data);
      const v4 = full.out.family === 4;
      // later IPv4 fragments have no ports to cut; IPv6 extension chains have their own test
      if (v4 && (f.data.readUInt16BE(l2 + 6) & 0x1fff) !== 0) continue;
      if (!v4 && f.data[l2 + 6] !== full.out.proto) continue;
      const fixed = v4 ? 20 : 40;
      const hdr = v4 ? (f.data[l2]! & 15) * 4 : 40;
      for (let len = 0; len <= f.caplen; len++) {
        const got = d.decode(f.data, len, f.linkType, f.tsMs);
        const want = len < l2 + fixed ? DECODED_MALFORMED : len < l2 + hdr + 4 ? DECODED_IP : DECODED_PORTS;
        assert.equal(RESULT_NAMES[got], RESULT_NAMES[want], `${name} cut at ${len} of ${f.caplen}`);
        if (got !== DECODED_MALFORMED) {
          assert.equal(d.out.ipLen, ipLen);
          assert.equal(d.out.proto, full.out.proto);
        }
        if (got === DECODED_PORTS) assert.equal(flowKey(got, d.out), key);
      }
      checked++;
    }
    assert.ok(checked > 0, name);
  }
});

test('IPv6: chain cut short by the snap length -> IP with the stated length', () => {
  const { packets } = decodeFixture('crafted-a0.pcap');
  const frames = readFrames('crafted-a0.pcap');
  const i = packets.findIndex((p) => p.key === 'udp [fd11::1]:41010 > [fd22::2]:5110');
  const f = frames[i]!;
  const d = new PacketDecoder();
  // 14 Ethernet + 40 IPv6 + HBH 8 + DST 8 + RH 24 + FRAG 8 + DST 8 = 110: UDP starts there
  for (const [len, want] of [
    [53, DECODED_MALFORMED],
    [54, DECODED_IP],
    [60, DECODED_IP],
    [100, DECODED_IP],
    [113, DECODED_IP],
    [114, DECODED_PORTS],
  ] as const) {
    assert.equal(RESULT_NAMES[d.decode(f.data, len, LINK_ETHERNET, 0)], RESULT_NAMES[want], `cut at ${len}`);
    if (want !== DECODED_MALFORMED) assert.equal(d.out.ipLen, 144);
  }
  assert.equal(d.out.sport, 41010);
});

test('bytes after caplen never change the result (the decoder does not read them)', () => {
  const d = new PacketDecoder();
  const e = new PacketDecoder();
  for (const name of ALL_FIXTURES) {
    for (const f of readFrames(name)) {
      for (const cut of [f.caplen, 60, 40, 20]) {
        const len = Math.min(cut, f.caplen);
        const padded = Buffer.alloc(len + 64, 0xa5);
        f.data.copy(padded, 0, 0, len);
        const a = d.decode(f.data.subarray(0, len), len, f.linkType, f.tsMs);
        const b = e.decode(padded, len, f.linkType, f.tsMs);
        assert.equal(b, a, `${name} cut ${len}`);
        assert.deepEqual({ ...e.out }, { ...d.out }, `${name} cut ${len}`);
      }
    }
  }
});

test('caplen larger than the buffer, zero, negative or NaN is clamped, never thrown on', () => {
  const d = new PacketDecoder();
  const f = readFrames('routed-a0.pcap').find((x) => x.data.readUInt16BE(12) === 0x0806); // ARP
  assert.equal(d.decode(f!.data, f!.caplen + 1000, LINK_ETHERNET, 0), DECODED_NOT_IP);
  for (const bad of [0, -5, Number.NaN]) assert.equal(d.decode(f!.data, bad, LINK_ETHERNET, 0), DECODED_MALFORMED);
  assert.equal(d.decode(Buffer.alloc(0), 100, LINK_ETHERNET, 0), DECODED_MALFORMED);
});

test('unknown link types are not IP', () => {
  const d = new PacketDecoder();
  const [f] = readFrames('raw-tun.pcap');
  assert.equal(d.decode(f!.data, f!.caplen, 127, 0), DECODED_NOT_IP);
  assert.equal(d.decode(f!.data, f!.caplen, -1, 0), DECODED_NOT_IP);
  assert.equal(d.notIp, 2);
});
