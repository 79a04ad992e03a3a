// ProcFs over a fixture root (real /proc text and fd symlinks) and over the live /proc.
import assert from 'node:assert/strict';
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcFs, socketCountHint } from '../../src/adapters/procfs.js';
import { readNetTableInBackground } from '../../src/adapters/table-copy.js';
import { parseNetTable } from '../../src/core/proc/netTable.js';
import { parseSockstat } from '../../src/core/proc/procText.js';

const root = fileURLToPath(new URL('../../../fixtures/proc/loopback-mix', import.meta.url));
const fixture = () => new ProcFs(root, { passwdPath: join(root, 'etc-passwd') });
const sorted = (a: number[] | null) => (a === null ? null : [...a].sort((x, y) => x - y));

test('listPids: the numeric entries only', () => {
  assert.deepEqual(sorted(fixture().listPids()), [6786, 6787, 6788, 6789, 6790, 6791, 6792, 6793, 6795, 6796, 6797, 6798, 6799, 6800]);
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
    ppid: 6782,
    exe: '', // the copy keeps no exe links
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

test('parseSockstat: counts per table (in use plus TIME_WAIT)', () => {
  // copied from this kernel's /proc/net/sockstat and sockstat6
  const v4 =
    'sockets: used 10058\nTCP: inuse 10004 orphan 0 tw 3 alloc 10008 mem 1\nUDP: inuse 2 mem 0\n' +
    'UDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n';
  const v6 = 'TCP6: inuse 1\nUDP6: inuse 4\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n';
  assert.deepEqual(parseSockstat(v4), { tcp: 10007, tcp6: 0, udp: 2, udp6: 0 });
  assert.deepEqual(parseSockstat(v6), { tcp: 0, tcp6: 1, udp: 0, udp6: 4 });
  assert.deepEqual(parseSockstat('garbage'), { tcp: 0, tcp6: 0, udp: 0, udp6: 0 });
});

test('live /proc: socket count hint and a table copied in the background', async () => {
  const servers = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const s = createServer();
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return s;
    }),
  );
  try {
    assert.ok(socketCountHint().tcp >= 20);
    assert.deepEqual(socketCountHint(root), { tcp: 0, tcp6: 0, udp: 0, udp6: 0 }); // fixture: no sockstat
    const text = await readNetTableInBackground('/proc', 'tcp');
    assert.ok(text !== null);
    const ports = new Set(parseNetTable(text, 'tcp', 4).map((r) => r.localPort));
    for (const s of servers) assert.ok(ports.has((s.address() as { port: number }).port));
    assert.equal(await readNetTableInBackground('/nonexistent-proc-root', 'tcp'), null);
  } finally {
    for (const s of servers) s.close();
  }
});

test('relativeFdLinks: same inodes for a large fd table, working directory restored', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fds: number[] = [];
  try {
    for (let i = 0; i < 300; i++) fds.push(openSync('/dev/null', 'r')); // push fd/ past the threshold
    const cwd = process.cwd();
    const plain = new ProcFs('/proc').readSocketInodes(process.pid);
    const relative = new ProcFs('/proc', { relativeFdLinks: true }).readSocketInodes(process.pid);
    assert.equal(process.cwd(), cwd);
    assert.ok(plain !== null && plain.length > 0);
    assert.deepEqual(sorted(relative), sorted(plain));
  } finally {
    for (const fd of fds) closeSync(fd);
    server.close();
  }
});
