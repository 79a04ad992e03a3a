// Shared by the decode tests: read a committed capture through the real file reader and decoder,
// and describe packets as text (tests may allocate; the decoder may not).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCaptureFile, readCaptureFile } from '../../src/adapters/capture-file.js';
import { PacketDecoder } from '../../src/core/decode/index.js';
import { DECODED_IP, DECODED_MALFORMED, DECODED_NOT_IP, DECODED_PORTS, type PacketInfo } from '../../src/core/packet.js';

// dist/test/decode -> repository root
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'pcap');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** One captured frame, copied out of the reader's reused buffer. */
export interface Frame {
  data: Buffer;
  caplen: number;
  tsMs: number;
  linkType: number;
}

export function readFrames(name: string): Frame[] {
  const frames: Frame[] = [];
  readCaptureFile(fixture(name), (buf, caplen, tsMs, linkType) => {
    frames.push({ data: Buffer.from(buf.subarray(0, caplen)), caplen, tsMs, linkType });
  });
  return frames;
}

export const RESULT_NAMES: Record<number, string> = {
  [DECODED_PORTS]: 'ports',
  [DECODED_IP]: 'ip',
  [DECODED_NOT_IP]: 'not-ip',
  [DECODED_MALFORMED]: 'malformed',
};

function v6(w0: number, w1: number, w2: number, w3: number): string {
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

export function srcText(p: PacketInfo): string {
  return p.family === 4 ? v4(p.s3) : v6(p.s0, p.s1, p.s2, p.s3);
}

export function dstText(p: PacketInfo): string {
  return p.family === 4 ? v4(p.d3) : v6(p.d0, p.d1, p.d2, p.d3);
}

function v4(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
}

/** "udp 10.0.0.1:5 > 10.0.0.2:6" for ports, "proto 1 10.0.0.1 > 10.0.0.2" without. */
export function flowKey(result: number, p: PacketInfo): string {
  if (result === DECODED_PORTS) {
    const proto = p.proto === 6 ? 'tcp' : 'udp';
    const s = p.family === 6 ? `[${srcText(p)}]` : srcText(p);
    const d = p.family === 6 ? `[${dstText(p)}]` : dstText(p);
    return `${proto} ${s}:${p.sport} > ${d}:${p.dport}`;
  }
  return `proto ${p.proto} ${srcText(p)} > ${dstText(p)}`;
}

export interface Decoded {
  result: string;
  key: string;
  ipLen: number;
  tcpFlags: number;
  fingerprint: number;
  proto: number;
}

export interface DecodedFixture {
  linkType: number;
  packets: Decoded[];
  decoder: PacketDecoder;
}

/** Decodes every frame of a fixture with one decoder (fragment state carries over, as live). */
export function decodeFixture(name: string, snapLen = Infinity): DecodedFixture {
  const decoder = new PacketDecoder();
  const packets: Decoded[] = [];
  const file = openCaptureFile(fixture(name));
  file.read((buf, caplen, tsMs, linkType) => {
    const r = decoder.decode(buf, Math.min(caplen, snapLen), linkType, tsMs);
    const p = decoder.out;
    const ok = r === DECODED_PORTS || r === DECODED_IP;
    packets.push({
      result: RESULT_NAMES[r] ?? String(r),
      key: ok ? flowKey(r, p) : '',
      ipLen: ok ? p.ipLen : 0,
      tcpFlags: p.tcpFlags,
      fingerprint: p.fingerprint,
      proto: p.proto,
    });
  });
  return { linkType: file.linkType, packets, decoder };
}

/** Per-flow packet count and byte sum, flows sorted by key: "key packets bytes". */
export function flowSums(packets: Decoded[]): string[] {
  const sums = new Map<string, [number, number]>();
  for (const p of packets) {
    if (p.key === '') continue;
    const s = sums.get(p.key) ?? [0, 0];
    s[0]++;
    s[1] += p.ipLen;
    sums.set(p.key, s);
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, [n, b]]) => `${k} ${n} ${b}`);
}

/** How many packets got each result: { ports, ip, 'not-ip', malformed }. */
export function resultCounts(packets: Decoded[]): Record<string, number> {
  const c: Record<string, number> = { ports: 0, ip: 0, 'not-ip': 0, malformed: 0 };
  for (const p of packets) c[p.result] = (c[p.result] ?? 0) + 1;
  return c;
}
