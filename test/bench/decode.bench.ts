// Decoder throughput, informational: ns per packet for PacketDecoder on real captures, side by
// side with the `pcap` package's own JS decoder (pcap.decode.packet, which builds an object tree
// per packet - what the hot path avoids), plus heap growth over the run. Both read the same
// frames from memory, with the live snap length (256), alternating rounds.
import { createRequire } from 'node:module';
import { PacketDecoder } from '../../src/core/decode/index.js';
import { LINK_ETHERNET, LINK_LINUX_SLL } from '../../src/core/packet.js';
import { readFrames, type Frame } from '../decode/fixture-helpers.js';

const SNAP = 256;
const ROUNDS = 5;
const MIN_PACKETS = 2_000_000;
const PCAP_NAMES: Record<number, string> = { [LINK_ETHERNET]: 'LINKTYPE_ETHERNET', [LINK_LINUX_SLL]: 'LINKTYPE_LINUX_SLL' };

interface PcapDecode {
  packet(p: { buf: Buffer; header: Buffer; link_type: string }): unknown;
}

function oursRound(frames: Frame[], passes: number): number {
  const d = new PacketDecoder();
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let pass = 0; pass < passes; pass++) {
    for (const f of frames) {
      sink += d.decode(f.data, f.caplen, f.linkType, f.tsMs);
      sink ^= d.out.fingerprint;
    }
  }
  const ns = Number(process.hrtime.bigint() - t0);
  if (sink === 0.5) console.log(''); // keep the work observable
  return ns / (passes * frames.length);
}

function theirsRound(decode: PcapDecode, frames: { buf: Buffer; header: Buffer; link_type: string }[], passes: number): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let pass = 0; pass < passes; pass++) {
    for (const f of frames) if (decode.packet(f) !== undefined) sink++;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  if (sink === -1) console.log('');
  return ns / (passes * frames.length);
}

export async function bench(): Promise<void> {
  // Ethernet and Linux cooked v1: the link types the pcap package's decoder handles too.
  const frames = ['routed-a0.pcap', 'routed-router-any.pcap', 'vlan-8021q-bridge.pcap', 'lo.pcap']
    .flatMap((n) => readFrames(n))
    .map((f) => {
      const caplen = Math.min(f.caplen, SNAP);
      return { ...f, data: Buffer.from(f.data.subarray(0, caplen)), caplen };
    });
  const theirsFrames = frames.map((f) => {
    const header = Buffer.alloc(16);
    header.writeUInt32LE(Math.floor(f.tsMs / 1000), 0);
    header.writeUInt32LE(f.caplen, 8);
    header.writeUInt32LE(f.caplen, 12);
    return { buf: f.data, header, link_type: PCAP_NAMES[f.linkType]! };
  });
  const decode = (createRequire(import.meta.url)('pcap') as { decode: PcapDecode }).decode;
  const passes = Math.ceil(MIN_PACKETS / frames.length);
  oursRound(frames, 5); // warm up
  theirsRound(decode, theirsFrames, 5);
  const ours: number[] = [];
  const theirs: number[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(oursRound(frames, passes));
    theirs.push(theirsRound(decode, theirsFrames, Math.ceil(passes / 10)));
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
  const o = median(ours);
  const t = median(theirs);
  console.log(`${frames.length} real frames (Ethernet, VLAN bridge, loopback, cooked), snap length ${SNAP}`);
  console.log(`PacketDecoder.decode      ${o.toFixed(1).padStart(8)} ns/packet`);
  console.log(`pcap.decode.packet (JS)   ${t.toFixed(1).padStart(8)} ns/packet`);
  console.log(`ratio (pcap / ours)       ${(t / o).toFixed(1).padStart(8)} x`);
  console.log(`heap growth over the run  ${((process.memoryUsage().heapUsed - heapBefore) / 1024).toFixed(0).padStart(8)} KiB`);
}

// Direct run: node dist/test/bench/decode.bench.js
if (process.argv[1]?.endsWith('decode.bench.js')) await bench();
