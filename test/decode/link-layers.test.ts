// Every supported link layer, against real captures: the flow sums below were read from each file
// with tcpdump -nn -v (test/fixtures-tools/pcap-flow-sums.py), not produced by the decoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkTypeFromPcapName, PacketDecoder } from '../../src/core/decode/index.js';
import {
  DECODED_MALFORMED,
  LINK_ETHERNET,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL,
  LINK_LINUX_SLL2,
  LINK_LOOP,
  LINK_NULL,
  LINK_RAW,
} from '../../src/core/packet.js';
import { decodeFixture, flowSums, readFrames, resultCounts } from './fixture-helpers.js';

// Ethernet on the veth of bwfx-a: kernel TCP/UDP/ICMP over IPv4 and IPv6 through a router,
// fragments, IPv6 hop-by-hop and destination options, ping -R (IPv4 options), ARP, NDP, MLD.
const ROUTED_A0 = [
  'proto 1 10.11.0.1 > 10.22.0.2 6 3360',
  'proto 1 10.22.0.2 > 10.11.0.1 6 3360',
  'proto 58 fd11::1 > fd22::2 5 3360',
  'proto 58 fd11::1 > ff02::1:ff00:fe 1 72',
  'proto 58 fd11::fe > fd11::1 1 72',
  'proto 58 fd22::2 > fd11::1 5 3360',
  'proto 58 fe80::ff:fe00:11fe > ff02::16 2 272',
  'tcp 10.11.0.1:40001 > 10.22.0.2:5001 6 1320',
  'tcp 10.22.0.2:5001 > 10.11.0.1:40001 4 3216',
  'tcp [fd11::1]:40002 > [fd22::2]:5001 6 1440',
  'tcp [fd22::2]:5001 > [fd11::1]:40002 4 3296',
  'udp 10.11.0.1:40003 > 10.22.0.2:5002 1 128',
  'udp 10.11.0.1:40005 > 10.22.0.2:5003 3 3068',
  'udp 10.22.0.2:5002 > 10.11.0.1:40003 1 228',
  'udp [fd11::1]:40004 > [fd22::2]:5002 1 148',
  'udp [fd11::1]:40006 > [fd22::2]:5003 3 3152',
  'udp [fd11::1]:40007 > [fd22::2]:5002 1 156',
  'udp [fd11::1]:40008 > [fd22::2]:5002 1 156',
  'udp [fd22::2]:5002 > [fd11::1]:40004 1 248',
  'udp [fd22::2]:5002 > [fd11::1]:40007 1 248',
  'udp [fd22::2]:5002 > [fd11::1]:40008 1 248',
];

// The same traffic recorded on `any` in the router: every forwarded packet twice (in, out).
const ROUTED_ROUTER_FORWARDED = [
  'proto 1 10.11.0.1 > 10.22.0.2 12 6720',
  'proto 1 10.22.0.2 > 10.11.0.1 12 6720',
  'proto 58 fd11::1 > fd22::2 10 6720',
  'proto 58 fd11::1 > ff02::1:ff00:fe 1 72',
  'proto 58 fd11::fe > fd11::1 1 72',
  'proto 58 fd22::2 > fd11::1 10 6720',
  'proto 58 fd22::2 > fe80::ff:fe00:22fe 1 72',
  'proto 58 fd22::2 > ff02::1:ff00:fe 1 72',
  'proto 58 fd22::fe > fd22::2 1 72',
];
const ROUTED_ROUTER_PORTS = [
  'tcp 10.11.0.1:40001 > 10.22.0.2:5001 12 2640',
  'tcp 10.22.0.2:5001 > 10.11.0.1:40001 8 6432',
  'tcp [fd11::1]:40002 > [fd22::2]:5001 12 2880',
  'tcp [fd22::2]:5001 > [fd11::1]:40002 8 6592',
  'udp 10.11.0.1:40003 > 10.22.0.2:5002 2 256',
  'udp 10.11.0.1:40005 > 10.22.0.2:5003 6 6136',
  'udp 10.22.0.2:5002 > 10.11.0.1:40003 2 456',
  'udp [fd11::1]:40004 > [fd22::2]:5002 2 296',
  'udp [fd11::1]:40006 > [fd22::2]:5003 6 6304',
  'udp [fd11::1]:40007 > [fd22::2]:5002 2 312',
  'udp [fd11::1]:40008 > [fd22::2]:5002 2 312',
  'udp [fd22::2]:5002 > [fd11::1]:40004 2 496',
  'udp [fd22::2]:5002 > [fd11::1]:40007 2 496',
  'udp [fd22::2]:5002 > [fd11::1]:40008 2 496',
];

