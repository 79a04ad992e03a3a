// Exact owners, live, with bwtop in the host's namespaces (the kernel sends process events only
// there) capturing on lo, while 20 shell loops each hold a TCP connection and start a `sleep 1`
// every second. tcpdump is the byte reference. The goals: >= 99% of what the server sent to
// processes named curl and to the server's pid, <= 0.5% on nameless rows or other processes.
// Measured here (2 cores): 99-100% to curl sequentially, 98-99% side by side (a curl's connection
// lives 1-2 ms; the process events thread reads each new program's descriptors from its exec on,
// src/native/young_sockets.c; without it 81-96% and 90-98%), 100% to the server, 0 to nameless
// rows and to other processes. The curl shares are asserted with a margin for slower or busier
// machines; nameless and wrong owners at the goal: a missed curl is unknown, never someone else's.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SKIP, exited, killAll, sleep, startBwtop, startTcpdump, stopTcpdump, tcpdumpPackets, tmp } from './harness.js';
import { creditFor, endGroup, shellLoop, sinkServer, webServer, type Entry } from './owners-harness.js';

const WEB = 5331;
const SINK = 5332;
const LOOPS = 20;

afterEach(killAll);

let loops: ReturnType<typeof shellLoop>[] = [];
let dir = '';
before(async () => {
  if (SKIP) return;
  dir = tmp('bwtop-owners-');
  await sinkServer(SINK);
  loops = Array.from({ length: LOOPS }, () => shellLoop(SINK));
  await sleep(500);
});
after(() => {
  for (const l of loops) endGroup(l);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function measure(t: { diagnostic(s: string): void }, clients: () => Promise<void>) {
  const pcap = join(dir, `ref-${Date.now()}.pcap`);
  const server = await webServer(WEB);
  const td = await startTcpdump(pcap, `tcp port ${WEB}`);
  const bw = await startBwtop(['-i', 'lo', '-d', '0.5', '--all-connections']);
  await sleep(1200); // let bwtop learn the listener's owner, as it would on a running host
  await clients();
  await stopTcpdump(td);
  await sleep(1500);
  bw.child.kill('SIGTERM');
  assert.equal(await exited(bw.child), 0);
  server.kill();
  const fromServer = tcpdumpPackets(pcap)
    .filter((p) => p.sport === WEB)
    .reduce((s, p) => s + p.len, 0);
  rmSync(pcap, { force: true });
  const last = bw.lines().at(-1)! as unknown as { processes: Entry[]; ownership: { mode: string } };
  assert.equal(last.ownership.mode, 'events', 'process events were used');
  const c = creditFor(last.processes, WEB, server.pid!, 'curl');
  const pct = (x: number): string => `${((100 * x) / fromServer).toFixed(2)}%`;
  t.diagnostic(
    `curl ${pct(c.toClients)} (pids ${pct(c.toClientPids)}), server ${pct(c.serverSent)}, ` +
      `nameless ${pct(c.nameless)}, other ${pct(c.wrong)} ${c.wrongNames.join(',')}`,
  );
  return { c, fromServer, pct };
}

const curl = (): ReturnType<typeof spawn> => spawn('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${WEB}/`], { stdio: 'ignore' });

test('100 sequential curls among 20 shell loops: credited to curl and to the server, nothing to others', {
  skip: SKIP,
  timeout: 120_000,
}, async (t) => {
  const { c, fromServer, pct } = await measure(t, async () => {
    for (let i = 0; i < 100; i++) assert.equal(await exited(curl()), 0);
  });
  assert.ok(fromServer > 100 * 200_000);
  assert.ok(c.toClients >= 0.9 * fromServer, `curl got ${pct(c.toClients)}`);
  assert.ok(c.serverSent >= 0.97 * fromServer, `server got ${pct(c.serverSent)}`);
  assert.ok(c.nameless <= 0.005 * fromServer, `nameless rows got ${pct(c.nameless)}`);
  assert.ok(c.wrong <= 0.005 * fromServer, `other processes got ${pct(c.wrong)}: ${c.wrongNames.join(', ')}`);
});

test('4 loops of 40 curls side by side: credited to curl (pids or the program), nothing to others', {
  skip: SKIP,
  timeout: 120_000,
}, async (t) => {
  const { c, fromServer, pct } = await measure(t, async () => {
    // tcpdump is the reference, so a curl that fails under load changes nothing measured.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 40; i++) await exited(curl());
      }),
    );
  });
  assert.ok(c.toClients >= 0.9 * fromServer, `curl got ${pct(c.toClients)}`);
  assert.ok(c.nameless <= 0.005 * fromServer, `nameless rows got ${pct(c.nameless)}`);
  assert.ok(c.wrong <= 0.005 * fromServer, `other processes got ${pct(c.wrong)}: ${c.wrongNames.join(', ')}`);
});

test('a shell loop holding a connection is credited to the shell, also after pid numbers wrap', {
  skip: SKIP,
  timeout: 60_000,
}, async () => {
  const PORT = 5333;
  const sink = await sinkServer(PORT);
  const bw = await startBwtop(['-i', 'lo', '-d', '0.5', '--all-connections']);
  await sleep(800);
  // The shell gets a high pid; its sleep children get lower ones once the pid counter wraps.
  const lastPid = '/proc/sys/kernel/ns_last_pid';
  const saved = readFileSync(lastPid, 'utf8');
  const max = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  let shell: ReturnType<typeof shellLoop>;
  try {
    writeFileSync(lastPid, String(max - 40));
    shell = shellLoop(PORT);
  } finally {
    writeFileSync(lastPid, saved.trim());
  }
  await sleep(4500);
  const ss = spawnSync('ss', ['-tnH', 'state', 'established', `dport = :${PORT}`], { encoding: 'utf8' }).stdout;
  bw.child.kill('SIGTERM');
  assert.equal(await exited(bw.child), 0);
  endGroup(shell);
  sink.kill();
  const last = bw.lines().at(-1)! as unknown as { processes: Entry[] };
  assert.ok(shell.pid! > max - 50, `the shell got pid ${shell.pid}`);
  const holders = last.processes.filter((p) => p.connections.some((cn) => cn.remote.endsWith(`:${PORT}`) && cn.sent_total > 0));
  assert.deepEqual(
    holders.map((p) => [p.pid, p.name]),
    [[shell.pid, 'bash']],
    'only the shell is credited',
  );
  const conn = holders[0]!.connections.find((cn) => cn.remote.endsWith(`:${PORT}`))! as Entry['connections'][number] & { state: string };
  // At least 3 writes of "x\n" (2 bytes, 20 of IP, 32 of TCP with timestamps) in 4.5 s.
  assert.ok(conn.sent_total >= 3 * 54, `${conn.sent_total} bytes`);
  // Never shown CLOSED while ss lists it established.
  assert.match(ss, new RegExp(`${conn.local.replace(/[.[\]]/g, '\\$&')}\\s+127\\.0\\.0\\.1:${PORT}`));
  assert.equal(conn.state, 'ESTABLISHED');
});
