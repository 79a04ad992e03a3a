// The proof rules for a flow whose socket vanished before a table read saw it, over event
// sequences as a live run records them (times in ms relative to the flow's first packet, the
// shapes taken from bwtop's own traces of curl among shell loops: curl forked and exec'd ~50 ms
// before its SYN, exiting 5-10 ms after; `sleep 1` children inheriting their shell's socket).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_SIGHT_MS, ProcessCensus, tieKey } from '../../src/core/engine/process-census.js';

const T = 1_000_000; // the flow's first packet
const KEY = 'tcp 127.0.0.1 41000 127.0.0.1 8080';
const PORT_KEY = tieKey('', 'tcp', 0, 41000);
const never = (): boolean => false;
const nothingInherited = (): boolean => false;

function census(): ProcessCensus {
  const c = new ProcessCensus();
  c.markOld(100); // the shell loop, there before bwtop
  return c;
}

test('the one young process that held a socket of its own after the flow began and let go of it', () => {
  const c = census();
  c.born(201, 100, T - 52); // curl: fork, then exec
  c.record(201, [9001], T + 1, nothingInherited);
  c.exited(201, T + 6);
  const { proven, fitting } = c.candidates(T, KEY, PORT_KEY, never);
  assert.deepEqual([...proven], []);
  assert.deepEqual([...fitting], [201]);
});

test("a child's inherited socket proves nothing: `sleep 1` under a shell loop", () => {
  const c = census();
  c.born(202, 100, T - 300); // sleep, holding the shell's connection (inode 7000)
  const unclassified = c.record(202, [7000], T + 1, (ino) => ino === 7000);
  assert.deepEqual(unclassified, []);
  c.exited(202, T + 700);
  assert.equal(c.candidates(T, KEY, PORT_KEY, never).fitting.size, 0);
});

test("a socket still held, or let go before the flow began, is not the flow's", () => {
  const c = census();
  c.born(203, 100, T - 80);
  c.record(203, [9100], T - 40, nothingInherited); // a DNS query's socket, closed before the SYN
  c.born(204, 100, T - 20);
  c.record(204, [9200], T + 1, nothingInherited); // still holding it
  const held = (pid: number, ino: number): boolean => pid === 204 && ino === 9200;
  assert.equal(c.candidates(T, KEY, PORT_KEY, held).fitting.size, 0);
});

test('born after the first packet, or gone before it: not alive when the flow began', () => {
  const c = census();
  c.born(205, 100, T + 8);
  c.record(205, [9300], T + 9, nothingInherited);
  c.exited(205, T + 12);
  c.born(206, 100, T - 90);
  c.record(206, [9400], T - 60, nothingInherited);
  c.exited(206, T - 45);
  assert.equal(c.candidates(T, KEY, PORT_KEY, never).fitting.size, 0);
});

test('unix and netlink sockets never own a TCP or UDP flow', () => {
  const c = census();
  c.born(207, 100, T - 30); // a short-lived tool talking netlink (ss) or to a unix socket (tmux)
  assert.deepEqual(c.record(207, [9500, 9501], T + 1, nothingInherited), [9500, 9501]);
  c.classifyNonInet([9500, 9501]);
  c.exited(207, T + 3);
  assert.equal(c.candidates(T, KEY, PORT_KEY, never).fitting.size, 0);
  // Seen again later: still ruled out, not recorded anew.
  c.born(208, 100, T - 30);
  assert.deepEqual(c.record(208, [9500], T + 1, nothingInherited), []);
});

test('a socket the tables tied to this flow proves its holder; one tied elsewhere rules it out', () => {
  const c = census();
  for (const pid of [210, 211, 212]) c.born(pid, 100, T - 50);
  c.record(210, [9600], T + 1, nothingInherited);
  c.record(211, [9601], T + 1, nothingInherited);
  c.record(212, [9602], T + 1, nothingInherited);
  c.tie(9600, KEY, T + 2); // the exact look-up at the SYN found this inode
  c.tie(9601, 'tcp 127.0.0.1 41001 127.0.0.1 8080', T + 2); // another curl's conversation
  for (const pid of [210, 211, 212]) c.exited(pid, T + 7);
  const { proven, fitting } = c.candidates(T, KEY, PORT_KEY, never);
  assert.deepEqual([...proven], [210]);
  assert.deepEqual([...fitting], [], "the flow's own socket is known: only its holder counts");
  // A flow whose socket was never tied: 210 and 211 are ruled out (tied elsewhere), 212 fits.
  const other = c.candidates(T, 'tcp 127.0.0.1 41002 127.0.0.1 8080', tieKey('', 'tcp', 0, 41002), never);
  assert.deepEqual([...other.proven], []);
  assert.deepEqual([...other.fitting], [212]);
  // An unconnected UDP socket on the flow's local port proves its holder too.
  const u = census();
  u.born(220, 100, T - 10);
  u.record(220, [9700], T + 1, nothingInherited);
  u.tie(9700, tieKey('udp 0.0.0.0 5353 0.0.0.0 0', 'udp', 0, 5353), T + 1);
  assert.deepEqual([...u.candidates(T, 'udp 127.0.0.1 5353 127.0.0.53 53', tieKey('', 'udp', 0, 5353), never).proven], [220]);
});

