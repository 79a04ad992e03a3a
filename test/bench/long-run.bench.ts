// Long runs: distinct short flows over time, and bwtop's resident memory while they come and go.
// In a network namespace of its own, a generator makes new flows at a steady rate — UDP datagrams
// each from a fresh socket, and short TCP connections from addresses spread over 127.0.0.0/8 (one
// address pair can be reused only after TIME_WAIT) — while bwtop --json -d 1 captures on its lo.
// Closed connections are forgotten 30 s after their last packet, so memory should level off after
// the first expiry cycle: the bench prints resident memory over time and checks that, from 45 s on,
// it stays within 10% of its level then. Default: 90 s at 1,700 flows/s (about 150,000 flows);
// BWTOP_LONG_RUN=full runs the 10 minutes and 1,000,000 flows.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FULL = process.env.BWTOP_LONG_RUN === 'full';
const SECONDS = FULL ? 600 : Number(process.env.BWTOP_LONG_RUN_S ?? 90);
const RATE = 1700; // new flows per second, half UDP, half TCP
const BASELINE_S = 45; // after the first expiry cycle (30 s idle) and a margin
const SAMPLE_S = 5;
const UDP_PORT = 7501;
const TCP_PORT = 7502;

// One process: a UDP and a TCP server, and the flows to them. Every 10 ms it opens `perTick` UDP
// sockets (one datagram each, then closed) and as many TCP connections (a request, the answer,
// closed), each pair from the next address of 127.1.0.1-127.128.255.255, so no address pair has to
// wait for its TIME_WAIT sockets to go. Prints totals each second.
const GENERATOR = `
const dgram = require('dgram'), net = require('net');
const udp = dgram.createSocket('udp4');
udp.bind(${UDP_PORT}, '127.0.0.1');
const srv = net.createServer((c) => { c.on('data', () => c.end('ok')); c.on('error', () => {}); });
srv.listen(${TCP_PORT}, '127.0.0.1', () => {
  let n = 0, udpFlows = 0, tcpFlows = 0, failed = 0;
  const perTick = ${RATE / 2 / 100};
  setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      n++;
      const from = '127.' + (1 + ((n >> 16) & 0x7f)) + '.' + ((n >> 8) & 0xff) + '.' + (1 + (n & 0xfe));
      const s = dgram.createSocket('udp4');
      s.on('error', () => { failed++; s.close(); });
      s.bind(0, from, () => s.send(Buffer.alloc(64), ${UDP_PORT}, '127.0.0.1', () => { udpFlows++; s.close(); }));
      const t = net.connect({ port: ${TCP_PORT}, host: '127.0.0.1', localAddress: from });
      t.on('connect', () => t.write('hi'));
      t.on('data', () => { tcpFlows++; t.end(); });
      t.on('error', () => { failed++; t.destroy(); });
    }
  }, 10);
  setInterval(() => console.log(JSON.stringify({ udpFlows, tcpFlows, failed })), 1000);
});`;

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

/** CPU seconds (user + system) the process has used. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function bench(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('skipped: capturing and making a namespace need root');
    return;
  }
  const ns = `bwtop-long-${process.pid}`;
  const bwtopJs = join(fileURLToPath(new URL('../../src/cli/main.js', import.meta.url)));
  const children: ChildProcess[] = [];
  ip('netns', 'add', ns);
  try {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    const inNs = (cmd: string, args: string[]): ChildProcess => {
      const c = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(c);
      return c;
    };
    const bw = inNs(process.execPath, [bwtopJs, '--json', '-i', 'lo', '-d', '1']);
    let lastLine = '';
    let partial = '';
    bw.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      if (lines.length > 0) lastLine = lines.at(-1)!;
    });
    await sleep(2000);
    const gen = inNs(process.execPath, ['-e', GENERATOR]);
    let counts = { udpFlows: 0, tcpFlows: 0, failed: 0 };
    gen.stdout!.on('data', (d: Buffer) => {
      const l = d.toString().trim().split('\n').at(-1);
      if (l) counts = JSON.parse(l) as typeof counts;
    });
    const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`${SECONDS} s at ${RATE} new flows/s${FULL ? '' : ' (BWTOP_LONG_RUN=full: 600 s, 1,000,000 flows)'}; load ${load()}`);
    console.log('   s     flows  bwtop RSS MB  bwtop CPU s  process rows  packets');
    const samples: Array<{ s: number; rss: number }> = [];
    for (let s = SAMPLE_S; s <= SECONDS; s += SAMPLE_S) {
      await sleep(SAMPLE_S * 1000);
      if (bw.exitCode !== null) throw new Error(`bwtop exited (${bw.exitCode}) after ${s} s`);
      const rss = rssMb(bw.pid!);
      const cpu = cpuSeconds(bw.pid!);
      samples.push({ s, rss });
      let procs = 0;
      let packets = 0;
      try {
        const j = JSON.parse(lastLine) as { processes: unknown[]; capture: { packets: number } };
        procs = j.processes.length;
        packets = j.capture.packets;
      } catch {
        // no line yet
      }
      const flows = counts.udpFlows + counts.tcpFlows;
      const cols = [String(s).padStart(4), String(flows).padStart(8), rss.toFixed(1).padStart(12), cpu.toFixed(1).padStart(11)];
      console.log(`${cols.join('  ')}  ${String(procs).padStart(12)}  ${packets}`);
    }
    const base = samples.find((x) => x.s >= BASELINE_S)!;
    const after = samples.filter((x) => x.s > base.s);
    const worst = after.reduce((m, x) => (Math.abs(x.rss - base.rss) > Math.abs(m.rss - base.rss) ? x : m), base);
    const off = (worst.rss - base.rss) / base.rss;
    const flows = counts.udpFlows + counts.tcpFlows;
    console.log(
      `flows made: ${flows} (${counts.udpFlows} UDP, ${counts.tcpFlows} TCP, ${counts.failed} failed connections); load ${load()}`,
    );
    const verdict = Math.abs(off) <= 0.1 ? 'OK' : 'FAIL';
    console.log(
      `memory after the first expiry cycle: ${base.rss.toFixed(1)} MB at ${base.s} s; furthest off ${(off * 100).toFixed(1)}% ` +
        `(${worst.rss.toFixed(1)} MB at ${worst.s} s); within 10%: ${verdict}`,
    );
    if (verdict !== 'OK') throw new Error('resident memory did not stay within 10% of its level after the first expiry cycle');
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await sleep(200);
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  }
}
