#!/usr/bin/env python3
"""Kernel-made traffic for the pcap fixtures (run inside the namespaces by record-pcap.sh).

  pcap-traffic.py serve V4ADDR V6ADDR      TCP 5001: read 1000 bytes, answer 3000, close;
                                           UDP 5002: answer each datagram with 200 bytes;
                                           UDP 5003: swallow. Runs until killed.
  pcap-traffic.py client V4SRC V6SRC V4DST V6DST [BASEPORT]
                                           the fixed sequence below, source ports BASEPORT+1..
Fixed source ports and payload sizes make the per-flow byte sums of the captures predictable.
"""
import socket
import sys
import threading
import time

IPPROTO_IPV6 = socket.IPPROTO_IPV6
IPV6_HOPOPTS = 54
IPV6_DSTOPTS = 59
# One PadN option filling an 8-byte extension header (next header and length are set by the kernel).
PADN_8 = bytes([0, 0, 1, 4, 0, 0, 0, 0])


def tcp_server(addr, family):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 5001))
    s.listen(8)
    while True:
        c, _ = s.accept()
        got = 0
        while got < 1000:
            d = c.recv(4096)
            if not d:
                break
            got += len(d)
        c.sendall(b'r' * 3000)
        c.close()


def udp_server(addr, family, port, reply):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        _, peer = s.recvfrom(65535)
        if reply:
            s.sendto(b'u' * 200, peer)


def serve(v4, v6):
    for fam, addr in ((socket.AF_INET, v4), (socket.AF_INET6, v6)):
        threading.Thread(target=tcp_server, args=(addr, fam), daemon=True).start()
        threading.Thread(target=udp_server, args=(addr, fam, 5002, True), daemon=True).start()
        threading.Thread(target=udp_server, args=(addr, fam, 5003, False), daemon=True).start()
    print('ready', flush=True)
    while True:
        time.sleep(3600)


def tcp_exchange(fam, src, port, dst):
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.bind((src, port))
    c.connect((dst, 5001))
    c.sendall(b'q' * 1000)
    got = 0
    while got < 3000:
        d = c.recv(4096)
        if not d:
            break
        got += len(d)
    c.close()
    time.sleep(0.2)


def udp_send(fam, src, port, dst, dport, size, expect_reply, opt=None):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if opt is not None:
        s.setsockopt(IPPROTO_IPV6, opt, PADN_8)
    s.bind((src, port))
    s.settimeout(2)
    s.sendto(b'p' * size, (dst, dport))
    if expect_reply:
        s.recvfrom(65535)
    s.close()
    time.sleep(0.1)


def client(v4src, v6src, v4dst, v6dst, base):
    A4, A6 = socket.AF_INET, socket.AF_INET6
    tcp_exchange(A4, v4src, base + 1, v4dst)
    tcp_exchange(A6, v6src, base + 2, v6dst)
    udp_send(A4, v4src, base + 3, v4dst, 5002, 100, True)
    udp_send(A6, v6src, base + 4, v6dst, 5002, 100, True)
    udp_send(A4, v4src, base + 5, v4dst, 5003, 3000, False)  # larger than the MTU: fragments
    udp_send(A6, v6src, base + 6, v6dst, 5003, 3000, False)
    udp_send(A6, v6src, base + 7, v6dst, 5002, 100, True, IPV6_HOPOPTS)
    udp_send(A6, v6src, base + 8, v6dst, 5002, 100, True, IPV6_DSTOPTS)


if __name__ == '__main__':
    if sys.argv[1] == 'serve':
        serve(sys.argv[2], sys.argv[3])
    else:
        client(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]) if len(sys.argv) > 6 else 40000)
