#!/usr/bin/env python3
"""Joins two tun devices in two network namespaces into one point-to-point link.

  pcap-tun-relay.py NS_A NS_B TUN    attaches to the (persistent) tun device TUN in each
                                     namespace and copies every IP packet read from one to the
                                     other, until killed.
A tun device hands raw IP packets to this process, so tcpdump on it records LINKTYPE_RAW; the
kernels on both sides do all the real work (TCP, fragmentation, ICMP).
"""
import ctypes
import fcntl
import os
import select
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
libc = ctypes.CDLL(None, use_errno=True)


def open_tun(ns, name):
    nsfd = os.open(f'/run/netns/{ns}', os.O_RDONLY)
    if libc.setns(nsfd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f'setns {ns}')
    os.close(nsfd)
    fd = os.open('/dev/net/tun', os.O_RDWR)  # the tun file binds to the namespace it opens in
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


a = open_tun(sys.argv[1], sys.argv[3])
b = open_tun(sys.argv[2], sys.argv[3])
peer = {a: b, b: a}
print('ready', flush=True)
while True:
    for fd in select.select([a, b], [], [])[0]:
        try:
            os.write(peer[fd], os.read(fd, 65536))
        except OSError:  # a device still going up or already going down
            time.sleep(0.01)
