// /connections from the exporter's live tables: a process that opens 5,000 loopback connections
// (10,001 sockets with the listener) after the exporter started, in a namespace of the test's
// own; every TCP socket `ss -tanp` shows for it is listed with its pid and the namespace's inode;
// once it is killed, every TIME-WAIT socket `ss -tan` shows is listed by ?state=time-wait. (Its
// speed is measured by `npm run bench`, test/bench/export-connections.bench.ts, not asserted here.)
import { readlinkSync } from 'node:fs';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP, createNetns, killAll, sleep } from '../live/harness.js';
import { get, startExporter, stop } from './exporter-process.js';
import { holdConnections, rowsOf, ssTcpOf, ssTimeWait, type ConnectionRow } from './socket-holder.js';

type Listed = ConnectionRow & { netns: number | null; container: string | null };

afterEach(killAll);

const CONNECTIONS = 5000;

test('/connections lists every socket ss shows for a process holding 5,000 connections', { skip: SKIP, timeout: 120_000 }, async (t) => {
  const ns = createNetns('bwtop-conns');
  t.after(ns.remove);
  const e = await startExporter('127.0.0.1:9816', ['-i', 'lo'], ns);
  const holder = await holdConnections(CONNECTIONS, ns);
  const expected = ssTcpOf(holder.pid, ns).sort();
  assert.equal(expected.length, 2 * CONNECTIONS + 1, "ss shows the holder's sockets");
  let listed: string[] = [];
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    listed = rowsOf(get('http://127.0.0.1:9816/connections', ns).body, holder.pid).sort();
    if (listed.length >= expected.length) break;
    await sleep(500);
  }
  const have = new Set(listed);
  const missing = expected.filter((k) => !have.has(k));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${expected.length} sockets missing`);
  assert.deepEqual(listed, expected);
  const listening = rowsOf(get('http://127.0.0.1:9816/connections?listening', ns).body, holder.pid);
  assert.deepEqual(listening, [`127.0.0.1:${holder.port} 0.0.0.0:0`]);

  // Every row of ?netns=self names the namespace it lives in (the exporter's own: no container name).
  const netns = Number(/\d+/.exec(readlinkSync(`/proc/${holder.pid}/ns/net`))![0]);
  const rows = JSON.parse(get('http://127.0.0.1:9816/connections?all&netns=self', ns).body) as Array<
    ConnectionRow & Record<string, unknown>
  >;
  assert.deepEqual(new Set(rows.map((r) => `${r.netns} ${r.container}`)), new Set([`${netns} null`]));

  // Killed, the holder leaves one TIME-WAIT socket per connection (the end that closed first);
  // curl's requests leave theirs too, on the exporter's port.
  holder.child.kill('SIGKILL');
  const port = `127.0.0.1:${holder.port}`;
  const holders = (keys: string[]) => keys.filter((k) => k.split(' ').includes(port)).sort();
  let waiting: string[] = [];
  for (const until = Date.now() + 10_000; Date.now() < until && waiting.length < CONNECTIONS; await sleep(200)) {
    waiting = holders(ssTimeWait(ns));
  }
  assert.equal(waiting.length, CONNECTIONS, 'ss shows a TIME-WAIT socket per connection');
  let listedWaiting: string[] = [];
  let timeWait: ConnectionRow[] = [];
  for (const until = Date.now() + 20_000; Date.now() < until && listedWaiting.length < CONNECTIONS; await sleep(500)) {
    timeWait = JSON.parse(get('http://127.0.0.1:9816/connections?state=time-wait&netns=self', ns).body) as ConnectionRow[];
    listedWaiting = holders(timeWait.map((r) => `${r.local} ${r.remote}`));
  }
  assert.deepEqual(listedWaiting, waiting);
  assert.ok(timeWait.every((r) => r.state === 'TIME_WAIT' && r.processes.length === 0));
  assert.equal(await stop(e), 0);
});

test("/connections lists another namespace's sockets as `ip netns exec NS ss -tanp` shows them; ?netns=self leaves them out", {
  skip: SKIP,
  timeout: 60_000,
}, async (t) => {
  const ns = createNetns('bwtop-conns-other');
  t.after(ns.remove);
  // The exporter in the host's namespace; the holder's connections run over the other one's
  // loopback, which no capture sees: only the tables and descriptors tell of them.
  const e = await startExporter('127.0.0.1:9818', ['-i', 'lo']);
  const holder = await holdConnections(200, ns);
  const expected = ssTcpOf(holder.pid, ns).sort();
  assert.equal(expected.length, 401, "ss shows the holder's sockets");
  const inode = Number(/\d+/.exec(readlinkSync(`/proc/${holder.pid}/ns/net`))![0]);
  const url = 'http://127.0.0.1:9818/connections';
  let rows: Listed[] = [];
  for (const until = Date.now() + 45_000; Date.now() < until; await sleep(500)) {
    rows = (JSON.parse(get(url).body) as Listed[]).filter((r) => r.processes.some((p) => p.pid === holder.pid));
    if (rows.length >= expected.length) break;
  }
  assert.deepEqual(rows.map((r) => `${r.local} ${r.remote}`).sort(), expected);
  assert.deepEqual(
    new Set(rows.map((r) => `${r.proto} ${r.netns} ${r.container} ${r.processes.map((p) => `${p.pid} ${p.name}`)}`)),
    new Set([`tcp ${inode} ${ns.name} ${holder.pid} python3`]),
  );
  const answer = get(url);
  const ages = answer.headers['x-bwtop-netns-tables-age-ms']!;
  assert.match(ages, new RegExp(`(^|, )${inode}=\\d+(,|$)`), 'the namespace has its own age');
  assert.equal(Number(answer.headers['x-bwtop-tables-age-ms']), Math.max(...ages.split(', ').map((a) => Number(a.split('=')[1]))));
  const own = JSON.parse(get(`${url}?netns=self`).body) as Listed[];
  assert.ok(own.length > 0, "the exporter's own namespace has sockets (its listener)");
  assert.deepEqual(
    own.filter((r) => r.netns !== own[0]!.netns || r.processes.some((p) => p.pid === holder.pid)),
    [],
  );
  assert.notEqual(own[0]!.netns, inode);
  assert.equal(await stop(e), 0);
});
