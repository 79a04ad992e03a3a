// Interfaces and this host's addresses, from /sys/class/net and the kernel's address list.
import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

const IFF_UP = 0x1;
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;

function readSys(name: string, file: string): string | null {
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Every interface that is administratively up, loopback included, sorted by name. */
export function upInterfaces(): string[] {
  let names: string[];
  try {
    names = readdirSync('/sys/class/net');
  } catch {
    return [];
  }
  return names
    .filter((n) => {
      const flags = readSys(n, 'flags');
      return flags !== null && (parseInt(flags, 16) & IFF_UP) !== 0;
    })
    .sort();
}

export function interfaceExists(name: string): boolean {
  return readSys(name, 'flags') !== null;
}

/** Ethernet-type devices can carry 802.1Q/802.1ad tags. */
export function isEthernet(name: string): boolean {
  return Number(readSys(name, 'type')) === ARPHRD_ETHER;
}

export function isLoopback(name: string): boolean {
  return Number(readSys(name, 'type')) === ARPHRD_LOOPBACK;
}

/** All addresses of this host, and IPv4 directed-broadcast addresses. */
export function localAddresses(): { addresses: string[]; broadcasts: string[] } {
  const addresses: string[] = [];
  const broadcasts: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      addresses.push(a.address);
      if (a.family === 'IPv4' && a.netmask !== '255.255.255.255') {
        const ip = a.address.split('.').map(Number);
        const mask = a.netmask.split('.').map(Number);
        broadcasts.push(ip.map((o, i) => (o | (~mask[i]! & 255)) & 255).join('.'));
      }
    }
  }
  return { addresses, broadcasts };
}
