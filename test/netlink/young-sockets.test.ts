// The process events reader's own watch of new programs (src/native/young_sockets.c), against
// real processes (root): a short-lived client's TCP socket is reported with the client's
// identity, read while it ran, and its going; sockets a program inherited across its exec never
// are; a socket opened before an exec is reported once, for the program that opened it. (How
// short a socket it catches depends on the program's age: read every 0.25 ms at its exec, every
// 5 ms at most, for 100 ms; a curl's connection over loopback opens 5-15 ms after its exec.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { openProcEvents, type ProcEvent } from '../../src/adapters/netlink.js';
import { parseCmdline, parseStat } from '../../src/core/proc/procText.js';
import { SKIP } from '../live/harness.js';
import { shortClientScript } from './short-client.js';

type SocketEvent = Extract<ProcEvent, { kind: 'socket' }>;
type IdentityEvent = Extract<ProcEvent, { kind: 'identity' }>;

const run = (cmd: string, args: string[]): Promise<number> =>
  new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: 'ignore' });
    c.once('exit', () => resolve(c.pid!));
  });

test('young programs: a client`s socket and identity are reported, inherited sockets never', { skip: SKIP }, async () => {
  const accepted: net.Socket[] = [];
  const server = net.createServer((c) => {
    accepted.push(c);
    c.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const events: ProcEvent[] = [];
  const src = openProcEvents(
    (e) => events.push(e),
    () => {},
  );
  try {
    await new Promise((r) => setTimeout(r, 100));
    const py = await run('/usr/bin/python3', ['-c', shortClientScript(port)]);
    // A shell that opens a connection, then execs sleep (which inherits it), and a shell whose
    // sleep child inherits its connection.
    const execs = await run('/bin/bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; read -t 0.05 -u 3; exec sleep 0.2`]);
    const parent = await run('/bin/bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; sleep 0.2; true`]);
    await new Promise((r) => setTimeout(r, 300));
    const sockets = (pid: number) => events.filter((e): e is SocketEvent => e.kind === 'socket' && e.pid === pid);
    const identity = (pid: number) => events.filter((e): e is IdentityEvent => e.kind === 'identity' && e.pid === pid);
    const ownNetns = statSync('/proc/self/ns/net').ino;

    const [seen, gone, ...more] = sockets(py);
    assert.ok(seen, `the client's socket appeared: ${JSON.stringify(sockets(py))}`);
    assert.deepEqual(more, []);
    assert.equal(seen.goneAfterMs, null);
    assert.equal(seen.proto, 'tcp');
    assert.equal(seen.netns, ownNetns);
    assert.ok(seen.inode > 0);
    if (gone) {
      assert.equal(gone.inode, seen.inode);
      assert.ok(gone.goneAfterMs !== null && gone.goneAfterMs >= 0 && gone.goneAfterMs < 10, `found gone ${gone.goneAfterMs} ms after`);
      assert.ok(gone.monoMs >= seen.monoMs);
    } else {
      // The watch ends 100 ms after the exec and the client holds its socket 50 ms: when python's
      // start took more than about 50 ms (a loaded machine), the socket closes after the watch
      // and is reported seen only.
      const exec = events.find((e): e is Extract<ProcEvent, { kind: 'exec' }> => e.kind === 'exec' && e.pid === py);
      assert.ok(exec && seen.monoMs - exec.monoMs > 40, `seen ${exec ? seen.monoMs - exec.monoMs : '?'} ms after the exec and never gone`);
    }
    const [id, ...twice] = identity(py);
    assert.ok(id, 'its identity came with its first socket');
    assert.deepEqual(twice, []);
    assert.ok(events.indexOf(id) < events.indexOf(seen), 'identity first');
    assert.equal(parseStat(id.identity.stat)?.comm, 'python3');
    assert.equal(parseStat(id.identity.stat)?.ppid, process.pid);
    assert.match(id.identity.exe, /\/python3/);
    assert.match(parseCmdline(id.identity.cmdline), /create_connection/);
    assert.equal(id.identity.uid, process.getuid!());
    assert.equal(id.netns, ownNetns);

    // Opened by bash after its exec: reported as bash's; sleep's exec inherits it: not as new again.
    // (A first read that comes late after an exec reports what it finds as `atExec`: maybe
    // inherited, JavaScript asks the parent.) One socket, reported as new once at most.
    const execSockets = sockets(execs).filter((e) => e.goneAfterMs === null);
    assert.ok(execSockets.length >= 1);
    assert.equal(new Set(execSockets.map((e) => e.inode)).size, 1);
    const asNew = execSockets.filter((e) => !e.atExec);
    assert.ok(asNew.length <= 1);
    // Reported as new: under the identity of the program that opened it, bash. (About one run in
    // fifteen the reader misses the bash phase altogether and only sleep's late first read reports
    // the socket, as maybe inherited: a gap noted on the issue, not an owner.)
    const before = (e: ProcEvent) =>
      identity(execs)
        .filter((i) => events.indexOf(i) < events.indexOf(e))
        .at(-1);
    for (const e of asNew) assert.equal(parseStat(before(e)?.identity.stat ?? '')?.comm, 'bash');
    for (const e of execSockets.filter((x) => x.atExec)) assert.ok(before(e) !== undefined, 'an identity comes before it');
    // The child of the other shell holds its parent's socket from its exec on: nothing reported.
    const child = events.find((e) => e.kind === 'fork' && e.parentTgid === parent && e.childTgid !== parent);
    assert.ok(child?.kind === 'fork', 'the shell forked its sleep');
    assert.deepEqual(
      sockets(child.childTgid).filter((e) => !e.atExec),
      [],
    );
  } finally {
    src.close();
    for (const c of accepted) c.destroy();
    server.close();
  }
});
