// Namespace discovery and per-namespace table reads over a procfs-shaped directory: links like
// the kernel's ("net:[N]"), processes that vanish or move between discovery and the read.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { discoverNamespaces, readNamespaceTable } from '../../src/adapters/netns-tables.js';
import { groupNamespaces, socketContainer } from '../../src/core/connections/namespaces.js';

const root = mkdtempSync(join(tmpdir(), 'bwtop-netns-'));
after(() => rmSync(root, { recursive: true, force: true }));

function proc(pid: number | 'self', ns: number, tcp?: string): void {
  mkdirSync(join(root, String(pid), 'ns'), { recursive: true });
  symlinkSync(`net:[${ns}]`, join(root, String(pid), 'ns', 'net'));
  if (tcp !== undefined) {
    mkdirSync(join(root, String(pid), 'net'));
    writeFileSync(join(root, String(pid), 'net', 'tcp'), tcp);
  }
}
proc('self', 100);
proc(1, 100);
proc(20, 200, 'table of 200 via 20\n');
proc(21, 200, 'table of 200 via 21\n');
proc(30, 300, 'table of 300 via 30\n');
proc(31, 300, 'table of 300 via 31\n');
mkdirSync(join(root, '40')); // exited: no ns link any more

test('discovery: every namespace but bwtop’s own, processes ascending', () => {
  const d = discoverNamespaces(root, [31, 1, 40, 20, 30, 21]);
  assert.equal(d.own, 100);
  assert.deepEqual(d.others, [
    { inode: 200, pids: [20, 21] },
    { inode: 300, pids: [30, 31] },
  ]);
  assert.equal(d.refused, 0);
  assert.deepEqual(groupNamespaces([[5, 7]], null), [{ inode: 7, pids: [5] }]);
});

test('a table is read through the first process still in the namespace', () => {
  const [g200, g300] = discoverNamespaces(root, [20, 21, 30, 31]).others;
  assert.equal(readNamespaceTable(root, g200!, 'tcp'), 'table of 200 via 20\n');
  rmSync(join(root, '20'), { recursive: true }); // exited after discovery
  assert.equal(readNamespaceTable(root, g200!, 'tcp'), 'table of 200 via 21\n');
  // pid 30 reused by a process of another namespace: its table is not 300's.
  unlinkSync(join(root, '30', 'ns', 'net'));
  symlinkSync('net:[999]', join(root, '30', 'ns', 'net'));
  assert.equal(readNamespaceTable(root, g300!, 'tcp'), 'table of 300 via 31\n');
  rmSync(join(root, '21'), { recursive: true }); // the whole namespace gone
  assert.equal(readNamespaceTable(root, g200!, 'tcp'), null);
  assert.equal(readNamespaceTable(root, g300!, 'udp6'), null); // no such table there
});

test('a socket’s container: its first holder in a container, else the namespace’s name', () => {
  const containerOf = (pid: number) => (pid === 9 ? 'web' : null);
  const ns = { inode: 200, container: 'blue', foreign: true };
  assert.equal(socketContainer([3, 9], containerOf, ns), 'web');
  assert.equal(socketContainer([3], containerOf, ns), 'blue');
  assert.equal(socketContainer([], containerOf, { inode: 100, container: null, foreign: false }), null);
});
