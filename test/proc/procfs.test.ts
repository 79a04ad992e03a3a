// ProcFs over a fixture root (real /proc text and fd symlinks) and over the live /proc.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcFs } from '../../src/adapters/procfs.js';
import { parseNetTable } from '../../src/core/proc/netTable.js';

const root = fileURLToPath(new URL('../../../fixtures/proc/loopback-mix', import.meta.url));
const fixture = () => new ProcFs(root, { passwdPath: join(root, 'etc-passwd') });
const sorted = (a: number[] | null) => (a === null ? null : [...a].sort((x, y) => x - y));

test('listPids: the numeric entries only', () => {
  assert.deepEqual(
    sorted(fixture().listPids()),
    [6786, 6787, 6788, 6789, 6790, 6791, 6792, 6793, 6795, 6796, 6797, 6798, 6799, 6800],
  );
});

test('readSocketInodes: socket links only, one per descriptor', () => {
  const fs = fixture();
  assert.deepEqual(sorted(fs.readSocketInodes(6786)), [45551, 45715, 45727]);
  assert.deepEqual(sorted(fs.readSocketInodes(6789)), [46231, 46231]); // dup'ed listener
  assert.deepEqual(sorted(fs.readSocketInodes(6795)), [45719, 46231, 46231]);
  assert.deepEqual(fs.readSocketInodes(6800), []);
  assert.equal(fs.readSocketInodes(424242), null);
});

test('readProcess: comm, cmdline, start time, real uid and its name', () => {
  const fs = fixture();
  assert.deepEqual(fs.readProcess(6787), {
    pid: 6787,
    startTime: 43289,
    name: 'dual srv) (x',
    cmdline: '/usr/bin/python3 /work/main/test/fixtures-tools/proc-scenario.py tcp-server dual srv) (x :: 7002 0',
    uid: 0,
    user: 'root',
  });
  const nobody = fs.readProcess(6793);
  assert.equal(nobody?.user, 'nobody');
  assert.equal(nobody?.uid, 65534);
  assert.equal(fs.readProcess(424242), null);
  assert.equal(fs.readStartTime(6795), 43298);
  assert.equal(fs.readStartTime(424242), null);
});

test('readNetTable returns the table verbatim, null when missing', () => {
  const fs = fixture();
  assert.equal(fs.readNetTable('tcp6'), readFileSync(join(root, 'net/tcp6'), 'latin1'));
  assert.equal(new ProcFs('/nonexistent-proc-root').readNetTable('tcp'), null);
  assert.equal(new ProcFs('/nonexistent-proc-root').listPids(), null);
});

test('a process vanishing between reads gives null, and unknown uids stay numeric', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bwtop-procfs-'));
  try {
    cpSync(root, dir, { recursive: true, verbatimSymlinks: true });
    rmSync(join(dir, '6786/status'));
    rmSync(join(dir, '6787/fd'), { recursive: true });
    rmSync(join(dir, '6788/cmdline'));
    const fs = new ProcFs(dir, { passwdPath: join(dir, 'no-such-passwd') });
    assert.equal(fs.readProcess(6786), null);
    assert.equal(fs.readSocketInodes(6787), null);
    assert.equal(fs.readProcess(6788), null);
    assert.equal(fs.readProcess(6793)?.user, '65534');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live /proc: this process and a socket it holds', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const fs = new ProcFs();
    const me = fs.readProcess(process.pid);
    assert.equal(me?.pid, process.pid);
    assert.equal(me?.uid, process.getuid?.());
    const rows = parseNetTable(fs.readNetTable('tcp') ?? '', 'tcp', 4);
    const mine = rows.find((r) => r.localPort === port && r.state === 'LISTEN');
    assert.ok(mine, 'listener in /proc/net/tcp');
    assert.ok(fs.readSocketInodes(process.pid)?.includes(mine.inode));
  } finally {
    server.close();
  }
});
