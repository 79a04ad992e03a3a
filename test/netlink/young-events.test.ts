// The messages bwtop's own process events reader adds, decoded from bytes it handed to JavaScript
// for a real short-lived python3 client (fixtures/netlink/young-sockets.bin, see its README):
// the kernel's fork and exec, the client's identity read when its first socket appeared, its TCP
// socket appearing and going, and its exit, in that order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ProcEvent, parseProcEvents } from '../../src/core/netlink/proc-events.js';
import { parseCmdline, parseStat } from '../../src/core/proc/procText.js';

const dir = fileURLToPath(new URL('../../../fixtures/netlink/', import.meta.url));
const events = parseProcEvents(readFileSync(`${dir}young-sockets.bin`));
const meta = JSON.parse(readFileSync(`${dir}young-sockets.json`, 'utf8')) as {
  recorder: number;
  client: number;
  port: number;
  netns: number;
  uid: number;
};

test('the client`s events in order: fork, exec, identity, socket seen, socket gone, exit', () => {
  assert.deepEqual(
    events.map((e) => e.kind),
    ['fork', 'exec', 'identity', 'socket', 'socket', 'exit'],
  );
  const times = events.map((e) => (e.kind === 'none' ? 0 : e.monoMs));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
});

test('its identity: comm, parent, command line, exe and uid as read while it ran', () => {
  const id = events[2] as Extract<ProcEvent, { kind: 'identity' }>;
  assert.equal(id.pid, meta.client);
  assert.equal(id.tgid, meta.client);
  assert.equal(id.netns, meta.netns);
  assert.equal(id.identity.uid, meta.uid);
  assert.deepEqual(
    { comm: parseStat(id.identity.stat)?.comm, ppid: parseStat(id.identity.stat)?.ppid },
    { comm: 'python3', ppid: meta.recorder },
  );
  assert.match(parseCmdline(id.identity.cmdline), new RegExp(`create_connection\\(\\('127\\.0\\.0\\.1', ${meta.port}\\)\\)`));
  assert.match(id.identity.exe, /^\/usr\/bin\/python3/);
});

test('its TCP socket: seen in its namespace, then last seen and found gone within a few ms', () => {
  const [seen, gone] = events.slice(3, 5) as Extract<ProcEvent, { kind: 'socket' }>[];
  assert.ok(seen && gone);
  assert.deepEqual(
    { pid: seen.pid, netns: seen.netns, proto: seen.proto, atExec: seen.atExec, goneAfterMs: seen.goneAfterMs },
    { pid: meta.client, netns: meta.netns, proto: 'tcp', atExec: false, goneAfterMs: null },
  );
  assert.ok(seen.inode > 0);
  assert.equal(gone.inode, seen.inode);
  assert.equal(gone.proto, null);
  // Held 50 ms: last seen at least 40 ms after it appeared, found gone by the next read.
  assert.ok(gone.monoMs - seen.monoMs >= 40, `${gone.monoMs - seen.monoMs} ms`);
  assert.ok(gone.goneAfterMs !== null && gone.goneAfterMs > 0 && gone.goneAfterMs <= 5.5);
});

test('a message cut short decodes to nothing, never a wrong field', () => {
  const bytes = readFileSync(`${dir}young-sockets.bin`);
  for (let cut = 1; cut < bytes.length; cut += 7) {
    for (const e of parseProcEvents(bytes.subarray(0, cut))) {
      if (e.kind === 'socket') assert.ok(e.inode > 0 && e.pid === meta.client);
      if (e.kind === 'identity') assert.equal(e.pid, meta.client);
    }
  }
});
