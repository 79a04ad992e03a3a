// Truth of "which process", side by side with nethogs on the same workloads (bwtop and
// `nethogs -t -v 2` capture lo at the same time, tcpdump is the byte reference), while 20 shell
// loops each hold a TCP connection and start a `sleep 1` every second:
// - 100 sequential curl downloads of 200 kB from a local HTTP server,
// - 4 loops of 40 curls side by side.
// Printed: the share of what the server sent that each tool credited to processes named curl (for
// bwtop: pids and program entries), to nameless rows and to other processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, exited, killAll, sleep, startBwtop, startTcpdump, stopTcpdump, tcpdumpPackets, tmp } from '../live/harness.js';
import { creditFor, endGroup, shellLoop, sinkServer, webServer, type Entry } from '../live/owners-harness.js';

const WEB = 5351;
const SINK = 5352;

/** nethogs' trace output: per refresh, "program/pid/uid<TAB>sent<TAB>received" (bytes with -v 2). */
function startNethogs(): { child: ChildProcess; totals: () => Map<string, { name: string; received: number }> } {
  const child = spawn('nethogs', ['-t', '-v', '2', '-d', '1', 'lo'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const seen = new Map<string, { name: string; received: number }>();
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      const m = /^(.*)\/(\d+)\/(\d+)\t([\d.]+)\t([\d.]+)$/.exec(l);
      if (!m) continue;
      const key = `${m[1]}/${m[2]}`;
      const received = Number(m[5]);
      const prev = seen.get(key);
      // Totals only grow; a row vanishes when its process exits, so keep the largest seen.
      if (!prev || received > prev.received) seen.set(key, { name: m[1]!.split('/').pop()!.split(' ')[0]!, received });
    }
  });
  return { child, totals: () => seen };
}

async function workload(name: string, clients: () => Promise<void>): Promise<void> {
  const dir = tmp('bwtop-bench-owners-');
  const pcap = join(dir, 'ref.pcap');
  const server = await webServer(WEB);
  const td = await startTcpdump(pcap, `tcp port ${WEB}`);
  const bw = await startBwtop(['-i', 'lo', '-d', '0.5', '--all-connections']);
  const nh = startNethogs();
  await sleep(1500);
  await clients();
  await stopTcpdump(td);
  await sleep(1500);
  bw.child.kill('SIGTERM');
  nh.child.kill('SIGTERM');
  await Promise.all([exited(bw.child), exited(nh.child)]);
  server.kill();
  const fromServer = tcpdumpPackets(pcap)
    .filter((p) => p.sport === WEB)
    .reduce((s, p) => s + p.len, 0);
  rmSync(dir, { recursive: true, force: true });
  if (fromServer === 0) throw new Error(`tcpdump saw nothing on port ${WEB}`);
  const c = creditFor(bw.lines().at(-1)!.processes as unknown as Entry[], WEB, server.pid!, 'curl');
  let nhCurl = 0;
  for (const v of nh.totals().values()) if (v.name === 'curl') nhCurl += v.received;
  const pct = (x: number): string => `${((100 * x) / fromServer).toFixed(1)}%`.padStart(7);
  process.stdout.write(
    `${name.padEnd(36)} curl: bwtop ${pct(c.toClients)} (pids ${pct(c.toClientPids).trim()}), nethogs ${pct(nhCurl)}; ` +
      `bwtop nameless ${pct(c.nameless).trim()}, ` +
      `other processes ${pct(c.wrong).trim()}${c.wrongNames.length ? ` (${c.wrongNames.join(', ')})` : ''}\n`,
  );
}

const curl = (): ChildProcess => spawn('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${WEB}/`], { stdio: 'ignore' });

export async function bench(): Promise<void> {
  if (!ROOT) {
    process.stdout.write('skipped: capturing needs root\n');
    return;
  }
  const sink = await sinkServer(SINK);
  const loops = Array.from({ length: 20 }, () => shellLoop(SINK));
  try {
    await sleep(1000);
    await workload('100 sequential curls, 20 shell loops', async () => {
      for (let i = 0; i < 100; i++) await exited(curl());
    });
    await workload('4 x 40 curls side by side, 20 loops', async () => {
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 40; i++) await exited(curl());
        }),
      );
    });
  } finally {
    for (const l of loops) endGroup(l);
    sink.kill();
    killAll();
  }
}
