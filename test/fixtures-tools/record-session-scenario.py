#!/usr/bin/python3
"""The processes of a recorded replay session (see record-session.sh).

Each role sets its comm with prctl, so the fixture shows recognisable names, does its exchange
with exactly known payload sizes (and checks them: a short read fails the role), then HOLDS its
sockets until killed, so the /proc copy made afterwards still shows them — except `download
... exit`, which closes and exits before the copy on purpose. Addresses are loopback only.

A role reports "ready" (servers) or "done" (clients) on stdout; the recorder waits for that word.
Right after it, stdout and stderr are pointed at /dev/null, so the fd links in the fixture do not
name the recorder's scratch files.
"""
import ctypes
import os
import socket
import sys
import time


def set_comm(name):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(15, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)  # PR_SET_NAME


def family_of(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def report(word):
    sys.stdout.write(word + '\n')
    sys.stdout.flush()
    null = os.open('/dev/null', os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def hold():
    while True:
        time.sleep(3600)


def listener(host, port, v6only=None):
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((host, port))
    s.listen(16)
    return s


def client(host, src_port, port):
    """A TCP connection from a fixed source port, so re-recording keeps the endpoints."""
    c = socket.socket(family_of(host), socket.SOCK_STREAM)
    c.bind((host, src_port))
    c.connect((host, port))
    return c


def recv_exactly(s, n):
    got = bytearray()
    while len(got) < n:
        chunk = s.recv(min(65536, n - len(got)))
        if not chunk:
            sys.exit(f'peer closed after {len(got)} of {n} bytes')
        got += chunk
    return bytes(got)


def recv_all(s):
    got = bytearray()
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return bytes(got)
        got += chunk


def web_server(host, port):
    """HTTP/1.0-style: "GET /N" gets N body bytes, then the server closes its side. The accepted
    sockets are closed at once, so /proc later shows them only as orphans (inode 0): the owner
    can be found through the listener alone."""
    lsock = listener(host, port)
    report('ready')
    while True:
        conn, _ = lsock.accept()
        req = b''
        while b'\r\n\r\n' not in req:
            chunk = conn.recv(4096)
            if not chunk:
                break
            req += chunk
        n = int(req.split(b' ')[1][1:])
        conn.sendall(b'HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n' % n + b'x' * n)
        conn.close()


def download(src_port, host, port, n, mode):
    """GET /N, check the body is exactly N bytes; `hold` keeps the socket, `exit` closes and exits."""
    c = client(host, src_port, port)
    c.sendall(b'GET /%d HTTP/1.0\r\nHost: %s\r\n\r\n' % (n, host.encode()))
    resp = recv_all(c)
    body = resp.split(b'\r\n\r\n', 1)[1]
    if len(body) != n:
        sys.exit(f'downloaded {len(body)} bytes, expected {n}')
    if mode == 'exit':
        c.close()
        report('done')
        return
    report('done')
    hold()


def upload_server(host, port, n):
    """Accepts one connection, reads exactly N bytes, answers "ok\\n"; keeps the accepted socket."""
    lsock = listener(host, port)
    report('ready')
    conn, _ = lsock.accept()
    recv_exactly(conn, n)
    conn.sendall(b'ok\n')
    hold()


def upload(src_port, host, port, n):
    c = client(host, src_port, port)
    c.sendall(b'u' * n)
    if recv_exactly(c, 3) != b'ok\n':
        sys.exit('upload not acknowledged')
    report('done')
    hold()


def udp_server(host, port, v6only, reply):
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((host, port))
    report('ready')
    while True:
        _, peer = s.recvfrom(65536)
        s.sendto(b'r' * reply, peer)


def udp_client(src_host, src_port, host, port, count, size, reply, gap):
    """COUNT requests of SIZE bytes, GAP seconds apart, each answered by REPLY bytes."""
    s = socket.socket(family_of(src_host), socket.SOCK_DGRAM)
    s.bind((src_host, src_port))
    s.connect((host, port))
    s.settimeout(5)
    for i in range(count):
        if i:
            time.sleep(gap)
        s.send(b'q' * size)
        got = s.recv(65536)
        if len(got) != reply:
            sys.exit(f'udp reply of {len(got)} bytes, expected {reply}')
    report('done')
    hold()


def echo_server(host, port):
    """Echoes one connection; keeps the accepted socket."""
    lsock = listener(host, port, 1)
    report('ready')
    conn, _ = lsock.accept()
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            hold()
        conn.sendall(chunk)


def echo_client(src_port, host, port, chunks, size, gap):
    """CHUNKS writes of SIZE bytes, GAP seconds apart, each read back in full before the next."""
    c = client(host, src_port, port)
    for i in range(chunks):
        if i:
            time.sleep(gap)
        c.sendall(b'e' * size)
        if recv_exactly(c, size) != b'e' * size:
            sys.exit('echo mismatch')
    report('done')
    hold()


def main():
    role, comm, a = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.closerange(3, 4096)  # descriptors inherited from the recorder stay out of the fixture
    set_comm(comm)
    if role == 'web-server':  # HOST PORT
        web_server(a[0], int(a[1]))
    elif role == 'download':  # SRC_PORT HOST PORT N hold|exit
        download(int(a[0]), a[1], int(a[2]), int(a[3]), a[4])
    elif role == 'upload-server':  # HOST PORT N
        upload_server(a[0], int(a[1]), int(a[2]))
    elif role == 'upload':  # SRC_PORT HOST PORT N
        upload(int(a[0]), a[1], int(a[2]), int(a[3]))
    elif role == 'udp-server':  # HOST PORT V6ONLY REPLY
        udp_server(a[0], int(a[1]), int(a[2]), int(a[3]))
    elif role == 'udp-client':  # SRC_HOST SRC_PORT HOST PORT COUNT SIZE REPLY GAP
        udp_client(a[0], int(a[1]), a[2], int(a[3]), int(a[4]), int(a[5]), int(a[6]), float(a[7]))
    elif role == 'echo-server':  # HOST PORT
        echo_server(a[0], int(a[1]))
    elif role == 'echo-client':  # SRC_PORT HOST PORT CHUNKS SIZE GAP
        echo_client(int(a[0]), a[1], int(a[2]), int(a[3]), int(a[4]), float(a[5]))
    else:
        sys.exit('unknown role ' + role)


main()
