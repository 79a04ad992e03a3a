// The tunnel devices of bwtop's own network namespace: the link list over rtnetlink (the
// `netlink` package's route socket), and each WireGuard device's listen port over its generic
// netlink family. Loaded on first use. A device whose port cannot be read is left out (its
// packets then stay unknown, never a guess).
import { createRequire } from 'node:module';
import { tunnelOfLinkInfo, type TunnelDevice } from '../core/netlink/tunnel-links.js';

interface LinkMessage {
  attrs: { ifname?: string; linkinfo?: Buffer };
}
interface RtSocket {
  getLinks(): Promise<LinkMessage[]>;
  socket: { close(): void };
}
interface GenlSocket {
  ctrlRequest(cmd: number, msg: object, options: { flags: number }): Promise<Array<{ familyName?: string }>>;
  socket: { close(): void };
}
interface WgSocket {
  getDevice(name: string): Promise<Array<{ listenPort?: number }>>;
}
/** CTRL_CMD_GETFAMILY, and NLM_F_DUMP (NLM_F_ROOT | NLM_F_MATCH). */
const GET_FAMILY = 3;
const DUMP = 0x300;

const load = (path: string): unknown => createRequire(import.meta.url)(path);

/** Every VXLAN and WireGuard device with its port; [] when the kernel refuses the link list. */
export async function readTunnelDevices(): Promise<TunnelDevice[]> {
  let links: LinkMessage[];
  const rt = (load('netlink/dist/rt/rt.js') as { createRtNetlink(): RtSocket }).createRtNetlink();
  try {
    links = await rt.getLinks();
  } catch {
    return [];
  } finally {
    rt.socket.close();
  }
  const out: TunnelDevice[] = [];
  for (const l of links) {
    const { ifname, linkinfo } = l.attrs;
    const t = ifname && linkinfo ? tunnelOfLinkInfo(ifname, Buffer.from(linkinfo)) : null;
    if (t) out.push(t);
  }
  const wg = out.filter((t) => t.kind === 'wireguard');
  if (wg.length > 0) await readWireGuardPorts(wg);
  return out.filter((t) => t.port !== null);
}

async function readWireGuardPorts(devices: TunnelDevice[]): Promise<void> {
  // The family is looked up here (not by the package's createWireGuard) so the socket is closed
  // whatever happens, also where WireGuard is not loaded.
  const genl = (load('netlink/dist/genl/genl.js') as { createGenericNetlink(): GenlSocket }).createGenericNetlink();
  try {
    const families = await genl.ctrlRequest(GET_FAMILY, {}, { flags: DUMP });
    const family = families.find((f) => f.familyName === 'wireguard');
    if (!family) return;
    const { WireGuardSocket } = load('netlink/dist/wg/wg.js') as { WireGuardSocket: new (s: GenlSocket, f: object) => WgSocket };
    const wg = new WireGuardSocket(genl, family);
    for (const d of devices) {
      const port = await wg
        .getDevice(d.device)
        .then((r) => r[0]?.listenPort)
        .catch(() => undefined);
      if (port) d.port = port;
    }
  } catch {
    // no WireGuard family: the devices stay without a port
  } finally {
    genl.socket.close();
  }
}
