// rtnetlink link notifications: the kernel's own messages (recorded live when root, else built as
// the kernel lays them out) decode to name, index and up/down; damaged ones are counted, never
// thrown on, whatever the bytes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { RTM_DELLINK, RTM_NEWLINK, parseLinkEvents } from '../../src/core/netlink/link-events.js';
import { watchLinks } from '../../src/adapters/link-watch.js';
import type { LinkEvent } from '../../src/core/netlink/link-events.js';

/** One RTM_*LINK message: nlmsghdr, ifinfomsg, IFLA_MTU, IFLA_IFNAME (NUL-terminated), as the kernel writes them. */
function linkMessage(type: number, index: number, flags: number, name: string): Buffer {
  const nameAttr = 4 + name.length + 1;
  const len = 16 + 16 + 8 + ((nameAttr + 3) & ~3);
  const b = Buffer.alloc(len);
  b.writeUInt32LE(len, 0);
  b.writeUInt16LE(type, 4);
  b.writeInt32LE(index, 16 + 4);
  b.writeUInt32LE(flags, 16 + 8);
  b.writeUInt16LE(8, 32); // IFLA_MTU first: the name is not always the first attribute
  b.writeUInt16LE(4, 34);
  b.writeUInt32LE(1500, 36);
  b.writeUInt16LE(nameAttr, 40);
  b.writeUInt16LE(3, 42);
  b.write(name, 44, 'latin1');
  return b;
}

test('new, changed and deleted links decode to name, index and up', () => {
  const two = Buffer.concat([linkMessage(RTM_NEWLINK, 7, 0x1003, 'veth0'), linkMessage(RTM_DELLINK, 8, 0x1002, 'eth1')]);
  assert.deepEqual(parseLinkEvents(two), {
    events: [
      { kind: 'new', index: 7, name: 'veth0', up: true },
      { kind: 'del', index: 8, name: 'eth1', up: false },
    ],
    malformed: 0,
  });
});

test('a cut message or one without a name is counted as malformed', () => {
  const m = linkMessage(RTM_NEWLINK, 7, 1, 'veth0');
  assert.deepEqual(parseLinkEvents(m.subarray(0, m.length - 4)), { events: [], malformed: 1 });
  const noName = Buffer.from(m.subarray(0, 40));
  noName.writeUInt32LE(40, 0);
  assert.deepEqual(parseLinkEvents(noName), { events: [], malformed: 1 });
});

test('random and mutated bytes: never throws, names are short and clean, counts are sane', () => {
  const real = Buffer.concat([linkMessage(RTM_NEWLINK, 3, 1, 'bwv1'), linkMessage(RTM_DELLINK, 4, 0, 'docker0')]);
  const check = (b: Buffer): void => {
    const r = parseLinkEvents(b);
    assert.ok(Number.isInteger(r.malformed) && r.malformed >= 0);
    for (const e of r.events) {
      assert.ok(e.name.length >= 1 && e.name.length <= 16 && !e.name.includes('\0'));
      assert.ok(Number.isInteger(e.index));
    }
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => check(Buffer.from(bytes))),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 10 }),
      fc.nat(real.length),
      (edits, cut) => {
        const b = Buffer.from(real);
        for (const [at, v] of edits) b[at] = v;
        check(b.subarray(0, cut));
      },
    ),
    { numRuns: 2000 },
  );
});

test('the kernel`s own notifications of a veth pair created, taken up and deleted', {
  skip: process.getuid?.() !== 0 && 'needs root',
}, async () => {
  const seen: LinkEvent[] = [];
  const w = watchLinks((ev) => seen.push(...ev));
  const name = `bwle${process.pid % 100000}`;
  try {
    const ip = (...a: string[]): void => void assert.equal(spawnSync('ip', a).status, 0, `ip ${a.join(' ')}`);
    ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`);
    ip('link', 'set', name, 'up');
    ip('link', 'del', name);
    for (let i = 0; i < 50 && !seen.some((e) => e.kind === 'del' && e.name === name); i++) await new Promise((r) => setTimeout(r, 20));
  } finally {
    w.close();
    spawnSync('ip', ['link', 'del', name], { stdio: 'ignore' });
  }
  const mine = seen.filter((e) => e.name === name);
  assert.deepEqual(mine[0], { ...mine[0], kind: 'new', up: false });
  assert.ok(mine.some((e) => e.kind === 'new' && e.up));
  assert.deepEqual(mine.at(-1), { ...mine.at(-1), kind: 'del' });
  assert.ok(
    seen.some((e) => e.kind === 'del' && e.name === `${name}p`),
    'the peer went with it',
  );
});
