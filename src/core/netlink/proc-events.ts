// The kernel's process events connector (linux/connector.h, linux/cn_proc.h): the message that
// subscribes a NETLINK_CONNECTOR socket to CN_IDX_PROC, and a parser of what it then receives.
// Each event is one netlink message: nlmsghdr (16 bytes), cn_msg (20), then proc_event:
// what u32, cpu u32, timestamp_ns u64, and a union whose shape depends on `what`.
// Integers are in host order (little-endian on every machine bwtop runs on).

export type ProcEvent =
  | { kind: 'fork'; monoMs: number; parentPid: number; parentTgid: number; childPid: number; childTgid: number }
  | { kind: 'exec'; monoMs: number; pid: number; tgid: number }
  | { kind: 'comm'; monoMs: number; pid: number; tgid: number; comm: string }
  | { kind: 'exit'; monoMs: number; pid: number; tgid: number; exitCode: number; exitSignal: number }
  /** bwtop's own reader (src/native/young_sockets.c): a young program's TCP or UDP socket appeared (at
   * monoMs), or went: last seen at monoMs, found gone `goneAfterMs` later (null: it appeared). */
  | {
      kind: 'socket';
      monoMs: number;
      pid: number;
      tgid: number;
      inode: number;
      netns: number;
      /** Its protocol (null when gone). */
      proto: 'tcp' | 'udp' | null;
      /** Found by a first read that came late after the exec: maybe inherited (ask the parent). */
      atExec: boolean;
      goneAfterMs: number | null;
    }
  /** bwtop's own reader: a young program's identity, read when its first TCP or UDP socket was seen. */
  | { kind: 'identity'; monoMs: number; pid: number; tgid: number; netns: number; identity: RawIdentity }
  | { kind: 'none' }; // the ack after subscribing, and kinds we ignore (uid, gid, sid, ptrace, coredump)

/** /proc/PID texts as read: stat, cmdline (NUL-separated), the exe link, and the real uid from status. */
export interface RawIdentity {
  stat: string;
  cmdline: string;
  exe: string;
  uid: number;
}

export const NETLINK_CONNECTOR = 11;
export const CN_IDX_PROC = 1;
export const CN_VAL_PROC = 1;

const NLMSG_HDR = 16;
const CN_MSG = 20;
const NLMSG_NOOP = 1;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const PROC_CN_MCAST_LISTEN = 1;
const PROC_CN_MCAST_IGNORE = 2;

const PROC_EVENT_NONE = 0;
const PROC_EVENT_FORK = 0x1;
const PROC_EVENT_EXEC = 0x2;
const PROC_EVENT_COMM = 0x200;
const PROC_EVENT_EXIT = 0x80000000;
/** Messages of the same shape that bwtop's native reader adds (never sent by the kernel). */
const BWTOP_SOCKET_SEEN = 0x40000000;
const BWTOP_SOCKET_GONE = 0x40000001;
const BWTOP_IDENTITY = 0x40000002;
/** The socket kinds it reports: 1 TCP, 2 TCPv6, 3 UDP, 4 UDPv6. */
const SOCKET_KINDS: Record<number, 'tcp' | 'udp'> = { 1: 'tcp', 2: 'tcp', 3: 'udp', 4: 'udp' };
const SOCKET_AT_EXEC = 0x100;

/** Offset of proc_event.event_data in a message: nlmsghdr + cn_msg + what, cpu, timestamp. */
const DATA = NLMSG_HDR + CN_MSG + 16;

/**
 * The message that starts ('listen') or stops ('ignore') event delivery to the sender's socket.
 * `tag` goes in cn_msg.ack, which the kernel's ack (a 'none' event) returns plus one — its seq
 * it does not keep — so a caller can tell its own ack from another listener's (procEventAcks).
 */
export function procEventsSubscribe(op: 'listen' | 'ignore', tag = 0): Buffer {
  const b = Buffer.alloc(NLMSG_HDR + CN_MSG + 4);
  b.writeUInt32LE(b.length, 0); // nlmsg_len
  b.writeUInt16LE(NLMSG_DONE, 4); // nlmsg_type: the connector takes any; DONE is what everyone sends
  b.writeUInt32LE(CN_IDX_PROC, NLMSG_HDR);
  b.writeUInt32LE(CN_VAL_PROC, NLMSG_HDR + 4);
  b.writeUInt32LE(tag >>> 0, NLMSG_HDR + 12); // cn_msg.ack
  b.writeUInt16LE(4, NLMSG_HDR + 16); // cn_msg.len: one u32, the op
  b.writeUInt32LE(op === 'listen' ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE, NLMSG_HDR + CN_MSG);
  return b;
}

/** Calls `visit(offset, length)` for each proc-connector message of a datagram. */
function forEachProcMessage(buf: Buffer, visit: (at: number, len: number) => void): void {
  let at = 0;
  while (at + NLMSG_HDR <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len < NLMSG_HDR || at + len > buf.length) break; // truncated or garbage: stop, never throw
    const type = buf.readUInt16LE(at + 4);
    if (type !== NLMSG_NOOP && type !== NLMSG_ERROR && len >= NLMSG_HDR + CN_MSG + 16) {
      if (buf.readUInt32LE(at + NLMSG_HDR) === CN_IDX_PROC && buf.readUInt32LE(at + NLMSG_HDR + 4) === CN_VAL_PROC) {
        visit(at, len);
      }
    }
    at += (len + 3) & ~3; // NLMSG_ALIGN
  }
}

