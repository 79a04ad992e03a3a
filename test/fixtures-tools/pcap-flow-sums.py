#!/usr/bin/env python3
"""tcpdump's reading of a capture, as per-flow packet counts and IP-length sums, in the same
format as test/decode/print-fixture-flows.ts prints the decoder's: an independent cross-check
used when the fixtures are (re)recorded; the tests themselves hold the resulting numbers.

  pcap-flow-sums.py FILE

Rules, as the contract and the decoder define them: bytes = IPv4 total length or 40 + IPv6
payload length; TCP/UDP flows are keyed by ports; later fragments are credited to the ports of
their datagram's first fragment when it was seen before them (same src, dst, id (+proto for
IPv4)); everything else is keyed by protocol number and addresses.
"""
import collections
import re
import subprocess
import sys

TS = re.compile(r'^\d\d:\d\d:\d\d\.\d{6} ')
V4 = re.compile(r'IP \(tos \S+, ttl \d+, id (\d+), offset (\d+), flags \[([^\]]*)\], proto \S+ \((\d+)\), length (\d+)')
V4_ADDR = re.compile(r'^\s*([\d.]+) > ([\d.]+):')
V6 = re.compile(r'IP6 \(.*?payload length: (\d+)\) (\S+) > (\S+?): (.*)')
FRAG6 = re.compile(r'frag \(0x([0-9a-f]+):(\d+)\|\d+\)')
PORTS6 = re.compile(r'(?:^|\s)(\d+) > (\d+): (.*)')


def split_v4(a):
    parts = a.split('.')
    return ('.'.join(parts[:4]), int(parts[4])) if len(parts) == 5 else (a, None)


def split_v6(a):
    if '.' in a:
        addr, port = a.rsplit('.', 1)
        return addr, int(port)
    return a, None


def key(proto, family, src, sport, dst, dport):
    if proto in (6, 17) and sport is not None:
        w = (lambda a: f'[{a}]') if family == 6 else (lambda a: a)
        return f"{'tcp' if proto == 6 else 'udp'} {w(src)}:{sport} > {w(dst)}:{dport}"
    return f'proto {proto} {src} > {dst}'


def v6_proto(rest):
    if 'ICMP6' in rest:
        return 58
    if 'ESP(' in rest:
        return 50
    if 'no next header' in rest:
        return 59
    return None


def main(path):
    text = subprocess.run(['tcpdump', '-nn', '-v', '-r', path], capture_output=True, text=True).stdout
    packets, cur = [], None
    for line in text.splitlines():
        if TS.match(line):
            cur = [line[16:]]
            packets.append(cur)
        elif cur is not None:
            cur.append(line)
    firsts = {}
    sums = collections.defaultdict(lambda: [0, 0])
    other = 0
    for lines in packets:
        s = ' '.join(lines)
        m4 = V4.search(lines[0])
        m6 = V6.search(s) if m4 is None else None
        if m4:
            ident, off, flags, proto, length = int(m4[1]), int(m4[2]), m4[3], int(m4[4]), int(m4[5])
            rest = lines[0][m4.end():] if len(lines) == 1 else lines[1]
            ma = V4_ADDR.search(rest) or re.search(r'\) ([\d.]+) > ([\d.]+):', lines[0])
            (src, sport), (dst, dport) = split_v4(ma[1]), split_v4(ma[2])
            fk = (src, dst, ident, proto)
            if off > 0:
                sport = dport = None
                if fk in firsts:
                    sport, dport = firsts[fk]
            elif '+' in flags and proto in (6, 17):
                firsts[fk] = (sport, dport)
            k = key(proto, 4, src, sport, dst, dport)
        elif m6:
            length = 40 + int(m6[1])
            (src, sport), (dst, dport) = split_v6(m6[2]), split_v6(m6[3])
            rest = m6[4]
            frag = FRAG6.search(rest)
            proto = 6 if rest.startswith('Flags [') else 17 if sport is not None else None
            if sport is None:
                mp = PORTS6.search(rest)
                if mp:
                    sport, dport = int(mp[1]), int(mp[2])
                    proto = 6 if mp[3].startswith('Flags [') else 17
                else:
                    proto = v6_proto(rest)
            if frag:
                fk = (src, dst, int(frag[1], 16))
                if int(frag[2]) > 0:
                    proto, sport, dport = firsts.get(fk, ('?', None, None))
                else:
                    firsts[fk] = (proto, sport, dport)
            k = key(proto, 6, src, sport, dst, dport)
        else:
            other += 1
            continue
        sums[k][0] += 1
        sums[k][1] += length
    print(f'# {len(packets)} packets, {other} not IP or not readable')
    for k in sorted(sums):
        print(k, *sums[k])


if __name__ == '__main__':
    main(sys.argv[1])
