// IP fragments: later fragments carry no ports, so they are credited to the flow of their
// datagram's first fragment (remembered by src, dst, id and, for IPv4, protocol).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAGMENT_TTL_MS, PacketDecoder } from '../../src/core/decode/index.js';
import { DECODED_IP, DECODED_PORTS, LINK_ETHERNET } from '../../src/core/packet.js';
import { decodeFixture, flowKey, readFrames, type Decoded, type Frame } from './fixture-helpers.js';

const lens = (packets: Decoded[], key: string): number[] => packets.filter((p) => p.key === key).map((p) => p.ipLen);

test('kernel-fragmented UDP (IPv4 and IPv6): every fragment counted on the ports of the first', () => {
  const { packets } = decodeFixture('routed-a0.pcap');
  assert.deepEqual(lens(packets, 'udp 10.11.0.1:40005 > 10.22.0.2:5003'), [1500, 1500, 68]);
  assert.deepEqual(lens(packets, 'udp [fd11::1]:40006 > [fd22::2]:5003'), [1496, 1496, 160]);
  // nothing of them is left unattributed
  assert.deepEqual(lens(packets, 'proto 17 10.11.0.1 > 10.22.0.2'), []);
  assert.deepEqual(lens(packets, 'proto 17 fd11::1 > fd22::2'), []);
});

test('fragmented ping (ping -s 3000): IP without ports, all fragments, both directions', () => {
  const { packets } = decodeFixture('routed-a0.pcap');
  assert.deepEqual(lens(packets, 'proto 1 10.11.0.1 > 10.22.0.2'), [84, 84, 1500, 1500, 68, 124]);
  assert.deepEqual(lens(packets, 'proto 1 10.22.0.2 > 10.11.0.1'), [84, 84, 1500, 1500, 68, 124]);
  assert.deepEqual(lens(packets, 'proto 58 fd11::1 > fd22::2'), [104, 104, 1496, 1496, 160]);
  assert.deepEqual(lens(packets, 'proto 58 fd22::2 > fd11::1'), [104, 104, 1496, 1496, 160]);
});

test('later fragments arriving before the first are IP with the protocol, the first gets ports', () => {
  const { packets } = decodeFixture('crafted-a0.pcap');
  // IPv4 datagram 1014 sent last fragment first: offsets 2000, 1000, then 0
  assert.deepEqual(
    packets.filter((p) => p.key === 'proto 17 10.11.0.1 > 10.22.0.2').map((p) => [p.result, p.ipLen]),
    [
      ['ip', 28],
      ['ip', 1020],
    ],
  );
  assert.deepEqual(lens(packets, 'udp 10.11.0.1:41014 > 10.22.0.2:5114'), [1020]);
  // IPv6 datagram 0x8888, two fragments, reversed
  assert.deepEqual(lens(packets, 'proto 17 fd11::1 > fd22::2'), [1008]);
  assert.deepEqual(lens(packets, 'udp [fd11::1]:41015 > [fd22::2]:5115'), [1096]);
});

test('IPv6: the fragmentable part starting with destination options still yields UDP ports', () => {
  const { packets } = decodeFixture('crafted-a0.pcap');
  const frames = readFrames('crafted-a0.pcap');
  const idx = packets.flatMap((p, i) => (p.key === 'udp [fd11::1]:41016 > [fd22::2]:5116' ? [i] : []));
  assert.deepEqual(
    idx.map((i) => packets[i]!.ipLen),
    [1096, 1016],
  );
  // both fragment headers announce destination options (60), not UDP
  for (const i of idx) assert.equal(frames[i]!.data[14 + 40], 60);
});

test('once the first fragment is known, the same fragments seen again resolve (second interface)', () => {
  const frames = readFrames('crafted-a0.pcap');
  const d = new PacketDecoder();
  for (const f of frames) d.decode(f.data, f.caplen, f.linkType, f.tsMs);
  const again = frames.map((f) => {
    const r = d.decode(f.data, f.caplen, f.linkType, f.tsMs);
    return r === DECODED_PORTS || r === DECODED_IP ? flowKey(r, d.out) : '';
  });
  assert.equal(again.filter((k) => k === 'udp 10.11.0.1:41014 > 10.22.0.2:5114').length, 3);
  assert.equal(again.filter((k) => k === 'udp [fd11::1]:41015 > [fd22::2]:5115').length, 2);
  assert.equal(again.filter((k) => k === 'proto 17 10.11.0.1 > 10.22.0.2').length, 0);
});

/** The three fragments of UDP 40005 in routed-a0.pcap (Ethernet). */
function udpFragments(): Frame[] {
  const { packets } = decodeFixture('routed-a0.pcap');
  const frames = readFrames('routed-a0.pcap');
  const out = frames.filter((_, i) => packets[i]!.key === 'udp 10.11.0.1:40005 > 10.22.0.2:5003');
  assert.equal(out.length, 3);
  return out;
}

function decodeAt(d: PacketDecoder, f: Frame, tsMs: number): number {
  return d.decode(f.data, f.caplen, LINK_ETHERNET, tsMs);
}

test(`a remembered first fragment expires after ${FRAGMENT_TTL_MS} ms of packet time`, () => {
  const [first, second, third] = udpFragments();
  const d = new PacketDecoder();
  assert.equal(decodeAt(d, first!, 1000), DECODED_PORTS);
  assert.equal(decodeAt(d, second!, 1000 + FRAGMENT_TTL_MS - 1), DECODED_PORTS);
  assert.equal(d.out.sport, 40005);
  assert.equal(decodeAt(d, third!, 1000 + FRAGMENT_TTL_MS + 1), DECODED_IP);
  assert.equal(d.out.proto, 17);
  assert.equal(d.out.ipLen, 68);
});

test('a later fragment only matches its own datagram (src, dst, id, protocol)', () => {
  const [first, second] = udpFragments();
  const d = new PacketDecoder();
  decodeAt(d, first!, 0);
  const mutate = (off: number, value: number): Frame => {
    const data = Buffer.from(second!.data);
    data[off] = value;
    return { ...second!, data };
  };
  assert.equal(decodeAt(d, mutate(14 + 5, second!.data[14 + 5]! ^ 1), 1), DECODED_IP); // id
  assert.equal(decodeAt(d, mutate(14 + 15, 99), 1), DECODED_IP); // source address
  assert.equal(decodeAt(d, mutate(14 + 19, 99), 1), DECODED_IP); // destination address
  assert.equal(decodeAt(d, mutate(14 + 9, 6), 1), DECODED_IP); // protocol
  assert.equal(d.out.proto, 6);
  assert.equal(decodeAt(d, second!, 1), DECODED_PORTS);
});

test('the fixed-size table keeps the most recent datagrams under a flood of first fragments', () => {
  const [first, second] = udpFragments();
  const d = new PacketDecoder();
  const withId = (f: Frame, id: number): Frame => {
    const data = Buffer.from(f.data);
    data.writeUInt16BE(id, 14 + 4);
    return { ...f, data };
  };
  const N = 5000;
  for (let id = 0; id < N; id++) assert.equal(decodeAt(d, withId(first!, id), id), DECODED_PORTS);
  for (let id = N - 200; id < N; id++) {
    assert.equal(decodeAt(d, withId(second!, id), N), DECODED_PORTS, `id ${id}`);
    assert.equal(d.out.dport, 5003);
  }
});
