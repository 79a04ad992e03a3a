// Per-process parsers, against files copied from this kernel (fixtures/proc/loopback-mix).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  parseCmdline,
  parseComm,
  parsePasswd,
  parseSocketLink,
  parseStatComm,
  parseStatStartTime,
  parseStatusUid,
} from '../../src/core/proc/procText.js';

const root = new URL('../../../fixtures/proc/loopback-mix/', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');

test('parseSocketLink', () => {
  assert.equal(parseSocketLink('socket:[45551]'), 45551);
  assert.equal(parseSocketLink('socket:[1]'), 1);
  assert.equal(parseSocketLink('socket:[]'), 0);
  assert.equal(parseSocketLink('socket:[12a]'), 0);
  assert.equal(parseSocketLink('socket:[123'), 0);
  assert.equal(parseSocketLink('pipe:[41912]'), 0);
  assert.equal(parseSocketLink('/dev/null'), 0);
  assert.equal(parseSocketLink('anon_inode:[eventpoll]'), 0);
});

test('stat start time is counted from the last ")" (comm "dual srv) (x")', () => {
  const stat = read('6787/stat');
  assert.ok(stat.startsWith('6787 (dual srv) (x) S '));
  assert.equal(parseStatStartTime(stat), 43289);
  assert.equal(parseStatComm(stat), 'dual srv) (x');
  assert.equal(parseStatStartTime('1 (a b) S 0 1 1 0 -1 4 0 0 0 0 0 0 0 0 20 0 1 0 4242 0'), 4242);
  assert.equal(parseStatStartTime('1 (x) S 0 1'), null);
  assert.equal(parseStatStartTime('no paren'), null);
  assert.equal(parseStatStartTime('1 (x) S 0 1 1 0 -1 4 0 0 0 0 0 0 0 0 20 0 1 0 -5 0'), null);
});

test('every fixture process has a start time and the real uid', () => {
  const expected: Record<string, [number, number]> = {
    '6786': [43289, 0],
    '6793': [43290, 65534],
    '6795': [43298, 0],
    '6800': [43360, 0],
  };
  for (const [pid, [start, uid]] of Object.entries(expected)) {
    assert.equal(parseStatStartTime(read(`${pid}/stat`)), start, pid);
    assert.equal(parseStatusUid(read(`${pid}/status`)), uid, pid);
  }
  assert.equal(parseStatusUid('Name:\tx\nUid:\t1000\t0\t0\t0\n'), 1000);
  assert.equal(parseStatusUid('Name:\tUid: 5\n'), null);
  assert.equal(parseStatusUid(''), null);
});

test('comm and cmdline', () => {
  assert.equal(parseComm(read('6787/comm')), 'dual srv) (x');
  assert.equal(
    parseCmdline(read('6786/cmdline')),
    '/usr/bin/python3 /work/main/test/fixtures-tools/proc-scenario.py tcp-server tcp4 server 127.0.0.1 7001',
  );
  assert.equal(parseCmdline(''), '');
  assert.equal(parseCmdline('nginx: worker\0\0\0\0'), 'nginx: worker');
  assert.equal(parseCmdline('a\0\0b\0'), 'a  b');
});

test('passwd: uid -> name, first entry wins, junk skipped', () => {
  const users = parsePasswd(read('etc-passwd'));
  assert.equal(users.get(0), 'root');
  assert.equal(users.get(65534), 'nobody');
  const m = parsePasswd('a:x:5:5::/:/bin/sh\nb:x:5:5::/:/bin/sh\n#c:x:6:\nbroken\nd:x:nope:\n:x:7:\n');
  assert.deepEqual([...m], [[5, 'a']]);
});
