#!/usr/bin/env python3
"""Derives fixtures for link layers no Linux interface produces from a real raw-IP capture.

  pcap-relink.py null-le  IN OUT   DLT_NULL (0), AF as a little-endian host writes it, AF_INET6 30 (macOS)
  pcap-relink.py null-be  IN OUT   DLT_NULL, a big-endian pcap file with big-endian AF, AF_INET6 24
  pcap-relink.py loop     IN OUT   DLT_LOOP (108), AF in network order, AF_INET6 24 (OpenBSD)
  pcap-relink.py ipv4     IN OUT   LINKTYPE_IPV4 (228): only the IPv4 packets, unchanged
  pcap-relink.py ipv6     IN OUT   LINKTYPE_IPV6 (229): only the IPv6 packets, unchanged
  pcap-relink.py pcapng   IN OUT   the same packets and link type, written as pcapng
IN must be a little-endian microsecond pcap file (tcpdump -w on Linux). Timestamps, the IP packets
and the snap length are kept; only the link header (4 bytes added for NULL/LOOP) and caplen/len
change.
"""
import struct
import sys

AF6 = {'null-le': 30, 'null-be': 24, 'loop': 24}


def read_pcap(path):
    data = open(path, 'rb').read()
    magic, _, _, _, _, snap, link = struct.unpack('<IHHiIII', data[:24])
    assert magic == 0xA1B2C3D4, 'expected a little-endian microsecond pcap file'
    off, recs = 24, []
    while off < len(data):
        sec, usec, incl, orig = struct.unpack('<IIII', data[off:off + 16])
        recs.append((sec, usec, orig, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return snap, link, recs


def write_pcap(path, endian, snap, link, recs):
    with open(path, 'wb') as f:
        f.write(struct.pack(endian + 'IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, snap, link))
        for sec, usec, orig, pkt in recs:
            f.write(struct.pack(endian + 'IIII', sec, usec, len(pkt), orig) + pkt)


def write_pcapng(path, snap, link, recs):
    def block(btype, body):
        body += b'\0' * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack('<II', btype, n) + body + struct.pack('<I', n)
    with open(path, 'wb') as f:
        f.write(block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)))  # section header
        f.write(block(1, struct.pack('<HHI', link, 0, snap)))  # interface: microsecond timestamps
        for sec, usec, orig, pkt in recs:
            ts = sec * 1_000_000 + usec
            f.write(block(6, struct.pack('<IIIII', 0, ts >> 32, ts & 0xFFFFFFFF, len(pkt), orig) + pkt))


def main(mode, src, dst):
    snap, link, recs = read_pcap(src)
    if mode == 'pcapng':
        return write_pcapng(dst, snap, link, recs)
    assert link == 101, 'expected a raw-IP (LINKTYPE_RAW) capture'
    out = []
    for sec, usec, orig, pkt in recs:
        version = pkt[0] >> 4
        if mode in AF6:
            af = 2 if version == 4 else AF6[mode]
            hdr = struct.pack('<I' if mode == 'null-le' else '>I', af)
            out.append((sec, usec, orig + 4, hdr + pkt))
        elif (mode == 'ipv4') == (version == 4):
            out.append((sec, usec, orig, pkt))
    if mode in AF6:
        write_pcap(dst, '>' if mode == 'null-be' else '<', snap + 4, 108 if mode == 'loop' else 0, out)
    else:
        write_pcap(dst, '<', snap, 228 if mode == 'ipv4' else 229, out)


if __name__ == '__main__':
    main(*sys.argv[1:4])
