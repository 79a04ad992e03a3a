#!/usr/bin/env python3
"""Crafted packets for the pcap fixtures, sent for real on an interface while tcpdump records.

  pcap-craft.py routed IFACE ROUTER_MAC   IPv4 options and IPv6 extension headers, sent from
                                          bwfx-a (10.11.0.1, fd11::1) to bwfx-b (10.22.0.2,
                                          fd22::2) through the router; source ports 41001..
  pcap-craft.py frames IFACE              link-layer oddities and broken frames (0x9100 stacked
                                          tags, 802.3/LLC, LLDP, malformed IP) on a veth.
Every packet is listed here in send order; the tests name them by their source port.
"""
import sys
import time

from scapy.all import (AH, ESP, GRE, IP, UDP, TCP, ICMP, Dot1Q, Ether, IPOption_RR,
                       IPOption_Router_Alert, IPOption_NOP, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, LLC, Dot3, Raw, SCTP, fragment, fragment6, sendp)

A4, B4, A6, B6 = '10.11.0.1', '10.22.0.2', 'fd11::1', 'fd22::2'


def send(iface, frames):
    for f in frames:
        sendp(f, iface=iface, verbose=False)
        time.sleep(0.02)


def routed(iface, router_mac):
    e = Ether(src='02:00:00:00:11:01', dst=router_mac)
    pay = Raw(b'x' * 40)
    out = [
        # IPv4 with options in front of TCP and UDP (IHL 6, 15 and 8).
        e / IP(src=A4, dst=B4, id=1001, options=[IPOption_Router_Alert()]) / UDP(sport=41001, dport=5101) / pay,
        e / IP(src=A4, dst=B4, id=1002, options=[IPOption_NOP(), IPOption_RR(routers=['0.0.0.0'] * 9)]) /
        TCP(sport=41002, dport=5102, flags='S', seq=1000),
        e / IP(src=A4, dst=B4, id=1003, options=[IPOption_Router_Alert()] + [IPOption_NOP()] * 8) /
        UDP(sport=41003, dport=5103) / pay,
        # IPv6 extension headers, one kind each, then a long chain.
        e / IPv6(src=A6, dst=B6, fl=0x11111) / IPv6ExtHdrHopByHop() / UDP(sport=41004, dport=5104) / pay,
        e / IPv6(src=A6, dst=B6, fl=0x22222) / IPv6ExtHdrRouting(type=0, segleft=0, addresses=[B6]) /
        TCP(sport=41005, dport=5105, flags='S', seq=2000),
        e / IPv6(src=A6, dst=B6, fl=0x33333) / IPv6ExtHdrDestOpt() / UDP(sport=41006, dport=5106) / pay,
        e / IPv6(src=A6, dst=B6, fl=0x44444) / AH(nh=6, payloadlen=4, spi=0x100, seq=1, icv=b'\0' * 12) /
        TCP(sport=41007, dport=5107, flags='S', seq=3000),
        e / IPv6(src=A6, dst=B6, fl=0x55555, nh=50) / ESP(spi=0x200, seq=1, data=b'e' * 32),
        e / IPv6(src=A6, dst=B6, fl=0x66666, nh=59) / Raw(b'n' * 24),
        e / IPv6(src=A6, dst=B6, fl=0x77777) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() /
        IPv6ExtHdrRouting(type=0, segleft=0, addresses=[B6]) / IPv6ExtHdrFragment(offset=0, m=0, id=0x7777) /
        IPv6ExtHdrDestOpt() / UDP(sport=41010, dport=5110) / pay,
        # Other transports: GRE carrying IPv4/UDP, SCTP, ICMP with IPv4 options.
        e / IP(src=A4, dst=B4, id=1011) / GRE() / IP(src='192.0.2.1', dst='192.0.2.2') / UDP(sport=41011, dport=5111),
        e / IP(src=A4, dst=B4, id=1012) / SCTP(sport=41012, dport=5112),
        e / IP(src=A4, dst=B4, id=1013, options=[IPOption_RR(routers=['0.0.0.0'] * 4)]) / ICMP(id=13, seq=1),
    ]
    # Fragments sent last-first, so the later fragments arrive before the one holding the ports.
    v4 = fragment(IP(src=A4, dst=B4, id=1014) / UDP(sport=41014, dport=5114) / Raw(b'f' * 2000), fragsize=1000)
    out += [e / f for f in reversed(v4)]
    v6 = fragment6(IPv6(src=A6, dst=B6, fl=0x88888) / IPv6ExtHdrFragment(id=0x8888) /
                   UDP(sport=41015, dport=5115) / Raw(b'g' * 2000), 1100)
    out += [e / f for f in reversed(v6)]
    # An IPv6 datagram whose fragmentable part starts with destination options: later fragments
    # say "next header 60", only the first fragment's chain reveals UDP and its ports.
    v6d = fragment6(IPv6(src=A6, dst=B6, fl=0x99999) / IPv6ExtHdrFragment(id=0x9999) / IPv6ExtHdrDestOpt() /
                    UDP(sport=41016, dport=5116) / Raw(b'h' * 2000), 1100)
    out += [e / f for f in v6d]
    send(iface, out)


