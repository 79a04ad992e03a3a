// The decoder's output: one mutable record, reused for every packet so the hot path allocates nothing.
// Addresses are held as four 32-bit words (network order, big-endian words); IPv4 uses a3 only
// (a0 = a1 = a2 = 0) and family 4, so IPv4 and IPv6 share one comparison path.

/** Link-layer types as libpcap's DLT_/LINKTYPE_ numbers. */
export const LINK_NULL = 0; // BSD loopback: 4-byte address family in host byte order
export const LINK_ETHERNET = 1;
export const LINK_RAW = 12; // DLT_RAW on Linux (raw IPv4/IPv6, version nibble tells which)
export const LINK_RAW_FILE = 101; // LINKTYPE_RAW as written in capture files
export const LINK_LOOP = 108; // OpenBSD loopback: 4-byte address family in network byte order
export const LINK_LINUX_SLL = 113;
export const LINK_IPV4 = 228;
export const LINK_IPV6 = 229;
export const LINK_LINUX_SLL2 = 276;

/** What decode() found. */
export const DECODED_PORTS = 1; // IPv4/IPv6 + TCP/UDP with ports filled in
export const DECODED_IP = 2; // IP packet without usable ports (ICMP, other protocols, unmatched fragment)
export const DECODED_NOT_IP = 3; // a frame that is not IP (ARP, LLDP...): not counted as traffic
export const DECODED_MALFORMED = 4; // truncated or inconsistent headers: counted and skipped

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export class PacketInfo {
  family = 0; // 4 or 6
  proto = 0; // final upper-layer protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6...)
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  d0 = 0;
  d1 = 0;
  d2 = 0;
  d3 = 0;
  sport = 0;
  dport = 0;
  /** Bytes as the contract defines them: IPv4 total length, or 40 + IPv6 payload length. */
  ipLen = 0;
  /** TCP flags byte (FIN=1 SYN=2 RST=4 PSH=8 ACK=16), 0 for other protocols. */
  tcpFlags = 0;
  /**
   * 32-bit fingerprint of the packet's identity (addresses, IP id, protocol, lengths, first
   * transport bytes — not TTL/hop limit or IPv4 checksum), so the same packet seen on two
   * captured interfaces can be recognised.
   */
  fingerprint = 0;
}