// Raw IP on a tun device (and the link types derived from that capture).
const RAW_TUN = [
  'proto 1 10.55.0.1 > 10.55.0.2 1 84',
  'proto 1 10.55.0.2 > 10.55.0.1 1 84',
  'proto 58 fd55::1 > fd55::2 1 104',
  'proto 58 fd55::2 > fd55::1 1 104',
  'tcp 10.55.0.1:40001 > 10.55.0.2:5001 8 1424',
  'tcp 10.55.0.2:5001 > 10.55.0.1:40001 7 3372',
  'tcp [fd55::1]:40002 > [fd55::2]:5001 7 1512',
  'tcp [fd55::2]:5001 > [fd55::1]:40002 7 3512',
  'udp 10.55.0.1:40003 > 10.55.0.2:5002 1 128',
  'udp 10.55.0.1:40005 > 10.55.0.2:5003 3 3068',
  'udp 10.55.0.2:5002 > 10.55.0.1:40003 1 228',
  'udp [fd55::1]:40004 > [fd55::2]:5002 1 148',
  'udp [fd55::1]:40006 > [fd55::2]:5003 3 3152',
  'udp [fd55::1]:40007 > [fd55::2]:5002 1 156',
  'udp [fd55::1]:40008 > [fd55::2]:5002 1 156',
  'udp [fd55::2]:5002 > [fd55::1]:40004 1 248',
  'udp [fd55::2]:5002 > [fd55::1]:40007 1 248',
  'udp [fd55::2]:5002 > [fd55::1]:40008 1 248',
];
const RAW_TUN_COUNTS = { ports: 43, ip: 4, 'not-ip': 0, malformed: 0 };

const LOOPBACK = [
  'proto 1 127.0.0.1 > 127.0.0.1 2 168',
  'proto 58 ::1 > ::1 2 208',
  'tcp 127.0.0.1:40001 > 127.0.0.1:5001 6 1320',
  'tcp 127.0.0.1:5001 > 127.0.0.1:40001 4 3216',
  'tcp [::1]:40002 > [::1]:5001 6 1440',
  'tcp [::1]:5001 > [::1]:40002 4 3296',
  'udp 127.0.0.1:40003 > 127.0.0.1:5002 1 128',
  'udp 127.0.0.1:40005 > 127.0.0.1:5003 1 3028',
  'udp 127.0.0.1:5002 > 127.0.0.1:40003 1 228',
  'udp [::1]:40004 > [::1]:5002 1 148',
  'udp [::1]:40006 > [::1]:5003 1 3048',
  'udp [::1]:40007 > [::1]:5002 1 156',
  'udp [::1]:40008 > [::1]:5002 1 156',
  'udp [::1]:5002 > [::1]:40004 1 248',
  'udp [::1]:5002 > [::1]:40007 1 248',
  'udp [::1]:5002 > [::1]:40008 1 248',
];

// Tagged links between bwfx-a and bwfx-b; the UDP flows are identical on all of them.
const VLAN_UDP = [
  'udp 10.44.0.1:40003 > 10.44.0.2:5002 1 128',
  'udp 10.44.0.1:40005 > 10.44.0.2:5003 3 3068',
  'udp 10.44.0.2:5002 > 10.44.0.1:40003 1 228',
  'udp [fd44::1]:40004 > [fd44::2]:5002 1 148',
  'udp [fd44::1]:40006 > [fd44::2]:5003 3 3152',
  'udp [fd44::1]:40007 > [fd44::2]:5002 1 156',
  'udp [fd44::1]:40008 > [fd44::2]:5002 1 156',
  'udp [fd44::2]:5002 > [fd44::1]:40004 1 248',
  'udp [fd44::2]:5002 > [fd44::1]:40007 1 248',
  'udp [fd44::2]:5002 > [fd44::1]:40008 1 248',
];
const VLAN_ICMP = [
  'proto 1 10.44.0.1 > 10.44.0.2 1 84',
  'proto 1 10.44.0.2 > 10.44.0.1 1 84',
  'proto 58 fd44::1 > fd44::2 1 104',
  'proto 58 fd44::1 > ff02::1:ff00:2 1 72',
  'proto 58 fd44::2 > fd44::1 2 176',
];
const VLAN_8021Q = [
  ...VLAN_ICMP,
  'proto 58 fe80::ff:fe00:44b0 > ff02::16 1 136',
  'tcp 10.44.0.1:40001 > 10.44.0.2:5001 6 1320',
  'tcp 10.44.0.2:5001 > 10.44.0.1:40001 4 3216',
  'tcp [fd44::1]:40002 > [fd44::2]:5001 6 1440',
  'tcp [fd44::2]:5001 > [fd44::1]:40002 5 3368',
  ...VLAN_UDP,
];
const VLAN_8021AD = [
  ...VLAN_ICMP,
  'tcp 10.44.0.1:40001 > 10.44.0.2:5001 5 1268',
  'tcp 10.44.0.2:5001 > 10.44.0.1:40001 5 3268',
  'tcp [fd44::1]:40002 > [fd44::2]:5001 6 1440',
  'tcp [fd44::2]:5001 > [fd44::1]:40002 5 3368',
  ...VLAN_UDP,
];
const VLAN_QINQ = [
  ...VLAN_ICMP,
  'tcp 10.44.0.1:40001 > 10.44.0.2:5001 6 1320',
  'tcp 10.44.0.2:5001 > 10.44.0.1:40001 4 3216',
  'tcp [fd44::1]:40002 > [fd44::2]:5001 6 1440',
  'tcp [fd44::2]:5001 > [fd44::1]:40002 4 3296',
  ...VLAN_UDP,
];

