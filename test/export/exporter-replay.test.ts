// `bwtop export --replay`: the recorded session's counters served over HTTP, exact, until
// SIGTERM (no capture, no root needed): a way to try a scrape config without a live host.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { killAll } from '../live/harness.js';
import { freePort, get, startExporter, stop } from './exporter-process.js';

afterEach(killAll);

const SESSION = fileURLToPath(new URL('../../../fixtures/session/loopback-web', import.meta.url));

test("a replayed capture's program counters are served until SIGTERM", { timeout: 30_000 }, async () => {
  const listen = `127.0.0.1:${await freePort()}`;
  const e = await startExporter(listen, ['--replay', join(SESSION, 'capture.pcap'), '--proc-root', join(SESSION, 'proc')]);
  get(`${e.base}/metrics`); // new series are first scraped at 0
  const page = get(`${e.base}/metrics?from=replay`).body;
  // The session's totals, as the replay tests established them from the capture with tcpdump.
  assert.match(page, /^bwtop_program_sent_bytes_total\{program="web-srv",user="root",container=""\} 361088$/m);
  assert.match(page, /^bwtop_program_received_bytes_total\{program="up-srv",user="nobody",container=""\} 200476$/m);
  assert.match(page, /^bwtop_unknown_received_bytes_total\{proto="tcp"\} 60362$/m);
  const conns = get(`${e.base}/connections`);
  assert.deepEqual([conns.status, conns.body], [404, 'a replayed capture has no live socket tables\n']);
  assert.equal(await stop(e, 'SIGTERM'), 0);
});
