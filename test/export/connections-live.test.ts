// /connections from the exporter's live tables: a process that opens 5,000 loopback connections
// (10,001 sockets with the listener) after the exporter started, in a namespace of the test's
// own; every TCP socket `ss -tanp` shows for it is listed with its pid. (Its speed is measured by
// `npm run bench`, test/bench/export-connections.bench.ts, not asserted here.)
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP, createNetns, killAll, sleep } from '../live/harness.js';
import { get, startExporter, stop } from './exporter-process.js';
import { holdConnections, rowsOf, ssTcpOf } from './socket-holder.js';

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
  assert.equal(await stop(e), 0);
});
