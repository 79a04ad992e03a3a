// NETLINK_SOCK_DIAG requests and replies for TCP/UDP sockets (linux/sock_diag.h, linux/inet_diag.h):
// a dump of one table (family + protocol + state bitmask) or the exact lookup of one socket, and
// the replies decoded into the same SocketEntry rows the /proc/net text parser yields for the
// same socket (address text, state names, uid, inode), so either source feeds the same code.
// Header integers are in host order (little-endian here); ports and addresses in network order.
import { AddressTexts, formatIpv6Bytes, ipv4TextOfHostWord } from '../proc/address.js';
import { stateName } from '../proc/netTable.js';
import type { SockProto, SocketEntry } from '../proc/types.js';

export const NETLINK_SOCK_DIAG = 4;
export const SOCK_DIAG_BY_FAMILY = 20;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
/** Every state (bit n = TCP state number n). */
export const ALL_STATES = 0xffffffff;
/** TCP_LISTEN's bit: a dump of listeners alone skips the kernel's walk of every connection. */
export const LISTEN_ONLY = 1 << 10;

/** The one-sentence error for a refused sock_diag (also what callers that fall back print). */
export function refusedSockDiag(why: string): Error {
  return new Error(
    `cannot read the socket tables over netlink (sock_diag): ${why}; ` +
      `reading the slower /proc/net tables instead (a kernel with inet_diag, tcp_diag and udp_diag avoids this)`,
  );
}

const NLMSG_HDR = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300; // NLM_F_ROOT | NLM_F_MATCH
const REQ_V2 = 56; // inet_diag_req_v2: family, protocol, ext, pad, states u32, inet_diag_sockid (48)
const DIAG_MSG = 72; // inet_diag_msg: family, state, timer, retrans, sockid (48), expires..inode (5 x u32)

function request(seq: number, flags: number, proto: SockProto, family: 4 | 6, states: number): Buffer {
  const b = Buffer.alloc(NLMSG_HDR + REQ_V2);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt32LE(seq >>> 0, 8);
  b[NLMSG_HDR] = family === 4 ? AF_INET : AF_INET6;
  b[NLMSG_HDR + 1] = proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
  b.writeUInt32LE(states >>> 0, NLMSG_HDR + 4);
  return b;
}

/** A dump of every socket of one table whose state bit is set in `states` (1 << state number). */
export function sockDiagDumpRequest(seq: number, proto: SockProto, family: 4 | 6, states = ALL_STATES): Buffer {
  return request(seq, NLM_F_REQUEST | NLM_F_DUMP, proto, family, states);
}

