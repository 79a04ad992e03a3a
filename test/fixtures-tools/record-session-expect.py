#!/usr/bin/env python3
"""What a replay of a recorded session must report, read by tcpdump alone (an independent
reference: it shares no code with bwtop). Used when a session is (re)recorded; the numbers it
prints are then written into test/engine/replay-e2e.test.ts, which needs no tcpdump to run.

  record-session-expect.py fixtures/session/NAME [DELAY_MS]

Rules, as the contract defines them: bytes = IPv4 total length or 40 + IPv6 payload length; on
loopback every packet is the sender's `sent` and the receiver's `received`. Endpoints are mapped
to processes by port (the scenario binds every socket to a fixed port, see
fixtures/session/README.md); the gone-client's side is `unknown`. Intervals are cut as --replay
cuts them: the first ends DELAY after the first packet, a packet exactly on a boundary opens the
next one, and the last partial interval is reported too.
"""
import collections
import re
import subprocess
import sys

PORTS = {
    8080: 'web-srv', 8081: 'up-srv', 9053: 'udp-srv', 8443: 'v6-echo-srv',
    41001: 'dl-client-1', 41002: 'dl-client-2', 41003: 'up-client', 41004: 'udp-client',
    41005: 'unknown', 41006: 'v6-client',
}
HEAD = re.compile(r'^(\d+)\.(\d{6}) IP6? \((.*)')
V4LEN = re.compile(r'proto \S+ \(\d+\), length (\d+)\)')
V6LEN = re.compile(r'payload length: (\d+)\) (\S+) > (\S+): ')
EP4 = re.compile(r'^\s+(\S+) > (\S+): ')


def port(ep):
    return int(ep.rsplit('.', 1)[1])


def packets(pcap):
    out = subprocess.run(['tcpdump', '-r', pcap, '-tt', '-nn', '-v'], capture_output=True, text=True, check=True).stdout
    lines = out.split('\n')
    for i, line in enumerate(lines):
        m = HEAD.match(line)
        if not m:
            continue
        us = int(m.group(1)) * 1_000_000 + int(m.group(2))
        v6 = V6LEN.search(line)
        if v6:
            yield us, 40 + int(v6.group(1)), port(v6.group(2)), port(v6.group(3))
        else:
            ep = EP4.match(lines[i + 1])
            yield us, int(V4LEN.search(line).group(1)), port(ep.group(1)), port(ep.group(2))


def main():
    session = sys.argv[1].rstrip('/')
    delay_us = int(sys.argv[2] if len(sys.argv) > 2 else 1000) * 1000
    pkts = list(packets(session + '/capture.pcap'))
    first, last = pkts[0][0], pkts[-1][0]
    intervals = (last - first) // delay_us + 1
    per = [collections.defaultdict(lambda: [0, 0]) for _ in range(intervals)]
    total = [0, 0]
    for us, n, sport, dport in pkts:
        k = (us - first) // delay_us
        per[k][PORTS[sport]][0] += n
        per[k][PORTS[dport]][1] += n
        total[0] += n
    print(f'packets {len(pkts)}  first {first} us  last {last} us  intervals {intervals} of {delay_us // 1000} ms')
    print(f'every byte once sent and once received: {total[0]}')
    tot = collections.defaultdict(lambda: [0, 0])
    for k, p in enumerate(per):
        print(f'interval {k}: ' + ', '.join(f'{name} {s}/{r}' for name, (s, r) in sorted(p.items())))
        for name, (s, r) in p.items():
            tot[name][0] += s
            tot[name][1] += r
    print('totals (sent/received): ' + ', '.join(f'{name} {s}/{r}' for name, (s, r) in sorted(tot.items())))


main()
