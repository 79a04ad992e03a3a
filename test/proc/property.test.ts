// Random and mutated procfs text never makes a parser throw, and whatever it returns is sane.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { mutatedText } from './mutate.js';
import { parseNetTable } from '../../src/core/proc/netTable.js';
import {
  parseCmdline,
  parseComm,
  parseOtherSocketInodes,
  parsePasswd,
  parseSocketLink,
  parseSockstat,
  parseStat,
  parseStatComm,
  parseStatStartTime,
  parseStatusUid,
} from '../../src/core/proc/procText.js';

const root = new URL('../../../fixtures/proc/loopback-mix/', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'latin1');
const tables = [
  { text: read('net/tcp'), proto: 'tcp', family: 4 },
  { text: read('net/tcp6'), proto: 'tcp', family: 6 },
  { text: read('net/udp'), proto: 'udp', family: 4 },
  { text: read('net/udp6'), proto: 'udp', family: 6 },
] as const;

/** Random edits of a real text, with the characters procfs text is made of. */
const mutated = (base: string) => mutatedText(base, ' \n:0123456789ABCDEFabcxyz)(\0\t-');

function checkRows(text: string, proto: 'tcp' | 'udp', family: 4 | 6): void {
  const counts = { bad: 0 };
  const rows = parseNetTable(text, proto, family, counts);
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  assert.ok(rows.length + counts.bad <= lines);
  for (const r of rows) {
    assert.ok(r.localPort >= 0 && r.localPort <= 0xffff && r.remotePort >= 0 && r.remotePort <= 0xffff);
    assert.ok(Number.isSafeInteger(r.inode) && r.inode >= 0 && Number.isSafeInteger(r.uid));
    assert.equal(r.family, family);
    assert.ok(family === 4 ? !r.localAddr.includes(':') : r.localAddr.includes(':'));
  }
}

test('parseNetTable: mutated real tables', () => {
  for (const t of tables) {
    fc.assert(
      fc.property(mutated(t.text), (text) => checkRows(text, t.proto, t.family)),
      { numRuns: 300 },
    );
  }
});

test('parseNetTable: arbitrary text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), fc.boolean(), fc.boolean(), (text, udp, v6) =>
      checkRows(text, udp ? 'udp' : 'tcp', v6 ? 6 : 4),
    ),
    { numRuns: 500 },
  );
});

test('per-process parsers: mutated and arbitrary text', () => {
  const stat = read('6787/stat');
  const status = read('6793/status');
  fc.assert(
    fc.property(mutated(stat), fc.string(), (s, any) => {
      for (const t of [s, any]) {
        const v = parseStatStartTime(t);
        assert.ok(v === null || (Number.isSafeInteger(v) && v >= 0));
      }
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(mutated(status), fc.string(), (s, any) => {
      parseStatusUid(s);
      parseStatusUid(any);
      assert.ok(!parseCmdline(any + '\0').endsWith('\0'));
      parsePasswd(s);
      parsePasswd(any);
      const inode = parseSocketLink(any);
      assert.ok(Number.isSafeInteger(inode) && inode >= 0);
    }),
    { numRuns: 300 },
  );
});

test('stat, comm, sockstat and the other socket tables: mutated real text and arbitrary text', () => {
  const stat = read('6787/stat');
  const unix = 'Num       RefCount Protocol Flags    Type St Inode Path\n0000: 00000002 00000000 00010000 0001 01 20845 /run/x\n';
  const sockstat = 'sockets: used 165\nTCP: inuse 5 orphan 0 tw 2 alloc 8 mem 1\nUDP: inuse 3 mem 2\n';
  fc.assert(
    fc.property(mutated(stat), fc.string(), (s, any) => {
      for (const t of [s, any]) {
        const p = parseStat(t);
        if (p) assert.ok(Number.isSafeInteger(p.ppid) && p.ppid >= 0 && Number.isSafeInteger(p.startTime) && p.startTime >= 0);
        const c = parseStatComm(t);
        assert.ok(c === null || typeof c === 'string');
        assert.equal(parseComm(t + '\n'), t);
      }
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(mutated(unix), mutated(sockstat), fc.string(), (u, ss, any) => {
      const into = new Set<number>();
      parseOtherSocketInodes(u, into);
      parseOtherSocketInodes(any, into);
      for (const i of into) assert.ok(Number.isSafeInteger(i) && i >= 0);
      for (const t of [ss, any]) for (const n of Object.values(parseSockstat(t))) assert.ok(Number.isSafeInteger(n) && n >= 0, String(n));
    }),
    { numRuns: 300 },
  );
  // Absurdly long numbers are not counts.
  assert.ok(Object.values(parseSockstat(`TCP: inuse ${'9'.repeat(400)} tw 1`)).every((n) => Number.isSafeInteger(n)));
});