/** The IPv4 or IPv6 lines (every IPv6 address in these fixtures has a '::'). */
function only(lines: string[], family: 4 | 6): string[] {
  return lines.filter((l) => l.includes('::') === (family === 6));
}

test('Ethernet: veth capture in a namespace', () => {
  const { linkType, packets } = decodeFixture('routed-a0.pcap');
  assert.equal(linkType, LINK_ETHERNET);
  assert.deepEqual(resultCounts(packets), { ports: 34, ip: 26, 'not-ip': 2, malformed: 0 });
  assert.deepEqual(flowSums(packets), ROUTED_A0);
});

test('Ethernet: the same file written as pcapng decodes identically', () => {
  const ng = decodeFixture('derived-routed-a0.pcapng');
  const plain = decodeFixture('routed-a0.pcap');
  assert.equal(ng.linkType, LINK_ETHERNET);
  assert.deepEqual(ng.packets, plain.packets);
});

test('Ethernet: loopback (lo) in a namespace', () => {
  const { linkType, packets } = decodeFixture('lo.pcap');
  assert.equal(linkType, LINK_ETHERNET);
  assert.deepEqual(resultCounts(packets), { ports: 30, ip: 4, 'not-ip': 0, malformed: 0 });
  assert.deepEqual(flowSums(packets), LOOPBACK);
});

test('Linux cooked v1 (any, snap length 256): ipLen from the IP header, not the capture', () => {
  const { linkType, packets } = decodeFixture('routed-router-any.pcap');
  assert.equal(linkType, LINK_LINUX_SLL);
  assert.deepEqual(resultCounts(packets), { ports: 68, ip: 51, 'not-ip': 4, malformed: 0 });
  assert.deepEqual(flowSums(packets), [
    ...ROUTED_ROUTER_FORWARDED,
    'proto 58 fe80::ff:fe00:11fe > ff02::16 1 136',
    'proto 58 fe80::ff:fe00:22fe > ff02::1:ff00:2 1 72',
    ...ROUTED_ROUTER_PORTS,
  ]);
  const frames = readFrames('routed-router-any.pcap');
  assert.ok(frames.every((f) => f.caplen <= 256));
  assert.equal(frames.filter((f) => f.caplen === 256).length, 38); // the large ones really were cut (counted with python struct)
});

test('Linux cooked v2 (any -y LINUX_SLL2)', () => {
  const { linkType, packets } = decodeFixture('routed-router-any-sll2.pcap');
  assert.equal(linkType, LINK_LINUX_SLL2);
  assert.deepEqual(resultCounts(packets), { ports: 68, ip: 50, 'not-ip': 4, malformed: 0 });
  assert.deepEqual(flowSums(packets), [
    ...ROUTED_ROUTER_FORWARDED,
    'proto 58 fe80::ff:fe00:22fe > ff02::1:ff00:2 1 72',
    ...ROUTED_ROUTER_PORTS,
  ]);
});

test('raw IP from a tun device (LINKTYPE_RAW, version nibble decides)', () => {
  const { linkType, packets } = decodeFixture('raw-tun.pcap');
  assert.equal(linkType, LINK_RAW);
  assert.deepEqual(resultCounts(packets), RAW_TUN_COUNTS);
  assert.deepEqual(flowSums(packets), RAW_TUN);
});

for (const [name, link] of [
  ['derived-null-le.pcap', LINK_NULL],
  ['derived-null-be.pcap', LINK_NULL],
  ['derived-loop.pcap', LINK_LOOP],
] as const) {
  test(`BSD loopback header: ${name} reads like the raw capture it was derived from`, () => {
    const { linkType, packets } = decodeFixture(name);
    assert.equal(linkType, link);
    assert.deepEqual(resultCounts(packets), RAW_TUN_COUNTS);
    assert.deepEqual(flowSums(packets), RAW_TUN);
  });
}