test('a socket first seen long after the flow began is not taken for its socket', () => {
  const c = census();
  c.born(250, 100, T - 500); // a young server accepting and closing its own clients' connections
  c.record(250, [9900], T + FIRST_SIGHT_MS + 5, nothingInherited);
  c.exited(250, T + 40);
  assert.equal(c.candidates(T, KEY, PORT_KEY, never).fitting.size, 0);
  c.born(251, 100, T - 500);
  c.record(251, [9901], T + FIRST_SIGHT_MS - 1, nothingInherited);
  c.exited(251, T + 40);
  assert.deepEqual([...c.candidates(T, KEY, PORT_KEY, never).fitting], [251]);
});

test('several that fit are all reported: the caller decides (program entry or unknown)', () => {
  const c = census();
  for (const pid of [230, 231, 232, 233]) {
    c.born(pid, 100 + pid, T - 40);
    c.record(pid, [9800 + pid], T + 2, nothingInherited);
    c.exited(pid, T + 9);
  }
  assert.deepEqual([...c.candidates(T, KEY, PORT_KEY, never).fitting].sort(), [230, 231, 232, 233]);
});

test('followed processes are forgotten after a while, and their pids are not young again', () => {
  const c = census();
  c.born(240, 100, T);
  assert.deepEqual([...c.alive(T + 100)], [240]);
  assert.deepEqual([...c.alive(T + 2500)], [], 'young for 2 s');
  c.prune(T + 11_000);
  assert.equal(c.isFollowed(240), false);
  assert.equal(c.isOld(240), true);
});

test('a socket the events` own reader saw, and its last sighting, prove like a read of descriptors', () => {
  const c = census();
  c.born(301, 100, T - 60); // the previous download: its socket last seen before the flow began
  c.gainedInet(301, 9501, T - 20, 0, 'tcp');
  c.letGo(301, 9501, T - 3);
  c.exited(301, T - 1); // within the clocks' skew of the flow's first packet
  c.born(302, 100, T - 12); // this flow's client: its socket first seen 5 ms before the first packet
  c.gainedInet(302, 9502, T - 5, 0, 'tcp');
  c.exited(302, T + 3);
  assert.deepEqual([...c.candidates(T, KEY, PORT_KEY, never).fitting], []); // not seen since: no proof
  c.letGo(302, 9502, T + 1.5); // the reader's last sighting, after the first packet
  assert.deepEqual([...c.candidates(T, KEY, PORT_KEY, never).fitting], [302]);
});

test('a socket the reader saw in another namespace fits only that namespace`s flows', () => {
  const c = census();
  c.born(303, 100, T - 30);
  c.gainedInet(303, 9503, T + 1, 4026532999, 'tcp');
  c.exited(303, T + 4);
  assert.deepEqual([...c.candidates(T, KEY, PORT_KEY, never).fitting], []);
  assert.deepEqual([...c.candidates(T, `4026532999|${KEY}`, `4026532999|${PORT_KEY}`, never, 4026532999).fitting], [303]);
});

test('a UDP socket the reader saw (a DNS query) never fits a TCP flow', () => {
  const c = census();
  c.born(304, 100, T - 30);
  c.gainedInet(304, 9504, T + 1, 0, 'udp');
  c.exited(304, T + 4);
  assert.deepEqual([...c.candidates(T, KEY, PORT_KEY, never, 0, 'tcp').fitting], []);
  assert.deepEqual([...c.candidates(T, KEY, PORT_KEY, never, 0, 'udp').fitting], [304]);
});
