// Short-lived connections: 100 sequential curl downloads of 200 kB from a local HTTP server,
// each connection living a few ms. At least 95% of the bytes must be credited to the curl
// processes (received) and to the server's pid (sent).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SKIP, killAll, track, exited, sleep, startBwtop, startTcpdump, stopTcpdump, tcpdumpPackets, tmp, waitFor } from './harness.js';

const PORT = 5311;
const BODY = 200_000;
const RUNS = 100;

afterEach(killAll);

const SERVER = `
const http = require('http');
const body = Buffer.alloc(${BODY}, 120);
http.createServer((q, s) => { s.setHeader('connection', 'close'); s.end(body); })
  .listen(${PORT}, '127.0.0.1', () => console.log('ready'));
`;

test(`${RUNS} sequential curl downloads: >= 95% of bytes credited to curl and the server`, { skip: SKIP, timeout: 120_000 }, async () => {
  const dir = tmp('bwtop-curl-');
  const pcap = join(dir, 'ref.pcap');
  const td = await startTcpdump(pcap, `tcp port ${PORT}`);
  const bw = await startBwtop(['-i', 'lo', '-d', '0.5']);
  const server = track(spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] }));
  await waitFor(server, 'stdout', /ready/);
  await sleep(1200); // let bwtop learn the listener's owner, as it would on a running host
  const curlPids = new Set<number>();
  for (let i = 0; i < RUNS; i++) {
    const c = spawn('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${PORT}/`], { stdio: 'ignore' });
    curlPids.add(c.pid!);
    assert.equal(await exited(c), 0);
  }
  await stopTcpdump(td);
  await sleep(1500);
  bw.child.kill('SIGTERM');
  assert.equal(await exited(bw.child), 0);
  server.kill();

  const pkts = tcpdumpPackets(pcap);
  const fromServer = pkts.filter((p) => p.sport === PORT).reduce((s, p) => s + p.len, 0);
  assert.ok(fromServer > RUNS * BODY, `tcpdump saw ${fromServer} bytes`);
  const last = bw.lines().at(-1)!;
  const curls = last.processes.filter((p) => curlPids.has(p.pid));
  const toCurl = curls.reduce((s, p) => s + p.received_total, 0);
  const sv = last.processes.find((p) => p.pid === server.pid);
  const share = (x: number): string => `${((100 * x) / fromServer).toFixed(1)}%`;
  assert.ok(toCurl >= 0.95 * fromServer, `curl processes credited ${share(toCurl)} (${curls.length} of ${RUNS} seen)`);
  assert.ok(sv && sv.sent_total >= 0.95 * fromServer, `server credited ${sv ? share(sv.sent_total) : 'nothing'}`);
  for (const p of curls) assert.equal(p.name, 'curl');
});
