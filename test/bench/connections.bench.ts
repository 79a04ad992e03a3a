// `bwtop connections --json` against `ss -tanp`, whole-process wall time, side by side: one helper
// process holds 5,000 loopback TCP connections (both ends) plus their listener, 10,001 sockets;
// then 10,000 connections, held by two such helpers (20,002 sockets: one process holding both
// ends of 10,000 needs more than the 20,000 descriptors a process may have here, and raising that
// limit needs CAP_SYS_RESOURCE). The commands run alternately so background load hits all alike.
// Also checks that every socket ss shows for a helper appears in our output with its pid.
// BWTOP_BENCH_BASELINE=/path/to/another/build/dist/src/cli/main.js times that build too, in the
// same alternation (a before/after of a change on a busy machine).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Holder, holdConnections, listedSocketsOf, ssSocketsOf } from '../connections/hold-connections.js';

/** Connections in all, and how many helpers hold them (each both ends of its share). */
const SIZES = [
  { connections: 5000, holders: 1 },
  { connections: 10000, holders: 2 },
];
const RUNS = 15;
const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Timed {
  ms: number;
  stdout: Buffer;
}

/** Wall time of one whole process, its output collected raw (decoding it is not its cost). */
function timeRun(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, env });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return { ms, stdout: r.stdout };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function bench(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("skipped: needs root (ss -p and bwtop must see every process's descriptors)");
    return;
  }
  if (!existsSync(main)) {
    console.log(`skipped: ${main} is not built (npm run build)`);
    return;
  }
  for (const { connections, holders } of SIZES) await measure(connections, holders);
}

async function measure(connections: number, holders: number): Promise<void> {
  const baseline = process.env.BWTOP_BENCH_BASELINE;
  const helpers: Holder[] = [];
  const stop = () => {
    for (const h of helpers) h.stop();
  };
  try {
    for (let i = 0; i < holders; i++) helpers.push(await holdConnections(connections / holders));
    // NODE_EXTRA_CA_CERTS makes every node process load a CA bundle at start (tens of ms, before
    // any of our code runs): when it is set, also time a run without it, as most hosts have it.
    const caEnv = process.env.NODE_EXTRA_CA_CERTS !== undefined;
    const bare = { ...process.env };
    delete bare.NODE_EXTRA_CA_CERTS;
    const ours: number[] = [];
    const oursBare: number[] = [];
    const theirs: number[] = [];
    const viaText: number[] = [];
    const startup: number[] = [];
    const before: number[] = [];
    const beforeBare: number[] = [];
    let lastOurs: Buffer = Buffer.alloc(0);
    let lastSs: Buffer = Buffer.alloc(0);
    for (let i = 0; i < RUNS; i++) {
      const a = timeRun(process.execPath, [main, 'connections', '--json']);
      const b = timeRun('ss', ['-tanp']);
      if (caEnv) oursBare.push(timeRun(process.execPath, [main, 'connections', '--json'], bare).ms);
      startup.push(timeRun(process.execPath, ['-e', '0']).ms);
      viaText.push(timeRun(process.execPath, [main, 'connections', '--json', '--proc-root', '/proc']).ms);
      if (baseline !== undefined) {
        before.push(timeRun(process.execPath, [baseline, 'connections', '--json']).ms);
        if (caEnv) beforeBare.push(timeRun(process.execPath, [baseline, 'connections', '--json'], bare).ms);
      }
      ours.push(a.ms);
      theirs.push(b.ms);
      lastOurs = a.stdout;
      lastSs = b.stdout;
    }

    // Completeness: every socket ss shows for a helper is in our output with the helper's pid.
    const pids = helpers.map((h) => h.pid);
    let listed = 0;
    const expected: string[] = [];
    const missing: string[] = [];
    for (const pid of pids) {
      const mine = listedSocketsOf(lastOurs.toString('utf8'), pid);
      const theirs = ssSocketsOf(lastSs.toString('utf8'), pid);
      listed += mine.size;
      expected.push(...theirs);
      missing.push(...theirs.filter((k) => !mine.has(k)));
    }

    const mOurs = median(ours);
    const mSs = median(theirs);
    const row = (name: string, ms: number) => `${name.padEnd(34)}${ms.toFixed(1).padStart(9)} ms`;
    const sockets = 2 * connections + holders;
    console.log(`\n${connections} loopback connections and ${holders} listener(s) held by pid ${pids.join(', ')} (${sockets} sockets)`);
    console.log(`median wall time of ${RUNS} alternating runs, output to a pipe:`);
    console.log(row('ss -tanp', mSs));
    console.log(row('bwtop connections --json', mOurs));
    if (caEnv) console.log(row('  same, NODE_EXTRA_CA_CERTS unset', median(oursBare)));
    console.log(row('  same, /proc/net text (--proc-root)', median(viaText)));
    console.log(row('(node -e 0, start-up alone)', median(startup)));
    if (baseline !== undefined) {
      console.log(row('baseline build', median(before)));
      if (caEnv) console.log(row('  same, NODE_EXTRA_CA_CERTS unset', median(beforeBare)));
    }
    console.log(`ratio bwtop / ss: ${(mOurs / mSs).toFixed(2)}   (goal <= 1.0, aim 0.5)`);
    if (caEnv) console.log(`ratio with NODE_EXTRA_CA_CERTS unset: ${(median(oursBare) / mSs).toFixed(2)}`);
    if (baseline !== undefined) {
      console.log(`baseline build's ratio: ${(median(before) / mSs).toFixed(2)}`);
      if (caEnv) console.log(`baseline build's ratio with NODE_EXTRA_CA_CERTS unset: ${(median(beforeBare) / mSs).toFixed(2)}`);
    }
    console.log(
      `ss shows ${expected.length} sockets for pid ${pids.join(', ')}; bwtop lists ${listed} with those pids; ` +
        `missing from bwtop: ${missing.length}${missing.length ? ` (e.g. ${missing.slice(0, 3).join(', ')})` : ''}`,
    );
    if (missing.length > 0 || expected.length !== sockets) {
      process.exitCode = 1;
      console.log(`FAIL: expected ${sockets} helper sockets from ss and none missing from bwtop`);
    }
  } finally {
    stop();
  }
}