test('LINKTYPE_IPV4 and LINKTYPE_IPV6 hold the two halves of the raw capture', () => {
  const v4 = decodeFixture('derived-ipv4.pcap');
  const v6 = decodeFixture('derived-ipv6.pcap');
  assert.equal(v4.linkType, LINK_IPV4);
  assert.equal(v6.linkType, LINK_IPV6);
  assert.deepEqual(resultCounts(v4.packets), { ports: 20, ip: 2, 'not-ip': 0, malformed: 0 });
  assert.deepEqual(resultCounts(v6.packets), { ports: 23, ip: 2, 'not-ip': 0, malformed: 0 });
  assert.deepEqual(flowSums(v4.packets), only(RAW_TUN, 4));
  assert.deepEqual(flowSums(v6.packets), only(RAW_TUN, 6));
  assert.equal(only(RAW_TUN, 4).length + only(RAW_TUN, 6).length, RAW_TUN.length);
});

test('LINKTYPE_IPV4 frames that hold IPv6 (and the reverse) are malformed', () => {
  const d = new PacketDecoder();
  const [v4] = readFrames('derived-ipv4.pcap');
  const [v6] = readFrames('derived-ipv6.pcap');
  assert.equal(d.decode(v6!.data, v6!.caplen, LINK_IPV4, 0), DECODED_MALFORMED);
  assert.equal(d.decode(v4!.data, v4!.caplen, LINK_IPV6, 0), DECODED_MALFORMED);
  assert.equal(d.malformed, 2);
});

test('802.1Q: tagged on the bridge port, untagged on the bridge, same flows', () => {
  for (const name of ['vlan-8021q-port.pcap', 'vlan-8021q-bridge.pcap']) {
    const { linkType, packets } = decodeFixture(name);
    assert.equal(linkType, LINK_ETHERNET);
    assert.deepEqual(resultCounts(packets), { ports: 35, ip: 7, 'not-ip': 2, malformed: 0 }, name);
    assert.deepEqual(flowSums(packets), VLAN_8021Q, name);
  }
  const tagged = readFrames('vlan-8021q-port.pcap');
  assert.ok(tagged.every((f) => f.data.readUInt16BE(12) === 0x8100 && (f.data.readUInt16BE(14) & 0xfff) === 10));
});

test('802.1ad: S-tag 0x88a8', () => {
  const { packets } = decodeFixture('vlan-8021ad-port.pcap');
  assert.deepEqual(resultCounts(packets), { ports: 35, ip: 6, 'not-ip': 2, malformed: 0 });
  assert.deepEqual(flowSums(packets), VLAN_8021AD);
  assert.ok(readFrames('vlan-8021ad-port.pcap').every((f) => f.data.readUInt16BE(12) === 0x88a8));
});

test('Q-in-Q: 0x88a8 VID 20 over 0x8100 VID 10', () => {
  const { packets } = decodeFixture('vlan-qinq-port.pcap');
  assert.deepEqual(resultCounts(packets), { ports: 34, ip: 6, 'not-ip': 2, malformed: 0 });
  assert.deepEqual(flowSums(packets), VLAN_QINQ);
  const frames = readFrames('vlan-qinq-port.pcap');
  assert.ok(frames.every((f) => f.data.readUInt16BE(12) === 0x88a8 && f.data.readUInt16BE(16) === 0x8100));
});

test('linkTypeFromPcapName maps the binding strings', () => {
  assert.equal(linkTypeFromPcapName('LINKTYPE_ETHERNET'), LINK_ETHERNET);
  assert.equal(linkTypeFromPcapName('LINKTYPE_NULL'), LINK_NULL);
  assert.equal(linkTypeFromPcapName('LINKTYPE_RAW'), LINK_RAW);
  assert.equal(linkTypeFromPcapName('LINKTYPE_LINUX_SLL'), LINK_LINUX_SLL);
  assert.equal(linkTypeFromPcapName('Unknown linktype 276'), LINK_LINUX_SLL2);
  assert.equal(linkTypeFromPcapName('Unknown linktype 108'), LINK_LOOP);
  assert.equal(linkTypeFromPcapName('Unknown linktype 228'), LINK_IPV4);
  assert.equal(linkTypeFromPcapName('Unknown linktype 229'), LINK_IPV6);
  assert.equal(linkTypeFromPcapName('Unknown linktype 101'), 101);
  assert.equal(linkTypeFromPcapName('LINKTYPE_IEEE802_11_RADIO'), -1);
  assert.equal(linkTypeFromPcapName('Unknown linktype 105'), -1);
  assert.equal(linkTypeFromPcapName('Unknown linktype 9'), -1);
  assert.equal(linkTypeFromPcapName(''), -1);
  assert.equal(linkTypeFromPcapName('Unknown linktype 1x'), -1);
});
