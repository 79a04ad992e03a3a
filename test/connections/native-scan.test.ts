// The native descriptor scan of the one-shot command (src/native/fd_scan.c) against the
// JavaScript one, on the /proc copy fixtures/proc/loopback-mix (fd links as real symlinks) and on
// this process's own live descriptors: the same owners, the same unreadable count.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nativeFdSockets } from '../../src/adapters/fd-scan.js';
import { ProcFs } from '../../src/adapters/procfs.js';
import { scanOwners, scanOwnersFlat } from '../../src/core/connections/owners.js';

const ROOT = fileURLToPath(new URL('../../../fixtures/proc/loopback-mix', import.meta.url));

const plain = (s: ReturnType<typeof scanOwners>) => ({
  owners: [...s.owners].map(([ino, pids]) => [ino, [...pids]]).sort((a, b) => Number(a[0]) - Number(b[0])),
  unreadable: s.unreadable,
  withSockets: s.withSockets,
});

test('the native scan finds the owners the JavaScript one finds (a /proc copy, pids missing too)', () => {
  const fdSockets = nativeFdSockets();
  assert.ok(fdSockets, 'the addon is built by npm ci');
  const src = new ProcFs(ROOT);
  const pids = [...src.listPids()!, 1, 999_999];
  const expected = plain(scanOwners(src, pids));
  assert.ok(expected.owners.length > 5 && expected.unreadable === 2);
  assert.deepEqual(plain(scanOwnersFlat(fdSockets(ROOT, Int32Array.from(pids)), pids)), expected);
});

test('the native scan reads live descriptors: this process`s own sockets', async () => {
  const fdSockets = nativeFdSockets()!;
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const src = new ProcFs('/proc');
    assert.deepEqual(
      [...fdSockets('/proc', Int32Array.from([process.pid]))].slice(1).sort(),
      [...src.readSocketInodes(process.pid)!].sort(),
    );
  } finally {
    server.close();
  }
});

test('a process with thousands of descriptors (read on two threads) is scanned whole', async () => {
  const fdSockets = nativeFdSockets()!;
  const sockets = Array.from({ length: 2500 }, () => dgram.createSocket('udp4'));
  try {
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))));
    const src = new ProcFs('/proc');
    const expected = [...src.readSocketInodes(process.pid)!].sort();
    assert.ok(expected.length >= 2500);
    const scanned = fdSockets('/proc', Int32Array.from([process.pid]));
    assert.equal(scanned[0], expected.length);
    assert.deepEqual([...scanned].slice(1).sort(), expected);
  } finally {
    for (const s of sockets) s.close();
  }
});
