// `bwtop connections` at scale, as a real command: one process holds 5,000 loopback connections
// (both ends) and their listener; every socket `ss -tanp` shows for that pid must be listed with
// it, over netlink (sockets dumped in a worker thread at this size) and from /proc/net text, in
// JSON and in the table.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { holdConnections, listedSocketsOf, ssSocketsOf, type Holder } from './hold-connections.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CONNECTIONS = 5000;
const SKIP = process.getuid?.() !== 0 ? 'needs root (ss -p and bwtop must see every process)' : false;

let holder: Holder | undefined;
let expected: string[] = [];
before(async () => {
  if (SKIP) return;
  holder = await holdConnections(CONNECTIONS);
  expected = ssSocketsOf(spawnSync('ss', ['-tanp'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout, holder.pid);
});
after(() => holder?.stop());

function bwtop(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'connections', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

for (const [how, args] of [
  ['netlink', ['--json']],
  ['/proc/net text', ['--json', '--proc-root', '/proc']],
] as const) {
  test(`5,000 connections of one process: every socket ss shows for it is listed with it (${how})`, { skip: SKIP }, () => {
    assert.equal(expected.length, 2 * CONNECTIONS + 1);
    const r = bwtop([...args]);
    assert.equal(r.stderr, '');
    const mine = listedSocketsOf(r.stdout, holder!.pid);
    assert.deepEqual(
      expected.filter((k) => !mine.has(k)),
      [],
    );
    assert.equal(mine.size, expected.length);
  });
}

test('5,000 connections of one process: the table lists them too (netlink)', { skip: SKIP }, () => {
  const r = bwtop([]);
  assert.equal(r.stderr, '');
  const rows = r.stdout.split('\n').filter((l) => l.includes(` ${holder!.pid}/node `));
  assert.equal(rows.length, expected.length);
  const listener = rows.filter((l) => /^tcp\s+LISTEN\s/.test(l));
  assert.equal(listener.length, 1);
  assert.ok(listener[0]!.includes(`127.0.0.1:${holder!.port} `));
});
