// The kernel's link notifications (rtnetlink, group RTNLGRP_LINK): an interface appeared, changed
// (went up or down) or was deleted. Decoded by offsets; a truncated or damaged message is counted
// and skipped, never thrown on.

export const NETLINK_ROUTE = 0;
/** The multicast group bit of RTNLGRP_LINK (group 1) for nl_groups. */
export const RTMGRP_LINK = 1;
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
const IFLA_IFNAME = 3;
const IFF_UP = 0x1;
const NLMSG_HDR = 16;
const IFINFOMSG = 16;
/** IFNAMSIZ: a name is at most 15 bytes and a NUL. */
const IFNAMSIZ = 16;

export interface LinkEvent {
  kind: 'new' | 'del';
  index: number;
  name: string;
  up: boolean;
}

export interface LinkEvents {
  events: LinkEvent[];
  /** Messages that were cut short or held no usable name. */
  malformed: number;
}

/** The interface name attribute of one message, or null. */
function ifName(buf: Buffer, at: number, end: number): string | null {
  while (at + 4 <= end) {
    const len = buf.readUInt16LE(at);
    if (len < 4 || at + len > end) return null;
    if (buf.readUInt16LE(at + 2) === IFLA_IFNAME) {
      let stop = at + 4;
      const max = Math.min(at + len, at + 4 + IFNAMSIZ);
      while (stop < max && buf[stop] !== 0) stop++;
      return stop > at + 4 ? buf.toString('latin1', at + 4, stop) : null;
    }
    at += (len + 3) & ~3; // RTA_ALIGN
  }
  return null;
}

/** Every link event of one datagram (several messages may be concatenated). */
export function parseLinkEvents(buf: Buffer): LinkEvents {
  const out: LinkEvents = { events: [], malformed: 0 };
  let at = 0;
  while (at + NLMSG_HDR <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len < NLMSG_HDR || at + len > buf.length) {
      out.malformed++;
      break;
    }
    const type = buf.readUInt16LE(at + 4);
    if (type === RTM_NEWLINK || type === RTM_DELLINK) {
      const name = len >= NLMSG_HDR + IFINFOMSG ? ifName(buf, at + NLMSG_HDR + IFINFOMSG, at + len) : null;
      if (name === null) out.malformed++;
      else {
        const m = at + NLMSG_HDR;
        out.events.push({
          kind: type === RTM_NEWLINK ? 'new' : 'del',
          index: buf.readInt32LE(m + 4),
          name,
          up: (buf.readUInt32LE(m + 8) & IFF_UP) !== 0,
        });
      }
    }
    at += (len + 3) & ~3; // NLMSG_ALIGN
  }
  if (at < buf.length && at + NLMSG_HDR > buf.length) out.malformed++;
  return out;
}
