// The `pcap` binding's open_live/open_offline return the link type as text: a LINKTYPE_ name for
// the few it knows (pcap_session.cc) and "Unknown linktype N" (the DLT_ number) for the rest.

import {
  LINK_ETHERNET,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL,
  LINK_LINUX_SLL2,
  LINK_LOOP,
  LINK_NULL,
  LINK_RAW,
  LINK_RAW_FILE,
} from '../packet.js';

const SUPPORTED: readonly number[] = [
  LINK_NULL,
  LINK_ETHERNET,
  LINK_RAW,
  LINK_RAW_FILE,
  LINK_LOOP,
  LINK_LINUX_SLL,
  LINK_IPV4,
  LINK_IPV6,
  LINK_LINUX_SLL2,
];

const BY_NAME: ReadonlyMap<string, number> = new Map([
  ['LINKTYPE_NULL', LINK_NULL],
  ['LINKTYPE_ETHERNET', LINK_ETHERNET],
  ['LINKTYPE_RAW', LINK_RAW],
  ['LINKTYPE_LOOP', LINK_LOOP],
  ['LINKTYPE_LINUX_SLL', LINK_LINUX_SLL],
  ['LINKTYPE_IPV4', LINK_IPV4],
  ['LINKTYPE_IPV6', LINK_IPV6],
  ['LINKTYPE_LINUX_SLL2', LINK_LINUX_SLL2],
]);

/** True when PacketDecoder understands frames of this LINK_* number. */
export function isSupportedLinkType(linkType: number): boolean {
  return SUPPORTED.includes(linkType);
}

/**
 * Maps the binding's link-type text to a LINK_* number, or -1 when the decoder cannot read that
 * link layer (802.11 radiotap, PPP, ...).
 */
export function linkTypeFromPcapName(name: string): number {
  const known = BY_NAME.get(name);
  if (known !== undefined) return known;
  const m = /^Unknown linktype (\d+)$/.exec(name);
  if (m === null) return -1;
  const n = Number(m[1]);
  return isSupportedLinkType(n) ? n : -1;
}
