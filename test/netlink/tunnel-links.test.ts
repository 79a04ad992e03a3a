// Tunnel devices as this kernel reports them (fixtures/netlink/tunnel-links.txt, recorded by
// test/fixtures-tools/record-tunnel-links.sh: VXLAN devices with an IPv4 remote, an IPv6 remote
// and none, a bridge and a veth), and the rule that gives a tunnel the flows no process was
// found for (src/core/engine/tunnels.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Flow } from '../../src/core/engine/flow.js';
import { parseAddress } from '../../src/core/engine/address.js';
import { Tunnels } from '../../src/core/engine/tunnels.js';
import { tunnelOfLinkInfo, type TunnelDevice } from '../../src/core/netlink/tunnel-links.js';
import { PROTO_TCP, PROTO_UDP } from '../../src/core/packet.js';

const FIX = fileURLToPath(new URL('../../../fixtures/netlink/tunnel-links.txt', import.meta.url));
const recorded = readFileSync(FIX, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => l.split(' ') as [string, string]);

function devices(): TunnelDevice[] {
  return recorded.map(([name, hex]) => tunnelOfLinkInfo(name, Buffer.from(hex, 'hex'))).filter((t) => t !== null);
}

test('link info: VXLAN devices with their port and remote; bridges and veths are no tunnels', () => {
  assert.deepEqual(devices(), [
    { device: 'vx4', kind: 'vxlan', port: 4789, remotes: ['10.9.9.9'] },
    { device: 'vx6', kind: 'vxlan', port: 8472, remotes: ['fd00::9'] },
    { device: 'vxfdb', kind: 'vxlan', port: 4790, remotes: [] },
  ]);
});

test('link info: cut or damaged attributes make no tunnel, never a wrong port', () => {
  const [, hex] = recorded.find(([n]) => n === 'vx4')!;
  const whole = Buffer.from(hex, 'hex');
  for (let cut = 0; cut < whole.length; cut++) {
    const t = tunnelOfLinkInfo('vx4', whole.subarray(0, cut));
    assert.ok(t === null || t.port === 4789, `cut at ${cut}: ${JSON.stringify(t)}`);
  }
  assert.equal(tunnelOfLinkInfo('x', Buffer.from('0400', 'hex')), null);
  assert.deepEqual(tunnelOfLinkInfo('wg0', Buffer.from('0e000100776972656775617264000000', 'hex')), {
    device: 'wg0',
    kind: 'wireguard',
    port: null,
    remotes: [],
  });
});

function flow(proto: number, local: string, lport: number, remote: string, rport: number, netns = 0): Flow {
  const f = new Flow(4);
  const l = parseAddress(local)!;
  const r = parseAddress(remote)!;
  f.proto = proto;
  f.family = l.family;
  [f.l0, f.l1, f.l2, f.l3] = l.words;
  [f.r0, f.r1, f.r2, f.r3] = r.words;
  f.lport = lport;
  f.rport = rport;
  f.netns = netns;
  return f;
}

test('tunnel flows: the kernel socket’s port, or VXLAN’s sending to its remote; nothing else', () => {
  const t = new Tunnels();
  t.set([...devices(), { device: 'wg0', kind: 'wireguard', port: 51820, remotes: [] }]);
  // received on the VXLAN port, from anyone (the kernel's socket holds the port)
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 4789, '10.9.9.9', 40000)), 'vxlan:vx4');
  // sent from a port of VXLAN's choosing to the device's remote and port
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 51234, '10.9.9.9', 4789)), 'vxlan:vx4');
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 51234, '10.9.9.8', 4789)), null, 'another remote: not that device');
  assert.equal(t.of(flow(PROTO_UDP, 'fd00::1', 51234, 'fd00::9', 8472)), 'vxlan:vx6');
  // a device without a remote sends wherever its forwarding entries say
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 51234, '192.0.2.7', 4790)), 'vxlan:vxfdb');
  // WireGuard sends and receives on its listen port
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 51820, '198.51.100.3', 43000)), 'wireguard:wg0');
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 43000, '198.51.100.3', 51820)), null, 'a remote WireGuard port is anyone’s');
  assert.equal(t.of(flow(PROTO_TCP, '10.9.9.1', 4789, '10.9.9.9', 40000)), null, 'TCP is never a tunnel’s');
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 4789, '10.9.9.9', 40000, 4026532000)), null, 'another namespace’s devices are not known');
  // two devices on one port share the kernel's socket
  t.set([
    { device: 'a', kind: 'vxlan', port: 4789, remotes: [] },
    { device: 'b', kind: 'vxlan', port: 4789, remotes: [] },
  ]);
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 4789, '10.9.9.9', 40000)), 'vxlan:a+b');
  t.set([]);
  assert.equal(t.of(flow(PROTO_UDP, '10.9.9.1', 4789, '10.9.9.9', 40000)), null);
});

test('tunnel bytes: by name, this interval and since start, in name order', () => {
  const t = new Tunnels();
  t.add('vxlan:vx4', 100, 10);
  t.add('vxlan:vx4', 5, 0);
  t.add('vxlan:a', 1, 2);
  assert.deepEqual(t.take(), [
    { name: 'vxlan:a', sent: 1, received: 2, sentTotal: 1, receivedTotal: 2 },
    { name: 'vxlan:vx4', sent: 105, received: 10, sentTotal: 105, receivedTotal: 10 },
  ]);
  assert.deepEqual(t.take()[1], { name: 'vxlan:vx4', sent: 0, received: 0, sentTotal: 105, receivedTotal: 10 });
});
