// Hostile and broken netlink replies: random bytes, and real replies of this kernel
// (fixtures/netlink/) with random bytes changed and cut at random, never make a parser throw, and
// whatever they return is possible (ports, uids, inodes and pids in range, known states, the
// status counters sane).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseProcEvents, procEventAcks } from '../../src/core/netlink/proc-events.js';
import { forEachSockDiagRow, parseSockDiagReply } from '../../src/core/netlink/sock-diag.js';
import { TCP_STATES } from '../../src/core/proc/netTable.js';

const dir = new URL('../../../fixtures/netlink/', import.meta.url);
const real = (f: string): Buffer => readFileSync(new URL(f, dir));

/** A real reply with up to 12 bytes overwritten, then cut at a random length. */
const mutatedBytes = (base: Buffer) =>
  fc
    .tuple(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(base.length))
    .map(([edits, cut]) => {
      const b = Buffer.from(base);
      for (const [at, v] of edits) b[at] = v;
      return b.subarray(0, cut);
    });

const anyBytes = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a));
const STATES = new Set([...TCP_STATES, 'UNCONN']);

function checkDiag(b: Buffer, seq: number, proto: 'tcp' | 'udp'): void {
  const r = parseSockDiagReply(b, seq, proto);
  assert.ok(Number.isInteger(r.messages) && r.messages >= 0 && Number.isInteger(r.errno) && r.errno >= 0);
  for (const e of r.entries) {
    for (const port of [e.localPort, e.remotePort]) assert.ok(Number.isInteger(port) && port >= 0 && port <= 0xffff);
    assert.ok(Number.isSafeInteger(e.inode) && e.inode >= 0 && Number.isSafeInteger(e.uid) && e.uid >= 0);
    assert.ok(e.family === 4 || e.family === 6);
    assert.ok(typeof e.state === 'string' && e.localAddr.length > 0 && e.remoteAddr.length > 0);
    assert.ok(STATES.has(e.state) || /^UNKNOWN_[0-9A-F]{2}$/.test(e.state), `state ${e.state}`);
  }
  let n = 0;
  forEachSockDiagRow(b, seq, proto, () => n++);
  assert.equal(n, r.entries.length);
}

test('sock_diag replies: mutated real dumps and lookups, and random bytes', () => {
  const meta = JSON.parse(readFileSync(new URL('diag.json', dir), 'utf8')) as {
    dumpSeq: Record<string, number>;
    lookups: Array<{ file: string; table: string; seq: number }>;
  };
  const cases = [
    ...Object.entries(meta.dumpSeq).map(([t, seq]) => ({ bytes: real(`diag-${t}.bin`), seq, proto: t.startsWith('udp') ? 'udp' : 'tcp' })),
    ...meta.lookups.map((l) => ({ bytes: real(l.file), seq: l.seq, proto: l.table.startsWith('udp') ? 'udp' : 'tcp' })),
  ] as Array<{ bytes: Buffer; seq: number; proto: 'tcp' | 'udp' }>;
  for (const c of cases) {
    fc.assert(
      fc.property(mutatedBytes(c.bytes), (b) => checkDiag(b, c.seq, c.proto)),
      { numRuns: 200 },
    );
  }
  fc.assert(
    fc.property(anyBytes, fc.nat(), fc.boolean(), (b, seq, udp) => checkDiag(b, seq, udp ? 'udp' : 'tcp')),
    { numRuns: 1000 },
  );
});

function checkEvents(b: Buffer): void {
  for (const e of parseProcEvents(b)) {
    if (e.kind === 'none') continue;
    assert.ok(Number.isFinite(e.monoMs) && e.monoMs >= 0);
    if (e.kind === 'fork') assert.ok([e.parentPid, e.parentTgid, e.childPid, e.childTgid].every(Number.isInteger));
    else assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tgid));
    if (e.kind === 'comm') assert.ok(e.comm.length <= 16 && !e.comm.includes('\0'));
  }
  for (const a of procEventAcks(b)) assert.ok(Number.isInteger(a.tag) && a.tag >= 0 && Number.isInteger(a.err) && a.err >= 0);
}

test('process events: mutated real event datagrams, and random bytes', () => {
  fc.assert(fc.property(mutatedBytes(real('proc-events.bin')), checkEvents), { numRuns: 1000 });
  fc.assert(fc.property(anyBytes, checkEvents), { numRuns: 1000 });
});
