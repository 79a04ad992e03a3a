// --replay of a damaged capture: every interval up to the damage is printed (the last partial one
// too), then one sentence on stderr and a non-zero exit. The oracle is the same bwtop on an intact
// file holding exactly the packets before the damage, cut record by record by this test (the
// file has the same name, so even capture.interfaces is the same).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(REPO, 'dist/src/cli/main.js');
const SESSION = join(REPO, 'fixtures/session/loopback-web');
const PROC = join(SESSION, 'proc');
const WHOLE = readFileSync(join(SESSION, 'capture.pcap'));

const dir = mkdtempSync(join(tmpdir(), 'bwtop-truncated-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Byte offsets where each record of a classic little-endian pcap starts, and the file's end. */
function recordStarts(pcap: Buffer): number[] {
  assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4, 'the fixture is a little-endian classic pcap');
  const starts: number[] = [];
  for (let at = 24; at < pcap.length; at += 16 + pcap.readUInt32LE(at + 8)) starts.push(at);
  return starts;
}

const STARTS = recordStarts(WHOLE);

function replay(file: string, extra: string[] = []): { status: number | null; lines: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, '--replay', file, '--proc-root', PROC, '--json', ...extra], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, lines: r.stdout.split('\n').filter((l) => l !== '') };
}

/** The damaged file (the first `k` records whole, then `tail` bytes of the next) and the intact one. */
function pair(name: string, k: number, tail: number): { damaged: string; intact: string } {
  mkdirSync(join(dir, name, 'damaged'), { recursive: true });
  mkdirSync(join(dir, name, 'intact'), { recursive: true });
  const damaged = join(dir, name, 'damaged', 'capture.pcap');
  const intact = join(dir, name, 'intact', 'capture.pcap');
  writeFileSync(damaged, WHOLE.subarray(0, STARTS[k]! + tail));
  writeFileSync(intact, WHOLE.subarray(0, STARTS[k]!));
  return { damaged, intact };
}

// Packet k's timestamp (ms) decides how many intervals lie before it: 1 s intervals from the first.
const tsOf = (k: number): number => WHOLE.readUInt32LE(STARTS[k]!) * 1000 + WHOLE.readUInt32LE(STARTS[k]! + 4) / 1000;

for (const [name, k, tail] of [
  ['inside the first interval, mid-record', 20, 30],
  ['in the third interval, mid-record', 79, 40],
  ['in the third interval, inside a record header', 75, 9],
] as const) {
  test(`a capture damaged ${name}: the intervals before the damage, then the error, exit 1`, () => {
    assert.ok(k < STARTS.length && tail < 16 + WHOLE.readUInt32LE(STARTS[k]! + 8));
    const { damaged, intact } = pair(name.replaceAll(/\W+/g, '-'), k, tail);
    const want = replay(intact);
    assert.equal(want.status, 0, want.stderr);
    const expectedIntervals = Math.floor((tsOf(k - 1) - tsOf(0)) / 1000) + 1; // full ones, then the partial one
    assert.equal(want.lines.length, expectedIntervals);

    const got = replay(damaged);
    assert.equal(got.status, 1);
    assert.deepEqual(got.lines, want.lines, 'every interval up to the damage, the last partial one too');
    assert.equal((JSON.parse(got.lines.at(-1)!) as { capture: { packets: number } }).capture.packets, k);
    assert.equal(
      got.stderr,
      `bwtop: capture file ${damaged} is truncated or corrupt after ${k} packets; ` +
        `the packets before that point were read, record the capture again for the rest\n`,
    );
  });
}

test('a file damaged before its first packet prints no interval, only the error', () => {
  const { damaged } = pair('first-record', 0, 10);
  const got = replay(damaged);
  assert.equal(got.status, 1);
  assert.deepEqual(got.lines, []);
  assert.match(got.stderr, /^bwtop: capture file .* is truncated or corrupt after 0 packets; [^\n]*\n$/);
});