/** 4 network-order bytes of dotted-quad text, or null. */
function ipv4Bytes(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

/** 16 network-order bytes of IPv6 text ("::1", "fe80::1", "::ffff:1.2.3.4"), or null. */
export function ipv6Bytes(text: string): number[] | null {
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = ipv4Bytes(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    const upTo = text.slice(0, lastColon + 1); // "::ffff:" or "::" or "1:2:3:4:5:6:"
    head = upTo.endsWith('::') ? upTo : upTo.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (left === null || right === null) return null;
  const known = left.length + right.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const words = [...left, ...new Array<number>(8 - known).fill(0), ...right, ...tail];
  const bytes: number[] = [];
  for (const w of words) bytes.push(w >> 8, w & 0xff);
  return bytes;
}

/** Address bytes for a table of `family`: IPv4 text in an IPv6 table becomes ::ffff:a.b.c.d. */
function addressBytes(text: string, family: 4 | 6): number[] | null {
  if (family === 4) return ipv4Bytes(text);
  return text.includes(':') ? ipv6Bytes(text) : ipv6Bytes('::ffff:' + text);
}

/**
 * The exact lookup of one socket (no NLM_F_DUMP, cookie INET_DIAG_NOCOOKIE); null when an address
 * is not valid text for the table's family. The kernel fills the reply from the socket it finds
 * — which for an unknown 4-tuple may be the listener or unconnected socket on the local port —
 * so callers check the reply against the 5-tuple (sockDiagMatches). UDP's lookup reads the
 * request's source as the remote end and TCP's as the local end (kernel history): handled here.
 */
export function sockDiagLookupRequest(
  seq: number,
  proto: SockProto,
  family: 4 | 6,
  localAddr: string,
  localPort: number,
  remoteAddr: string,
  remotePort: number,
): Buffer | null {
  const local = addressBytes(localAddr, family);
  const remote = addressBytes(remoteAddr, family);
  if (local === null || remote === null || !validPort(localPort) || !validPort(remotePort)) return null;
  const b = request(seq, NLM_F_REQUEST, proto, family, ALL_STATES);
  const id = NLMSG_HDR + 8;
  const [src, sport, dst, dport] = proto === 'udp' ? [remote, remotePort, local, localPort] : [local, localPort, remote, remotePort];
  b.writeUInt16BE(sport, id);
  b.writeUInt16BE(dport, id + 2);
  Buffer.from(src).copy(b, id + 4);
  Buffer.from(dst).copy(b, id + 20);
  b.writeUInt32LE(0xffffffff, id + 40); // cookie: INET_DIAG_NOCOOKIE, both words
  b.writeUInt32LE(0xffffffff, id + 44);
  return b;
}

function validPort(p: number): boolean {
  return Number.isInteger(p) && p >= 0 && p <= 65535;
}

/** True when `e` is the socket of this exact 5-tuple (address text as SocketEntry writes it). */
export function sockDiagMatches(e: SocketEntry, localAddr: string, localPort: number, remoteAddr: string, remotePort: number): boolean {
  return e.localPort === localPort && e.remotePort === remotePort && e.localAddr === localAddr && e.remoteAddr === remoteAddr;
}

const v6Texts = new AddressTexts<string>();

function v4Text(buf: Buffer, at: number): string {
  return ipv4TextOfHostWord(buf.readUInt32LE(at)); // the same host-order word /proc/net/tcp prints
}

function v6Text(buf: Buffer, at: number): string {
  const key = buf.toString('latin1', at, at + 16);
  return v6Texts.get(key) ?? v6Texts.keep(key, formatIpv6Bytes(buf.subarray(at, at + 16)));
}

/** What one reply datagram said besides its sockets. */
export interface SockDiagStatus {
  /** NLMSG_DONE seen: the request is answered. */
  done: boolean;
  /** errno of an NLMSG_ERROR reply (positive), 0 when none. An error also ends the request. */
  errno: number;
  /** Messages of this sequence number seen (a lookup's answer is a single one, without DONE). */
  messages: number;
}

/**
 * Calls `visit` for each socket of one reply datagram (or of several concatenated), handing it
 * the SAME row object every time, overwritten in place (copy what you keep). Messages of another
 * sequence number are skipped (a late answer to an abandoned request). `proto` is the request's:
 * inet_diag_msg does not carry it. Without `visit`, only the status is read (no decoding).
 */
export function forEachSockDiagRow(buf: Buffer, seq: number, proto: SockProto, visit?: (row: SocketEntry) => void): SockDiagStatus {
  const status: SockDiagStatus = { done: false, errno: 0, messages: 0 };
  const row: SocketEntry = { proto, family: 4, localAddr: '', localPort: 0, remoteAddr: '', remotePort: 0, state: '', uid: 0, inode: 0 };
  let at = 0;
  while (at + NLMSG_HDR <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len < NLMSG_HDR || at + len > buf.length) break;
    const type = buf.readUInt16LE(at + 4);
    if (buf.readUInt32LE(at + 8) === seq >>> 0) {
      status.messages++;
      if (type === NLMSG_DONE) status.done = true;
      else if (type === NLMSG_ERROR) {
        const err = len >= NLMSG_HDR + 4 ? -buf.readInt32LE(at + NLMSG_HDR) : 0;
        status.done = true;
        if (err > 0) status.errno = err;
      } else if (type === SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDR + DIAG_MSG && visit !== undefined) {
        const m = at + NLMSG_HDR;
        const v6 = buf[m] === AF_INET6;
        row.family = v6 ? 6 : 4;
        row.state = stateName(proto, buf[m + 1]!);
        row.localPort = buf.readUInt16BE(m + 4);
        row.remotePort = buf.readUInt16BE(m + 6);
        row.localAddr = v6 ? v6Text(buf, m + 8) : v4Text(buf, m + 8);
        row.remoteAddr = v6 ? v6Text(buf, m + 24) : v4Text(buf, m + 24);
        row.uid = buf.readUInt32LE(m + 64);
        row.inode = buf.readUInt32LE(m + 68);
        visit(row);
      }
    }
    at += (len + 3) & ~3; // NLMSG_ALIGN
  }
  return status;
}

/** The sockets of one or more reply datagrams as separate objects, with the status. */
export function parseSockDiagReply(buf: Buffer, seq: number, proto: SockProto): SockDiagStatus & { entries: SocketEntry[] } {
  const entries: SocketEntry[] = [];
  const status = forEachSockDiagRow(buf, seq, proto, (r) => entries.push({ ...r }));
  return { ...status, entries };
}
