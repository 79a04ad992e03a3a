// The capture-file reader: every record delivered with its bytes, caplen and timestamp exactly as
// stored in the file (checked against a plain parse of the pcap format here), pcapng too, early
// stop, handler errors, and one-sentence errors for files it cannot read.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openCaptureFile, readCaptureFile } from '../../src/adapters/capture-file.js';
import { LINK_ETHERNET, LINK_LINUX_SLL, LINK_LINUX_SLL2, LINK_RAW } from '../../src/core/packet.js';
import { fixture, readFrames } from './fixture-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'bwtop-capfile-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Rec {
  tsMs: number;
  data: Buffer;
}

/** Little-endian microsecond pcap, parsed by hand: the reference the reader is held to. */
function parsePcap(path: string): { linkType: number; recs: Rec[] } {
  const b = readFileSync(path);
  assert.equal(b.readUInt32LE(0), 0xa1b2c3d4);
  const recs: Rec[] = [];
  for (let off = 24; off < b.length; ) {
    const incl = b.readUInt32LE(off + 8);
    recs.push({ tsMs: b.readUInt32LE(off) * 1000 + b.readUInt32LE(off + 4) / 1000, data: b.subarray(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  return { linkType: b.readUInt32LE(20), recs };
}

test('every record arrives in order with its exact bytes, caplen and timestamp', () => {
  for (const [name, link] of [
    ['routed-a0.pcap', LINK_ETHERNET],
    ['routed-router-any.pcap', LINK_LINUX_SLL],
    ['routed-router-any-sll2.pcap', LINK_LINUX_SLL2],
    ['raw-tun.pcap', LINK_RAW], // stored as 101, libpcap reports DLT_RAW (12)
  ] as const) {
    const ref = parsePcap(fixture(name));
    const frames = readFrames(name);
    assert.equal(frames.length, ref.recs.length, name);
    frames.forEach((f, i) => {
      assert.equal(f.linkType, link);
      assert.equal(f.caplen, ref.recs[i]!.data.length);
      assert.equal(f.tsMs, ref.recs[i]!.tsMs);
      assert.ok(f.data.equals(ref.recs[i]!.data), `${name} record ${i}`);
    });
  }
});

test('readCaptureFile counts packets; pcapng gives the same records as pcap', () => {
  assert.deepEqual(
    readCaptureFile(fixture('routed-a0.pcap'), () => {}),
    { packets: 62, stopped: false },
  );
  const ng = readFrames('derived-routed-a0.pcapng');
  const plain = readFrames('routed-a0.pcap');
  assert.deepEqual(ng, plain);
});

test('the buffer is reused: the handler must copy what it keeps', () => {
  const seen = new Set<Buffer>();
  readCaptureFile(fixture('lo.pcap'), (buf) => void seen.add(buf));
  assert.equal(seen.size, 1);
});

test('snapLen bounds the copied bytes and the caplen handed over', () => {
  const ref = parsePcap(fixture('routed-a0.pcap'));
  let i = 0;
  readCaptureFile(
    fixture('routed-a0.pcap'),
    (buf, caplen) => {
      const want = ref.recs[i++]!.data;
      assert.equal(caplen, Math.min(64, want.length));
      assert.ok(buf.subarray(0, caplen).equals(want.subarray(0, caplen)));
    },
    { snapLen: 64 },
  );
  assert.equal(i, 62);
});

test('returning false stops the reading; the link type is known before reading', () => {
  const file = openCaptureFile(fixture('routed-router-any-sll2.pcap'));
  assert.equal(file.linkType, LINK_LINUX_SLL2);
  assert.equal(file.linkTypeName, 'Unknown linktype 276');
  let n = 0;
  assert.deepEqual(
    file.read(() => ++n < 5),
    { packets: 5, stopped: true },
  );
  assert.equal(n, 5);
  assert.throws(() => file.read(() => {}), /already read/);
});

test('an exception in the handler comes back out of read() (not fatal to the process)', () => {
  const boom = new Error('handler failed');
  let n = 0;
  assert.throws(
    () =>
      readCaptureFile(fixture('lo.pcap'), () => {
        if (++n === 3) throw boom;
      }),
    (err) => err === boom,
  );
  assert.equal(n, 3);
  assert.equal(readCaptureFile(fixture('lo.pcap'), () => {}).packets, 34);
});

function oneSentence(err: unknown, pattern: RegExp): boolean {
  assert.ok(err instanceof Error);
  assert.match(err.message, pattern);
  assert.ok(!err.message.includes('\n') && /^[A-Z].*\.$/.test(err.message), err.message);
  return true;
}

test('unreadable files: one-sentence errors saying what, why and what to do', () => {
  const text = join(tmp, 'notes.txt');
  writeFileSync(text, 'these are not packets\n');
  const empty = join(tmp, 'empty.pcap');
  writeFileSync(empty, '');
  const cases: [string, RegExp][] = [
    [join(tmp, 'missing.pcap'), /^Cannot read capture file .*missing\.pcap: no such file; give the path/],
    [tmp, /it is a directory/],
    [text, /notes\.txt: unknown file format; it must be a pcap or pcapng file/],
    [empty, /empty\.pcap: truncated dump file/],
  ];
  for (const [path, pattern] of cases) {
    assert.throws(
      () => readCaptureFile(path, () => assert.fail('no packet expected')),
      (e) => oneSentence(e, pattern),
    );
  }
});

test('a file cut in the middle of a record: packets before it are delivered, then an error', () => {
  const whole = readFileSync(fixture('routed-a0.pcap'));
  const cut = join(tmp, 'cut.pcap');
  writeFileSync(cut, whole.subarray(0, whole.length - 10));
  let n = 0;
  assert.throws(
    () => readCaptureFile(cut, () => void n++),
    (e) => oneSentence(e, /cut\.pcap is truncated or corrupt after 61 packets; /),
  );
  assert.equal(n, 61);
});

test('a link layer the decoder cannot read is refused up front', () => {
  const radiotap = join(tmp, 'wifi.pcap');
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(65535, 16);
  hdr.writeUInt32LE(127, 20); // LINKTYPE_IEEE802_11_RADIOTAP
  writeFileSync(radiotap, hdr);
  assert.throws(
    () => openCaptureFile(radiotap),
    (e) => oneSentence(e, /wifi\.pcap: its link layer \(LINKTYPE_IEEE802_11_RADIO\) is not Ethernet/),
  );
});

test('no file descriptor is left open, whatever way a read ends', () => {
  const fds = (): number => readdirSync('/proc/self/fd').length;
  const before = fds();
  for (let i = 0; i < 50; i++) {
    readCaptureFile(fixture('crafted-frames.pcap'), () => {});
    readCaptureFile(fixture('lo.pcap'), () => false);
    assert.throws(() =>
      readCaptureFile(fixture('lo.pcap'), () => {
        throw new Error('x');
      }),
    );
    assert.throws(() => readCaptureFile(join(tmp, 'cut.pcap'), () => {}));
    assert.throws(() => openCaptureFile(join(tmp, 'wifi.pcap')));
    openCaptureFile(fixture('lo.pcap')).close();
  }
  assert.equal(fds(), before);
});
