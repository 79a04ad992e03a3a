// Text of another network namespace's /proc/PID/net files and of the host's connection tracking:
// the addresses local to a namespace (fib_trie LOCAL routes, if_inet6) and the conntrack entries
// whose addresses were translated (NAT). Addresses come out in the same text flows use.
import { formatAddress, parseAddress } from '../engine/address.js';

/** Canonical text ("10.0.0.2", "fd00::2") of any address text, or null. */
function canonical(text: string): string | null {
  const p = parseAddress(text);
  return p ? formatAddress(p.family, ...p.words) : null;
}

/**
 * The IPv4 addresses local to a namespace: the leaves of /proc/net/fib_trie followed by a
 * "/32 host LOCAL" line (a LOCAL prefix such as 127.0.0.0/8 is not one address). Each once.
 */
export function parseFibTrieLocal(text: string): string[] {
  const out = new Set<string>();
  let leaf: string | null = null;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('|-- ')) leaf = t.slice(4);
    else if (leaf !== null && t.startsWith('/32 ') && t.endsWith(' LOCAL')) {
      const a = canonical(leaf);
      if (a !== null) out.add(a);
    } else if (!t.startsWith('/')) leaf = null;
  }
  return [...out];
}

/** The IPv6 addresses of /proc/net/if_inet6 (32 hex digits, then index, prefix, scope, flags, name). */
export function parseIfInet6(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const hex = line.trim().split(/\s+/)[0] ?? '';
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) continue;
    const a = canonical(hex.replace(/(.{4})(?!$)/g, '$1:'));
    if (a !== null && !out.includes(a)) out.push(a);
  }
  return out;
}

export interface ConntrackTuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

/** One TCP or UDP entry of /proc/net/nf_conntrack: the original direction and the reply. */
export interface ConntrackEntry {
  proto: 'tcp' | 'udp';
  orig: ConntrackTuple;
  reply: ConntrackTuple;
}

/**
 * Lines like "ipv4 2 tcp 6 113 TIME_WAIT src=A dst=B sport=P dport=Q src=B dst=C sport=Q dport=P
 * [ASSURED] ...": the first src/dst/sport/dport group is the original tuple, the second the reply.
 * Other protocols (no ports) are skipped, and so is anything malformed.
 */
export function parseConntrack(text: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(/\s+/);
    const proto = f[2];
    if (proto !== 'tcp' && proto !== 'udp') continue;
    const vals: Record<string, string[]> = { src: [], dst: [], sport: [], dport: [] };
    for (const w of f) {
      const eq = w.indexOf('=');
      if (eq > 0) vals[w.slice(0, eq)]?.push(w.slice(eq + 1));
    }
    const tuple = (i: number): ConntrackTuple | null => {
      const src = canonical(vals.src![i] ?? '');
      const dst = canonical(vals.dst![i] ?? '');
      const sport = Number(vals.sport![i]);
      const dport = Number(vals.dport![i]);
      if (src === null || dst === null || !Number.isInteger(sport) || !Number.isInteger(dport)) return null;
      return { src, dst, sport, dport };
    };
    const orig = tuple(0);
    const reply = tuple(1);
    if (orig && reply) out.push({ proto, orig, reply });
  }
  return out;
}
