// GET /connections from `bwtop export` against the one-shot `bwtop connections --json`, same
// sockets, side by side: in a namespace of its own, one process holds 5,000 loopback connections
// (both ends, plus the listener: 10,001 sockets); the exporter answers from the tables it keeps,
// the command starts Node.js and reads /proc every time. Times: curl's total request time, and
// the command's whole-process wall time, alternating so background load hits both alike. The
// timed requests throw the body away (-o /dev/null): curl writing 3 MB into a pipe for this
// process to read would time this process, not the exporter.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BWTOP, createNetns, inNs, killAll, sleep, type Netns } from '../live/harness.js';
import { get, startExporter, stop } from '../export/exporter-process.js';
import { holdConnections, rowsOf, ssTcpOf } from '../export/socket-holder.js';

const CONNECTIONS = 5000;
const RUNS = 15;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[(s.length >> 1) - 1]! + s[s.length >> 1]!) / 2;
};

/** One request whose body is thrown away: curl's total time and the server-timing header. */
function timed(url: string, ns: Netns): { ms: number; timing: string } {
  const [cmd, args] = inNs(ns, 'curl', ['-s', '-o', '/dev/null', '-D', '-', '-w', '%{time_total}', '--max-time', '30', url]);
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`curl ${url} failed (${r.status}): ${r.stderr}`);
  const cut = r.stdout.lastIndexOf('\n');
  const timing = /^server-timing: *(.*)$/im.exec(r.stdout.slice(0, cut))?.[1] ?? '';
  return { ms: Number(r.stdout.slice(cut + 1)) * 1000, timing };
}

/** The share of the last 10 s in which some runnable task waited for a CPU (Linux PSI). */
function cpuPressure(): string {
  try {
    return `${/avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))![1]}%`;
  } catch {
    return 'unknown';
  }
}

export async function bench(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('skipped: needs root (network namespace, capture)');
    return;
  }
  const ns = createNetns('bwtop-bench-export');
  try {
    const e = await startExporter('127.0.0.1:9816', ['-i', 'lo'], ns);
    const holder = await holdConnections(CONNECTIONS, ns);
    const expected = ssTcpOf(holder.pid, ns).length;
    let listed = 0;
    let bytes = 0;
    for (let i = 0; i < 40 && listed < expected; i++) {
      await sleep(250);
      const body = get('http://127.0.0.1:9816/connections', ns).body;
      listed = rowsOf(body, holder.pid).length;
      bytes = body.length;
    }
    const pressureBefore = cpuPressure();
    // An answer is built at the first request after the tables change (each refresh), and kept
    // for the same query until then: two requests in a row time both kinds.
    const served: number[] = [];
    const servedKept: number[] = [];
    const built: number[] = [];
    const oneShot: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (let k = 0; k < 2; k++) {
        const a = timed('http://127.0.0.1:9816/connections', ns);
        const [, how, dur] = /^(\w+);dur=([\d.]+)/.exec(a.timing) ?? [];
        if (how === 'kept') servedKept.push(a.ms);
        else {
          served.push(a.ms);
          built.push(Number(dur));
        }
      }
      const [cmd, args] = inNs(ns, process.execPath, [BWTOP, 'connections', '--json']);
      const t0 = performance.now();
      const r = spawnSync(cmd, args, { maxBuffer: 1 << 28 });
      oneShot.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`bwtop connections failed: ${r.stderr.toString()}`);
    }
    const row = (name: string, ms: number): string => `${name.padEnd(44)}${ms.toFixed(1).padStart(9)} ms`;
    console.log(`${CONNECTIONS} loopback connections + listener held by one process (${expected} sockets per ss -tanp)`);
    console.log(
      `median of ${RUNS} alternating runs (${(bytes / 1e6).toFixed(1)} MB of JSON); ` +
        `CPU pressure (some, avg10) ${pressureBefore} before, ${cpuPressure()} after:`,
    );
    console.log(row(`GET /connections, answer built (${served.length} runs)`, median(served)));
    console.log(row('  slowest built answer', Math.max(...served)));
    console.log(row('  of which building the answer (server-timing)', median(built)));
    if (servedKept.length > 0) {
      console.log(row(`GET /connections, answer kept (${servedKept.length} runs)`, median(servedKept)));
      console.log(row('  slowest kept answer', Math.max(...servedKept)));
    }
    console.log(row('bwtop connections --json (whole process)', median(oneShot)));
    const slowest = Math.max(...served, ...servedKept);
    console.log(`ratio served / one-shot: ${(median(served) / median(oneShot)).toFixed(2)}   (goal: every /connections < 50 ms)`);
    if (slowest >= 50) console.log(`OVER: the slowest answer took ${slowest.toFixed(1)} ms`);
    console.log(`ss shows ${expected} sockets of the holder; /connections lists ${listed} with its pid`);
    if (listed !== expected) {
      process.exitCode = 1;
      console.log(`FAIL: /connections misses ${expected - listed} of the holder's sockets`);
    }
    holder.child.kill('SIGTERM');
    await stop(e);
  } finally {
    killAll();
    await sleep(100);
    ns.remove();
  }
}
