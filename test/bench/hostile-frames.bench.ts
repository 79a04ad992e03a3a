// Hostile and broken frames through the decoder and the engine, as a capture would hand them over:
// by default 1,000,000 frames (BWTOP_HOSTILE_FRAMES for more), half random bytes, half real frames
// of every link type with bytes changed and cut short, on two interfaces, with the session's /proc
// behind the engine and its resolver run at every refresh. Checked as it goes: nothing throws,
// every frame is accounted exactly once (packets + malformed + not IP + duplicates), and no byte
// count anywhere in a snapshot is negative, fractional or NaN. Prints frames/s and the counts;
// a broken rule fails the bench.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcFs } from '../../src/adapters/procfs.js';
import { PacketDecoder } from '../../src/core/decode/index.js';
import { Engine } from '../../src/core/engine/engine.js';
import { readSocketTables } from '../../src/core/engine/tables.js';
import type { Snapshot } from '../../src/core/model.js';
import { readFrames, type Frame } from '../decode/fixture-helpers.js';

const FRAMES = Number(process.env.BWTOP_HOSTILE_FRAMES ?? 1_000_000);
const SNAP = 256;
const REFRESH_EVERY = 50_000;
const SOURCES = [
  'lo.pcap',
  'routed-a0.pcap',
  'routed-router-any.pcap',
  'routed-router-any-sll2.pcap',
  'crafted-frames.pcap',
  'raw-tun.pcap',
  'vlan-qinq-port.pcap',
  'derived-null-le.pcap',
  'derived-loop.pcap',
  'derived-ipv4.pcap',
  'derived-ipv6.pcap',
];

/** xorshift32: the same frames every run, no allocation. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Every number in a snapshot (byte counts, rates, histories, counters) is a finite, non-negative integer or rate. */
function checkSnapshot(s: Snapshot, where: string): void {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || v < 0) throw new Error(`${where}: ${path} is ${v}`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk({ capture: s.capture, totals: s.totals, unknown: s.unknown, pendingBytes: s.pendingBytes }, 'snapshot');
  for (const p of [...s.processes, ...s.programs]) {
    for (const k of ['sent', 'received', 'sentTotal', 'receivedTotal'] as const) {
      if (!Number.isSafeInteger(p[k]) || p[k] < 0) throw new Error(`${where}: ${p.name}.${k} is ${p[k]}`);
    }
    if (p.name === '') throw new Error(`${where}: a row without a name`);
  }
}

export async function bench(): Promise<void> {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  const procRoot = join(repo, 'fixtures/session/loopback-web/proc');
  const proc = new ProcFs(procRoot, { passwdPath: join(procRoot, 'etc-passwd') });
  const engine = new Engine({ proc, readTables: (t) => readSocketTables(proc, t), interfaces: ['lo', 'eth0'], intervalMs: 1000 });
  engine.local.set(['127.0.0.1', '::1', '10.0.0.5', '192.0.2.1'], ['10.0.0.255']);
  engine.resolver.refreshTables();
  const real: Frame[] = SOURCES.flatMap((n) => readFrames(n));
  const linkTypes = [...new Set(real.map((f) => f.linkType))];
  const decoder = new PacketDecoder();
  const buf = Buffer.alloc(SNAP);
  let rand = rng(0x5eed);
  let caplen = 0;
  let linkType = 0;
  let random = 0;
  /** Frame `i` into buf: random bytes (odd i), else a real frame with 1-8 bytes changed, cut short half of the time. */
  const make = (i: number): void => {
    if (i & 1) {
      caplen = Math.floor(rand() * (SNAP + 1));
      for (let j = 0; j < caplen; j++) buf[j] = (rand() * 256) | 0;
      linkType = linkTypes[(rand() * linkTypes.length) | 0]!;
      random++;
      return;
    }
    const f = real[(rand() * real.length) | 0]!;
    caplen = Math.min(f.caplen, SNAP);
    f.data.copy(buf, 0, 0, caplen);
    for (let e = 1 + ((rand() * 8) | 0); e > 0; e--) buf[(rand() * caplen) | 0] = (rand() * 256) | 0;
    if (rand() < 0.5) caplen = (rand() * caplen) | 0;
    linkType = f.linkType;
  };
  let ts = 1_764_121_200_000;
  let fed = 0;
  let checkNs = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < FRAMES; i++) {
    make(i);
    ts += rand() * 0.2;
    const r = decoder.decode(buf, caplen, linkType, ts);
    engine.packet(decoder.out, r, i & 2 ? 1 : 0, ts);
    fed++;
    if (fed % REFRESH_EVERY === 0) {
      const c0 = process.hrtime.bigint();
      engine.resolver.step(ts, Infinity);
      checkSnapshot(engine.snapshot(ts, 0), `after ${fed} frames`);
      checkNs += Number(process.hrtime.bigint() - c0);
    }
  }
  const totalNs = Number(process.hrtime.bigint() - t0);
  // The same frames made again without decoding them: what making them costs.
  rand = rng(0x5eed);
  const m0 = process.hrtime.bigint();
  for (let i = 0; i < FRAMES; i++) {
    make(i);
    ts += rand() * 0.2;
  }
  const makeNs = Number(process.hrtime.bigint() - m0);
  random /= 2;
  const decodeNs = Math.max(1, totalNs - makeNs - checkNs);
  const s = engine.snapshot(ts, 0);
  checkSnapshot(s, 'at the end');
  const c = s.capture;
  const accounted = c.packets + c.malformed + c.notIp + c.duplicates;
  if (accounted !== fed) throw new Error(`${fed} frames fed, ${accounted} accounted (packets + malformed + not IP + duplicates)`);
  if (c.malformed === 0) throw new Error('no frame was counted malformed: the damaged frames went unnoticed');
  const rate = (fed / (decodeNs / 1e9)) | 0;
  console.log(`frames fed            ${fed} (${random} random, ${fed - random} mutated real frames of ${linkTypes.length} link types)`);
  console.log(`accounted             packets ${c.packets}, malformed ${c.malformed}, not IP ${c.notIp}, duplicates ${c.duplicates}`);
  console.log(`flows                 ${engine.flows.size}; unknown bytes ${s.unknown.sentTotal + s.unknown.receivedTotal}`);
  console.log(`decoder + engine      ${rate.toLocaleString('en')} frames/s (${((decodeNs / fed) | 0).toLocaleString('en')} ns a frame)`);
  const sec = (ns: number): string => `${(ns / 1e9).toFixed(1)} s`;
  console.log(
    `wall time             ${sec(totalNs)}: making frames ${sec(makeNs)}, ${fed / REFRESH_EVERY} checked refreshes ${sec(checkNs)}`,
  );
  console.log('rules                 no throw, every frame accounted once, no negative/NaN/fractional byte count: OK');
}
