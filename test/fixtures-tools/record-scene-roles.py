#!/usr/bin/python3
"""The programs of the busy-host scene (see record-scene.sh and fixtures/session/README.md).

record-scene.sh copies this file to several places under /srv (a bind mount private to each
program's mount namespace), so each runs with a command line an admin would recognise, and
this file picks its role from the path it was started as:

  /srv/files/serve.py      a file server on the local network (namespace "lan", 10.79.0.2:80):
                           /backup.tar streams a large file, /status answers after 300 ms
  /srv/load/clients.py     the shop's customers (namespace "lan"): N keep-alive connections to
                           10.79.0.1:8080 asking for pages
  /srv/shop/app.py         the shop on the host (0.0.0.0:8080): a master and W forked workers,
                           each page asks the inventory API (10.80.0.2:9000) first
  /srv/inventory/api.py    the inventory API in the "container" (namespace "inventory")
  /srv/tools/copy-young.py run by the recorder outside the namespaces: copies the /proc of each
                           short-lived curl of the host namespace while it holds its connection

Every server reports "ready" on stdout once it listens; everything then goes to /dev/null.
"""
import http.client
import http.server
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time

PAGE_SIZES = [18_000, 42_000, 65_000, 96_000, 130_000]


def ready():
    sys.stdout.write('ready\n')
    sys.stdout.flush()
    null = os.open('/dev/null', os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def send_body(self, body, ctype='application/octet-stream'):
        self.send_response(200)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Threaded(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Files(Quiet):
    def do_GET(self):
        if self.path.startswith('/status'):
            time.sleep(0.3)
            self.send_body(json.dumps({'ok': True, 'pad': 'x' * 2000}).encode(), 'application/json')
            return
        size = 400 << 20
        self.send_response(200)
        self.send_header('Content-Length', str(size))
        self.end_headers()
        chunk = bytes(range(256)) * 256
        sent = 0
        while sent < size:
            self.wfile.write(chunk)
            sent += len(chunk)


def files(host, port):
    srv = Threaded((host, port), Files)
    ready()
    srv.serve_forever()


class Inventory(Quiet):
    def do_GET(self):
        n = 3000 + (hash(self.path) % 9) * 1000
        self.send_body(json.dumps({'path': self.path, 'items': 'i' * n}).encode(), 'application/json')


def inventory(host, port):
    srv = Threaded((host, port), Inventory)
    ready()
    srv.serve_forever()


class Shop(Quiet):
    def do_GET(self):
        api = getattr(self.server.local, 'api', None)
        if api is None:
            api = self.server.local.api = http.client.HTTPConnection('10.80.0.2', 9000, timeout=5)
        api.request('GET', '/stock' + self.path)
        api.getresponse().read()
        page = int(self.path.rsplit('=', 1)[-1]) if '=' in self.path else 0
        self.send_body(b'<html>' + b'p' * PAGE_SIZES[page % len(PAGE_SIZES)] + b'</html>', 'text/html')


def shop(host, port, workers):
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((host, port))
    lsock.listen(64)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            srv = Threaded((host, port), Shop, bind_and_activate=False)
            srv.socket.close()
            srv.socket = lsock
            srv.local = threading.local()
            srv.serve_forever()
            os._exit(0)
        children.append(pid)
    ready()
    signal.signal(signal.SIGTERM, lambda *_: [os.kill(c, signal.SIGTERM) for c in children] and os._exit(0))
    while True:
        signal.pause()


def clients(host, port, conns, gap):
    def one(i):
        c = http.client.HTTPConnection(host, port, timeout=5)
        page = i
        while True:
            c.request('GET', f'/products?page={page}')
            c.getresponse().read()
            page += 1
            time.sleep(gap)

    for i in range(conns):
        threading.Thread(target=one, args=(i,), daemon=True).start()
        time.sleep(0.05)
    ready()
    while True:
        time.sleep(3600)


def socket_rows(pid, inodes):
    rows = {}
    for table in ('tcp', 'tcp6', 'udp', 'udp6'):
        with open(f'/proc/{pid}/net/{table}') as f:
            lines = [l.rstrip('\n') for l in f.readlines()[1:]]
        mine = [l for l in lines if l.split()[9] in inodes and (table[:3] == 'udp' or l.split()[3] == '01')]
        if mine:
            rows[table] = mine
    return rows


def copy_young(netns, out, comm):
    """Until SIGTERM: every process named COMM in namespace NETNS, once it holds an established
    socket, gets its /proc copied into OUT/PID (as record-proc.sh copies) and its socket rows
    written to OUT/rows.json; the recorder keeps only the pids that have events."""
    done = {}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    ready()
    while not stop:
        for name in os.listdir('/proc'):
            if not name.isdigit() or name in done:
                continue
            try:
                if os.readlink(f'/proc/{name}/ns/net') != netns:
                    continue
                with open(f'/proc/{name}/comm') as f:
                    if f.read().strip() != comm:
                        continue
                fds = {fd: os.readlink(f'/proc/{name}/fd/{fd}') for fd in os.listdir(f'/proc/{name}/fd')}
                inodes = {t[8:-1] for t in fds.values() if t.startswith('socket:[')}
                rows = socket_rows(name, inodes) if inodes else {}
                if not rows:
                    continue
                d = os.path.join(out, name)
                os.makedirs(os.path.join(d, 'fd'))
                os.makedirs(os.path.join(d, 'ns'))
                for f in ('stat', 'status', 'comm', 'cmdline', 'cgroup'):
                    with open(f'/proc/{name}/{f}', 'rb') as src, open(os.path.join(d, f), 'wb') as dst:
                        dst.write(src.read())
                for fd, target in fds.items():
                    os.symlink(target, os.path.join(d, 'fd', fd))
                os.symlink(netns, os.path.join(d, 'ns', 'net'))
                done[name] = rows
            except OSError:
                continue  # gone before it was copied (the recorder checks), or not ours to read
        time.sleep(0.005)
    with open(os.path.join(out, 'rows.json'), 'w') as f:
        json.dump(done, f)


def main():
    role = '/'.join(os.path.abspath(sys.argv[0]).split('/')[-2:])
    a = sys.argv[1:]
    os.closerange(3, 4096)  # descriptors inherited from the recorder stay out of the scene
    if role == 'files/serve.py':  # HOST PORT
        files(a[0], int(a[1]))
    elif role == 'inventory/api.py':  # HOST PORT
        inventory(a[0], int(a[1]))
    elif role == 'shop/app.py':  # --workers W HOST PORT
        shop(a[2], int(a[3]), int(a[1]))
    elif role == 'load/clients.py':  # HOST PORT CONNS GAP
        clients(a[0], int(a[1]), int(a[2]), float(a[3]))
    elif role == 'tools/copy-young.py':  # NETNS_LINK OUTDIR COMM
        copy_young(a[0], a[1], a[2])
    else:
        sys.exit('unknown role ' + role)


main()
