#!/usr/bin/python3
"""Socket-holding processes for recording /proc fixtures (see record-proc.sh).

Each role sets its comm with prctl (so fixtures show distinctive names, some with spaces and
parentheses) and then holds its sockets until killed. Addresses are loopback only.
"""
import ctypes
import os
import selectors
import socket
import sys
import time


def set_comm(name):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(15, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)  # PR_SET_NAME


def family_of(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def listener(host, port, v6only=None):
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((host, port))
    s.listen(64)
    return s


def serve(lsock):
    """Accepts and holds connections; closes a connection when its peer closes."""
    sel = selectors.DefaultSelector()
    sel.register(lsock, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is lsock:
                conn, _ = lsock.accept()
                sel.register(conn, selectors.EVENT_READ)
            elif not key.fileobj.recv(4096):
                sel.unregister(key.fileobj)
                key.fileobj.close()


def hold():
    while True:
        time.sleep(3600)


def main():
    role, comm, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.closerange(3, 4096)  # descriptors inherited from whatever started us stay out of fixtures
    set_comm(comm)
    if role == 'idle':  # a process without sockets
        hold()
    if role == 'tcp-server':  # HOST PORT [V6ONLY]
        serve(listener(args[0], int(args[1]), int(args[2]) if len(args) > 2 else None))
    elif role == 'tcp-client':  # FAMILY(4|6) HOST PORT [HOST PORT ...]
        fam = socket.AF_INET6 if args[0] == '6' else socket.AF_INET
        held = []
        for i in range(1, len(args), 2):
            c = socket.socket(fam, socket.SOCK_STREAM)
            c.connect((args[i], int(args[i + 1])))
            held.append(c)
        hold()
    elif role == 'prefork':  # HOST PORT CHILDREN CHILD_COMM
        lsock = listener(args[0], int(args[1]))
        dup = os.dup(lsock.fileno())  # the parent holds the listener twice: listed once
        for _ in range(int(args[2])):
            if os.fork() == 0:
                set_comm(args[3])
                serve(lsock)
        hold()
    elif role == 'udp':  # BIND_HOST BIND_PORT [V6ONLY|-] [PEER_HOST PEER_PORT]
        s = socket.socket(family_of(args[0]), socket.SOCK_DGRAM)
        if len(args) > 2 and args[2] != '-':
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(args[2]))
        s.bind((args[0], int(args[1])))
        if len(args) > 4:
            s.connect((args[3], int(args[4])))
        hold()
    elif role == 'time-wait':  # HOST PORT: connect, close first (TIME_WAIT stays, inode 0), exit
        c = socket.create_connection((args[0], int(args[1])))
        time.sleep(0.2)
        c.close()
    else:
        sys.exit('unknown role ' + role)


main()