def frames(iface):
    src, dst = '02:00:00:00:33:01', '02:00:00:00:33:02'
    ip4 = IP(src='10.33.0.1', dst='10.33.0.2', id=2001) / UDP(sport=42001, dport=5201) / Raw(b'v' * 20)
    ok = [
        # Pre-standard 0x9100 outer tag over 802.1Q, and three stacked tags.
        Ether(src=src, dst=dst, type=0x9100) / Dot1Q(vlan=30, type=0x8100) / Dot1Q(vlan=10) / ip4,
        Ether(src=src, dst=dst, type=0x88a8) / Dot1Q(vlan=40, type=0x9100) / Dot1Q(vlan=30, type=0x8100) /
        Dot1Q(vlan=10) / IPv6(src='fd33::1', dst='fd33::2') / TCP(sport=42002, dport=5202, flags='PA') / Raw(b't' * 10),
        # Not IP: 802.3 length + LLC, LLDP, and a VLAN-tagged ARP.
        Dot3(src=src, dst='01:80:c2:00:00:00') / LLC(dsap=0x42, ssap=0x42, ctrl=3) / Raw(b'\0' * 35),
        Ether(src=src, dst='01:80:c2:00:00:0e', type=0x88cc) / Raw(b'\x02\x07\x04' + b'\0' * 6),
        Ether(src=src, dst='ff:ff:ff:ff:ff:ff', type=0x8100) / Dot1Q(vlan=10, type=0x0806) / Raw(b'\0' * 28),
    ]
    eth = bytes(Ether(src=src, dst=dst, type=0x0800))
    eth6 = bytes(Ether(src=src, dst=dst, type=0x86dd))
    good4 = bytes(ip4)
    good6 = bytes(IPv6(src='fd33::1', dst='fd33::2') / IPv6ExtHdrHopByHop() / UDP(sport=42003, dport=5203) / Raw(b'w' * 8))
    bad = [
        eth + bytes([0x43]) + good4[1:],  # IHL 3 (< 5)
        eth + good4[:2] + (16).to_bytes(2, 'big') + good4[4:],  # total length 16 < header length 20
        eth + bytes([0x65]) + good4[1:],  # EtherType IPv4, version 6
        eth6 + good6[:30],  # IPv6 header cut after 30 bytes
        eth6 + good6[:4] + (8).to_bytes(2, 'big') + good6[6:],  # payload length 8: HBH (8) + UDP cannot fit
        eth + good4[:2] + (24).to_bytes(2, 'big') + good4[4:],  # total length 24: no room for UDP's 8 bytes
        bytes(Ether(src=src, dst=dst, type=0x8100)) + b'\x00\x0a',  # VLAN tag cut in half
    ]
    send(iface, ok + [Raw(b) for b in bad])


if __name__ == '__main__':
    if sys.argv[1] == 'routed':
        routed(sys.argv[2], sys.argv[3])
    else:
        frames(sys.argv[2])
