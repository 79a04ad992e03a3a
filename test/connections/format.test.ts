// The two writers of `bwtop connections`, fed rows directly: escaping of hostile process names,
// JSON validity, and the table's layout rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonListing, jsonString } from '../../src/core/connections/json.js';
import { TableListing } from '../../src/core/connections/table.js';
import type { ProcessInfo, SocketEntry } from '../../src/core/proc/types.js';

const row = (over: Partial<SocketEntry> = {}): SocketEntry => ({
  proto: 'tcp',
  family: 4,
  localAddr: '127.0.0.1',
  localPort: 80,
  remoteAddr: '0.0.0.0',
  remotePort: 0,
  state: 'LISTEN',
  uid: 0,
  inode: 10,
  ...over,
});
const proc = (pid: number, name: string, over: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid,
  startTime: 1,
  name,
  cmdline: name,
  uid: 0,
  user: 'root',
  ppid: 1,
  exe: '',
  ...over,
});

const HOSTILE = 'evil\x1b]0;pwned\x07\x1b[2J\u009b31m\u202e\n{bold}é';

test('jsonString: ASCII only, every control and non-ASCII character escaped, same value back', () => {
  const s = jsonString(HOSTILE);
  assert.ok(/^[\x20-\x7e]*$/.test(s), s);
  assert.equal(JSON.parse(s), HOSTILE);
  assert.equal(jsonString('😀'), '"\\ud83d\\ude00"');
});

test('JSON: valid array, hostile names survive as values, gone processes dropped', () => {
  const infos = new Map<number, ProcessInfo | null>([
    [7, proc(7, HOSTILE, { cmdline: 'a\tb', user: 'us"er' })],
    [8, null], // exited between the fd scan and the details
  ]);
  const out = new JsonListing(
    (pid) => infos.get(pid) ?? null,
    (pid) => (pid === 7 ? 'web"\u202e1' : null),
  );
  out.namespace({ inode: 4026531840, container: null, foreign: false });
  out.add(row(), [7, 8]);
  out.namespace({ inode: 4026532177, container: 'ns-b', foreign: true });
  out.add(row({ family: 6, localAddr: '::1', remoteAddr: '::', inode: 11 }), []);
  const text = Buffer.concat(out.finish()).toString('latin1');
  assert.ok(/^[\x0a\x20-\x7e]*$/.test(text));
  assert.deepEqual(JSON.parse(text), [
    {
      proto: 'tcp',
      family: 4,
      local: '127.0.0.1:80',
      remote: '0.0.0.0:0',
      state: 'LISTEN',
      inode: 10,
      uid: 0,
      processes: [{ pid: 7, name: HOSTILE, user: 'us"er', uid: 0, cmdline: 'a\tb' }],
      netns: 4026531840,
      container: 'web"\u202e1', // a host-network container's socket: its holder's container
    },
    {
      proto: 'tcp',
      family: 6,
      local: '[::1]:80',
      remote: '[::]:0',
      state: 'LISTEN',
      inode: 11,
      uid: 0,
      processes: [],
      netns: 4026532177,
      container: 'ns-b', // nobody holds it: the namespace's name
    },
  ]);
  assert.equal(Buffer.concat(new JsonListing(() => null).finish()).toString(), '[]\n');
});

test('JSON: output spanning several chunks stays one valid document', () => {
  const out = new JsonListing((pid) => proc(pid, 'x'.repeat(200)));
  for (let i = 0; i < 20000; i++) out.add(row({ inode: i + 1, localPort: i % 65536 }), [(i % 7) + 1]);
  const chunks = out.finish();
  assert.ok(chunks.length > 1);
  const parsed = JSON.parse(Buffer.concat(chunks).toString('latin1')) as Array<{ inode: number }>;
  assert.equal(parsed.length, 20000);
  assert.equal(parsed[19999]!.inode, 20000);
});

test('table: hostile names cannot reach the terminal; wildcard ports as *', () => {
  const t = new TableListing((pid) => proc(pid, HOSTILE, { user: 'r\x1b[31moot' }), true);
  t.add(row(), [7]);
  const text = t.finish();
  assert.ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/.test(text), JSON.stringify(text));
  assert.match(text, /127\.0\.0\.1:80 +0\.0\.0\.0:\* +7\/evil/);
});

test('table: non-UTF-8 terminal gets ASCII only', () => {
  const t = new TableListing((pid) => proc(pid, 'café'), false);
  t.add(row(), [1]);
  assert.match(t.finish(), /1\/caf\? +root/);
});

test('table: no holder prints "-", wide names keep columns aligned', () => {
  const t = new TableListing((pid) => (pid === 1 ? proc(1, '漢字') : proc(pid, 'ab')), true);
  t.add(row({ inode: 1 }), [1]);
  t.add(row({ inode: 2, localPort: 81 }), [22]);
  t.add(row({ inode: 0, state: 'TIME_WAIT', remoteAddr: '127.0.0.1', remotePort: 5 }), []);
  const lines = t.finish().trimEnd().split('\n');
  // "1/漢字" is 6 cells wide (4 characters), "22/ab" 5: the user column starts at the same cell
  assert.deepEqual(lines, [
    'Proto  State      Local Address:Port  Peer Address:Port  PID/Program  User',
    'tcp    LISTEN     127.0.0.1:80        0.0.0.0:*          1/漢字       root',
    'tcp    LISTEN     127.0.0.1:81        0.0.0.0:*          22/ab        root',
    'tcp    TIME-WAIT  127.0.0.1:80        127.0.0.1:5        -',
  ]);
});

test('table: a Container column once a socket is in a container or another namespace; names sanitised', () => {
  const t = new TableListing(
    (pid) => proc(pid, 'srv', { user: pid === 3 ? 'www-data' : 'root' }),
    true,
    (pid) => (pid === 2 ? 'web\x1b[2J' : null),
  );
  t.namespace({ inode: 4026531840, container: null, foreign: false });
  t.add(row({ inode: 1 }), [1]);
  t.add(row({ inode: 2, localPort: 81 }), [2]);
  t.namespace({ inode: 4026532177, container: 'blue', foreign: true });
  t.add(row({ inode: 3, localPort: 82 }), [3, 1]);
  t.namespace({ inode: 4026532200, container: null, foreign: true });
  t.add(row({ inode: 0, state: 'TIME_WAIT', remoteAddr: '127.0.0.1', remotePort: 5 }), []);
  assert.deepEqual(t.finish().trimEnd().split('\n'), [
    'Proto  State      Local Address:Port  Peer Address:Port  PID/Program  User      Container',
    'tcp    LISTEN     127.0.0.1:80        0.0.0.0:*          1/srv        root',
    'tcp    LISTEN     127.0.0.1:81        0.0.0.0:*          2/srv        root      web', // the escape sequence removed
    'tcp    LISTEN     127.0.0.1:82        0.0.0.0:*          3/srv        www-data  blue',
    '                                                         1/srv        root',
    'tcp    TIME-WAIT  127.0.0.1:80        127.0.0.1:5        -                      netns:4026532200',
  ]);
  // Without containers or other namespaces the table stays as it was.
  const plain = new TableListing((pid) => proc(pid, 'srv'), true);
  plain.namespace({ inode: 4026531840, container: null, foreign: false });
  plain.add(row({ inode: 1 }), [1]);
  assert.equal(plain.finish().split('\n')[0], 'Proto  State   Local Address:Port  Peer Address:Port  PID/Program  User');
});