/** comm[16]: NUL-terminated, at most 16 bytes, UTF-8 as the process wrote it. */
function commText(buf: Buffer, at: number, end: number): string {
  let stop = at;
  while (stop < end && buf[stop] !== 0) stop++;
  return buf.toString('utf8', at, stop);
}

function parseOne(buf: Buffer, at: number, len: number): ProcEvent {
  const end = at + len;
  const what = buf.readUInt32LE(at + NLMSG_HDR + CN_MSG);
  const monoMs = Number(buf.readBigUInt64LE(at + NLMSG_HDR + CN_MSG + 8)) / 1e6;
  const d = at + DATA;
  const fits = (n: number) => d + n <= end;
  switch (what) {
    case PROC_EVENT_FORK:
      if (!fits(16)) break;
      return {
        kind: 'fork',
        monoMs,
        parentPid: buf.readInt32LE(d),
        parentTgid: buf.readInt32LE(d + 4),
        childPid: buf.readInt32LE(d + 8),
        childTgid: buf.readInt32LE(d + 12),
      };
    case PROC_EVENT_EXEC:
      if (!fits(8)) break;
      return { kind: 'exec', monoMs, pid: buf.readInt32LE(d), tgid: buf.readInt32LE(d + 4) };
    case PROC_EVENT_COMM:
      if (!fits(8)) break;
      return {
        kind: 'comm',
        monoMs,
        pid: buf.readInt32LE(d),
        tgid: buf.readInt32LE(d + 4),
        comm: commText(buf, d + 8, Math.min(end, d + 24)),
      };
    case PROC_EVENT_EXIT:
      if (!fits(16)) break;
      return {
        kind: 'exit',
        monoMs,
        pid: buf.readInt32LE(d),
        tgid: buf.readInt32LE(d + 4),
        exitCode: buf.readUInt32LE(d + 8),
        exitSignal: buf.readUInt32LE(d + 12),
      };
    case BWTOP_SOCKET_SEEN:
    case BWTOP_SOCKET_GONE:
      if (!fits(24)) break;
      return {
        kind: 'socket',
        monoMs,
        pid: buf.readInt32LE(d),
        tgid: buf.readInt32LE(d + 4),
        inode: Number(buf.readBigUInt64LE(d + 8)),
        // The inode of its network namespace (0 unknown); for a socket gone, microseconds from the
        // last read that saw it to the one that found it gone.
        netns: what === BWTOP_SOCKET_GONE ? 0 : buf.readUInt32LE(d + 16),
        proto: SOCKET_KINDS[buf.readUInt32LE(d + 20) & 0xff] ?? null,
        atExec: (buf.readUInt32LE(d + 20) & SOCKET_AT_EXEC) !== 0,
        goneAfterMs: what === BWTOP_SOCKET_GONE ? buf.readUInt32LE(d + 16) / 1000 : null,
      };
    case BWTOP_IDENTITY: {
      if (!fits(24)) break;
      const statLen = buf.readUInt16LE(d + 16);
      const cmdLen = buf.readUInt16LE(d + 18);
      const exeLen = buf.readUInt16LE(d + 20);
      const t = d + 24;
      if (!fits(24 + statLen + cmdLen + exeLen)) break;
      return {
        kind: 'identity',
        monoMs,
        pid: buf.readInt32LE(d),
        tgid: buf.readInt32LE(d + 4),
        netns: buf.readUInt32LE(d + 8),
        identity: {
          stat: buf.toString('utf8', t, t + statLen),
          cmdline: buf.toString('utf8', t + statLen, t + statLen + cmdLen),
          exe: buf.toString('utf8', t + statLen + cmdLen, t + statLen + cmdLen + exeLen),
          uid: buf.readUInt32LE(d + 12),
        },
      };
    }
  }
  return { kind: 'none' };
}

/** Every event of one datagram (the kernel sends one per datagram, but several are allowed). */
export function parseProcEvents(buf: Buffer): ProcEvent[] {
  const out: ProcEvent[] = [];
  forEachProcMessage(buf, (at, len) => out.push(parseOne(buf, at, len)));
  return out;
}

export interface ProcEventAck {
  /** The tag the subscriber sent (the kernel returns it plus one in cn_msg.ack). */
  tag: number;
  /** 0, or the errno the kernel refused the subscription with (EPERM without CAP_NET_ADMIN). */
  err: number;
}

/**
 * The acks of a datagram: PROC_EVENT_NONE messages answer a subscribe or unsubscribe, carrying
 * its tag and an error code. They go to every listener, so match the tag.
 */
export function procEventAcks(buf: Buffer): ProcEventAck[] {
  const out: ProcEventAck[] = [];
  forEachProcMessage(buf, (at, len) => {
    if (buf.readUInt32LE(at + NLMSG_HDR + CN_MSG) !== PROC_EVENT_NONE || at + DATA + 4 > at + len) return;
    out.push({ tag: (buf.readUInt32LE(at + NLMSG_HDR + 12) - 1) >>> 0, err: buf.readUInt32LE(at + DATA) });
  });
  return out;
}
