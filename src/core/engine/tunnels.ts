// Tunnel encapsulation on the host's interfaces: a VXLAN or WireGuard device's outer UDP packets
// belong to a socket the kernel holds, which no process does. Such a flow would otherwise go to
// unknown; it is the tunnel's own conversation instead ("vxlan:vx0"), while the inner packets,
// seen on the tunnel device, are credited to their processes as any others. Only flows that no
// process was found for are asked (a process always wins), and only of bwtop's own namespace,
// where the devices are known: a UDP flow whose local port is a tunnel's port (its kernel socket
// holds it, wildcard-bound: no process can bind it too), or, for VXLAN, which sends from a source
// port of its own choosing, whose remote port is the device's port and remote address its
// configured remote (any address for a device without one: it sends by forwarding entries).
import type { DirectionTotals } from '../model.js';
import type { TunnelDevice } from '../netlink/tunnel-links.js';
import { PROTO_UDP } from '../packet.js';
import { DirectionCounter } from './counters.js';
import type { Flow } from './flow.js';
import { ensureFlowText } from './flow-text.js';

export class Tunnels {
  private devices: readonly TunnelDevice[] = [];
  /** Bytes by tunnel name, kept for bwtop's life (a handful of devices). */
  private readonly counters = new Map<string, DirectionCounter>();

  /** The tunnel devices of bwtop's own namespace now (read at start and when links change). */
  set(devices: readonly TunnelDevice[]): void {
    this.devices = devices;
  }

  /** The name of the tunnel whose outer packets the flow carries ("vxlan:vx0"), or null. */
  of(f: Flow): string | null {
    if (f.netns !== 0 || f.proto !== PROTO_UDP || this.devices.length === 0) return null;
    ensureFlowText(f);
    const found = this.devices.filter(
      (d) =>
        d.port !== null &&
        (f.lport === d.port ||
          (d.kind === 'vxlan' && f.rport === d.port && (d.remotes.length === 0 || d.remotes.includes(f.remoteAddrText)))),
    );
    if (found.length === 0) return null;
    // Devices sharing one port share one kernel socket: the conversation is theirs together.
    return `${found[0]!.kind}:${found.map((d) => d.device).join('+')}`;
  }

  add(name: string, sent: number, received: number): void {
    let c = this.counters.get(name);
    if (!c) {
      c = new DirectionCounter();
      this.counters.set(name, c);
    }
    c.add(sent, received);
  }

  /** Each tunnel that carried bytes, by name, with this interval's and total bytes. */
  take(): Array<{ name: string } & DirectionTotals> {
    return [...this.counters].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, c]) => ({ name, ...c.take() }));
  }
}
