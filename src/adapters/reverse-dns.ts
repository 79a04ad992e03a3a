// Remote host names for the drill-down: getnameinfo(3) through dns.lookupService, so names come
// from the system's resolver configuration (/etc/hosts, DNS) as `ss -r` shows them. Lookups run
// on libuv's thread pool; the screen keeps at most two in flight and caches every answer.

import { lookupService } from 'node:dns/promises';
import { isIP } from 'node:net';

/** The host name of `addr`, or null when it has none (or the address is not an IP address). */
export async function reverseDns(addr: string): Promise<string | null> {
  // An IPv4-mapped IPv6 address names the IPv4 host.
  const ip = addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
  if (isIP(ip) === 0) return null;
  try {
    const { hostname } = await lookupService(ip, 0);
    return hostname && hostname !== ip ? hostname : null;
  } catch {
    return null;
  }
}
