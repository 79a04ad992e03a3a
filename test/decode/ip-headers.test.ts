// IPv4 options, IPv6 extension headers, TCP flags and non-TCP/UDP protocols, against real
// captures: kernel-made (routed-a0.pcap) and scapy-crafted packets sent through a router
// (crafted-a0.pcap, see test/fixtures-tools/pcap-craft.py for the list).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFixture, readFrames, type Decoded } from './fixture-helpers.js';

const crafted = decodeFixture('crafted-a0.pcap').packets;
const craftedFrames = readFrames('crafted-a0.pcap');
const routed = decodeFixture('routed-a0.pcap').packets;

function find(packets: Decoded[], key: string): { p: Decoded; i: number }[] {
  const found = packets.flatMap((p, i) => (p.key === key ? [{ p, i }] : []));
  assert.ok(found.length > 0, `no packet ${key}`);
  return found;
}

function one(packets: Decoded[], key: string): { p: Decoded; i: number } {
  const found = find(packets, key);
  assert.equal(found.length, 1, key);
  return found[0]!;
}

test('IPv4 options: header length from IHL, ports behind the options', () => {
  const cases: [string, number, number, number][] = [
    // key, IHL in 32-bit words, ipLen, TCP flags
    ['udp 10.11.0.1:41001 > 10.22.0.2:5101', 6, 72, 0], // router alert
    ['tcp 10.11.0.1:41002 > 10.22.0.2:5102', 15, 80, 0x02], // NOP + record route, SYN
    ['tcp 10.22.0.2:5102 > 10.11.0.1:41002', 15, 80, 0x14], // the RST-ACK echoes the route
    ['udp 10.11.0.1:41003 > 10.22.0.2:5103', 8, 80, 0], // router alert + 8 NOPs
  ];
  for (const [key, ihl, ipLen, flags] of cases) {
    const { p, i } = one(crafted, key);
    assert.equal(p.result, 'ports', key);
    assert.equal(craftedFrames[i]!.data[14]! & 15, ihl, key);
    assert.equal(p.ipLen, ipLen, key);
    assert.equal(p.tcpFlags, flags, key);
  }
});

test('IPv4 options without ports: ping -R (kernel) and a crafted echo with record route', () => {
  const rr = routed.filter((p) => p.key.startsWith('proto 1 ') && p.ipLen === 124);
  assert.equal(rr.length, 2); // request and reply, IHL 15
  assert.ok(rr.every((p) => p.result === 'ip' && p.proto === 1));
  const { p, i } = one(crafted, 'proto 1 10.11.0.1 > 10.22.0.2');
  assert.deepEqual([p.result, p.ipLen, craftedFrames[i]!.data[14]! & 15], ['ip', 48, 10]);
});

test('IPv6 extension headers are walked to the transport header', () => {
  const cases: [string, number, number, number][] = [
    // key, first next-header in the fixed header, ipLen, TCP flags
    ['udp [fd11::1]:41004 > [fd22::2]:5104', 0, 96, 0], // hop-by-hop
    ['tcp [fd11::1]:41005 > [fd22::2]:5105', 43, 84, 0x02], // routing (type 0, segments left 0)
    ['udp [fd11::1]:41006 > [fd22::2]:5106', 60, 96, 0], // destination options
    ['tcp [fd11::1]:41007 > [fd22::2]:5107', 51, 84, 0x02], // AH: length (len+2)*4
    ['udp [fd11::1]:41010 > [fd22::2]:5110', 0, 144, 0], // HBH, DST, RH, atomic fragment, DST
  ];
  for (const [key, firstNext, ipLen, flags] of cases) {
    const { p, i } = one(crafted, key);
    assert.equal(p.result, 'ports', key);
    assert.equal(craftedFrames[i]!.data[14 + 6], firstNext, key);
    assert.equal(p.ipLen, ipLen, key);
    assert.equal(p.tcpFlags, flags, key);
  }
});

test('IPv6 hop-by-hop and destination options set by the kernel (setsockopt)', () => {
  assert.deepEqual(
    [one(routed, 'udp [fd11::1]:40007 > [fd22::2]:5002').p.ipLen, one(routed, 'udp [fd11::1]:40008 > [fd22::2]:5002').p.ipLen],
    [156, 156],
  );
  // MLD reports: hop-by-hop (router alert) then ICMPv6
  const mld = find(routed, 'proto 58 fe80::ff:fe00:11fe > ff02::16');
  assert.ok(mld.every(({ p }) => p.result === 'ip' && p.proto === 58 && p.ipLen === 136));
});

test('ESP and no-next-header end the chain: IP without ports', () => {
  const esp = one(crafted, 'proto 50 fd11::1 > fd22::2').p;
  assert.deepEqual([esp.result, esp.ipLen], ['ip', 80]);
  const none = one(crafted, 'proto 59 fd11::1 > fd22::2').p;
  assert.deepEqual([none.result, none.ipLen], ['ip', 64]);
});

test('GRE and SCTP are IP without ports (the GRE payload is not looked into)', () => {
  const gre = one(crafted, 'proto 47 10.11.0.1 > 10.22.0.2').p;
  assert.deepEqual([gre.result, gre.ipLen], ['ip', 52]);
  const sctp = one(crafted, 'proto 132 10.11.0.1 > 10.22.0.2').p;
  assert.deepEqual([sctp.result, sctp.ipLen], ['ip', 32]);
});

test('ICMP errors quoting a TCP/UDP packet are ICMP traffic of the reporting host', () => {
  const errors = find(crafted, 'proto 1 10.22.0.2 > 10.11.0.1').map(({ p }) => p.ipLen);
  // port unreachable for 41001 and 41003 (quoting their options), protocol unreachable for GRE
  // and SCTP, the echo reply, port unreachable for the fragmented 41014
  assert.deepEqual(errors, [100, 108, 80, 60, 48, 576]);
});

test('TCP flags follow the handshake, data and teardown', () => {
  const flags = (key: string): number[] => find(routed, key).map(({ p }) => p.tcpFlags);
  const S = 0x02;
  const A = 0x10;
  const PA = 0x18;
  const FA = 0x11;
  assert.deepEqual(flags('tcp 10.11.0.1:40001 > 10.22.0.2:5001'), [S, A, PA, A, FA, A]);
  assert.deepEqual(flags('tcp 10.22.0.2:5001 > 10.11.0.1:40001'), [S | A, A, PA, FA]);
  assert.deepEqual(flags('tcp [fd11::1]:40002 > [fd22::2]:5001'), [S, A, PA, A, FA, A]);
  assert.deepEqual(flags('tcp [fd22::2]:5001 > [fd11::1]:40002'), [S | A, A, PA, FA]);
});
