// The --json line is written field by field into a reused buffer (src/cli/json-output.ts); it must
// be byte for byte what JSON.stringify made of the objects the line was first built from
// (json-reference.ts). Checked on every snapshot of the recorded sessions replayed through the whole
// program (both connection listings, and through the sink as it writes to stdout), then on the
// same snapshots with hostile names, command lines and numbers put in.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run, type Sink } from '../../src/cli/app.js';
import { parseLiveArgs } from '../../src/cli/args.js';
import { snapshotJson, snapshotJsonAllConnections } from '../../src/cli/json-output.js';
import { jsonSink } from '../../src/cli/json-sink.js';
import { realDeps } from '../../src/cli/real-deps.js';
import type { Snapshot } from '../../src/core/model.js';
import { referenceJson, referenceJsonAllConnections } from './json-reference.js';

const SESSIONS = fileURLToPath(new URL('../../../fixtures/session', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

async function replay(session: string, extra: string[] = []): Promise<Snapshot[]> {
  const dir = join(SESSIONS, session);
  const o = parseLiveArgs(['--replay', join(dir, 'capture.pcap'), '--proc-root', join(dir, 'proc'), '--json', ...extra], 'live');
  const snaps: Snapshot[] = [];
  const sink: Sink = { update: (s) => void snaps.push(structuredClone(s)), holdAfterReplay: false, close: () => {} };
  assert.equal(await run(realDeps(o.procRoot), o, sink), 0);
  return snaps;
}

function same(s: Snapshot, what: string): void {
  assert.equal(snapshotJson(s), referenceJson(s), what);
  assert.equal(snapshotJsonAllConnections(s), referenceJsonAllConnections(s), `${what}, every socket`);
}

/**
 * What the sink writes, as the stream receives it. `kernel`: the sink is told it writes to process
 * stdout, and the stream behaves like it: it copies each chunk at once (as the kernel does), or,
 * `late`, keeps the chunk and finishes the write later (a full pipe), writableLength saying so.
 */
async function sinkText(snaps: Snapshot[], allConnections: boolean, kernel?: 'at once' | 'late'): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(kernel === 'at once' ? Buffer.from(chunk) : chunk);
      if (kernel === 'late') setImmediate(done);
      else done();
    },
  });
  const sink = jsonSink(out, { allConnections, stdout: kernel !== undefined });
  for (const s of snaps) sink.update(s);
  await new Promise<void>((resolve) => out.end(resolve));
  return Buffer.concat(chunks).toString('utf8');
}

const HOSTILE = [
  '',
  'a"b\\c',
  'C:\\dir\\file',
  '\u001b]0;owned\u0007\u001b[2J',
  'tab\there\nnew\rline\u0000nul\u007f',
  'café ünïcødé',
  '日本語 🚀 \ud83d\ude00',
  'lone \ud800 high, lone \udfff low',
  '\u2028\u2029 separators',
  '</script>',
];

/** Every string of the snapshot's processes replaced by a hostile one, and awkward numbers. */
function hostile(s: Snapshot, k: number): Snapshot {
  const h = (i: number): string => HOSTILE[(i + k) % HOSTILE.length]!;
  const t = structuredClone(s);
  t.intervalMs = 333.3;
  t.tsMs += 0.5;
  t.ownership = { mode: t.ownership.mode, note: h(1) };
  t.capture.lost = [{ name: h(2), why: h(3) }];
  t.capture.interfaces = [...t.capture.interfaces, h(4)];
  let i = 0;
  for (const p of [...t.processes, ...t.programs]) {
    p.name = h(i++);
    p.cmdline = h(i++);
    p.exe = h(i++);
    p.user = h(i++);
    p.container = i % 2 ? h(i) : null;
    p.unit = i % 3 ? h(i + 1) : null;
    p.sentRate = Number.NaN;
    p.receivedRate = 2 ** 60;
    for (const c of p.connections) {
      c.state = h(i++);
      c.local = h(i++);
      c.sentRate = -0.4;
      c.receivedRate = 1e21;
    }
  }
  return t;
}

test('the written --json line equals JSON.stringify of the reference objects on every replayed snapshot', async () => {
  let lines = 0;
  let connections = 0;
  for (const [session, extra] of [
    ['loopback-web', []],
    ['loopback-web', ['-d', '0.25']],
    ['busy-host', []],
  ] as const) {
    const snaps = await replay(session, [...extra]);
    assert.ok(snaps.length > 1, `${session}: snapshots replayed`);
    snaps.forEach((s, i) => same(s, `${session} ${extra.join(' ')} snapshot ${i}`));
    for (const all of [false, true]) {
      const expected = snaps.map((s) => `${(all ? referenceJsonAllConnections : referenceJson)(s)}\n`).join('');
      assert.equal(await sinkText(snaps, all), expected, `${session}: the sink's output`);
    }
    snaps.forEach((s, i) => same(hostile(s, i), `${session} hostile snapshot ${i}`));
    // Lines far longer than the writer's 64 KiB chunks: every connection listed 400 times.
    const long = snaps.map((s) => {
      const t = hostile(s, 1);
      for (const p of t.processes) p.connections = Array.from({ length: 400 }, () => p.connections).flat();
      return t;
    });
    const longText = long.map((s) => `${referenceJsonAllConnections(s)}\n`).join('');
    assert.ok(longText.length > 20 * (1 << 16), `${session}: long lines`);
    for (const kernel of [undefined, 'at once', 'late'] as const) {
      assert.ok((await sinkText(long, true, kernel)) === longText, `${session}: long lines through the sink, kernel ${kernel}`);
    }
    lines += snaps.length;
    for (const s of snaps) for (const p of s.processes) connections += p.connections.length;
  }
  assert.ok(lines > 20 && connections > 20, `${lines} lines, ${connections} connections compared`);
});

test('bwtop --json into a pipe that is read late writes every line whole (a line the pipe cannot take yet keeps its buffer)', async () => {
  const args = ['--replay', join(SESSIONS, 'busy-host/capture.pcap'), '--proc-root', join(SESSIONS, 'busy-host/proc'), '-d', '0.05'];
  const expected = (await replay('busy-host', ['-d', '0.05'])).map((s) => `${referenceJsonAllConnections(s)}\n`).join('');
  assert.ok(expected.length > 1_000_000, 'far more than a pipe holds');
  // The reader starts half a second late: the 64 KiB pipe fills and node queues the writes.
  const cmd = 'node="$0"; main="$1"; shift; "$node" "$main" --json --all-connections "$@" | { sleep 0.5; cat; }';
  const r = spawnSync('sh', ['-c', cmd, process.execPath, MAIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout === expected, `${r.stdout.length} characters written, ${expected.length} expected`);
});
