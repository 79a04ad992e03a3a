// The exporter's page for the recorded loopback session: exact per-program counters, host
// totals, the unknown bucket, no pid label unless asked, and label escaping (by prom-client)
// that a hostile process name cannot break out of.
import { keepSnapshot } from '../../src/core/snapshot-copy.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { run, type Sink } from '../../src/cli/app.js';
import { parseLiveArgs } from '../../src/cli/args.js';
import { realDeps } from '../../src/cli/real-deps.js';
import { ExportMetrics } from '../../src/cli/export-metrics.js';
import type { Snapshot } from '../../src/core/model.js';
import { emptySnapshot, processStats } from './snapshots.js';

const SESSION = fileURLToPath(new URL('../../../fixtures/session/loopback-web', import.meta.url));

async function sessionSnapshots(): Promise<Snapshot[]> {
  const snaps: Snapshot[] = [];
  const sink: Sink = { update: (s) => snaps.push(keepSnapshot(s)), holdAfterReplay: false, close() {} };
  const proc = join(SESSION, 'proc');
  await run(realDeps(proc), parseLiveArgs(['--replay', join(SESSION, 'capture.pcap'), '--proc-root', proc], 'live'), sink);
  return snaps;
}

function samples(page: string, name: string): string[] {
  return page.split('\n').filter((l) => l.startsWith(name + '{') || l.startsWith(name + ' '));
}

test('the page carries every program counter, host totals and the unknown bucket of the session', async () => {
  const m = new ExportMetrics('9.9.9', false);
  const snaps = await sessionSnapshots();
  for (const s of snaps) m.update(s);
  await m.page(); // a first scrape sees new series at 0 (see the next test)
  const page = await m.page();
  // Totals per program, as the replay tests established from the capture with tcpdump.
  assert.ok(
    samples(page, 'bwtop_program_sent_bytes_total').includes(
      'bwtop_program_sent_bytes_total{program="web-srv",user="root",container=""} 361088',
    ),
  );
  assert.ok(
    samples(page, 'bwtop_program_received_bytes_total').includes(
      'bwtop_program_received_bytes_total{program="up-srv",user="nobody",container=""} 200476',
    ),
  );
  assert.ok(page.includes('bwtop_unknown_received_bytes_total{proto="tcp"} 60362\n'));
  const last = snaps.at(-1)!;
  assert.ok(page.includes(`\nbwtop_sent_bytes_total ${last.totals.sentTotal}\n`));
  assert.ok(page.includes(`\nbwtop_received_bytes_total ${last.totals.receivedTotal}\n`));
  assert.ok(page.includes(`\nbwtop_capture_packets_total ${last.capture.packets}\n`));
  // A replay on one host's loopback: no address translation, the series is there at 0.
  assert.ok(page.includes('\nbwtop_nat_copy_sent_bytes_total 0\n'));
  // One interface: its bytes are the host's.
  const iface = last.capture.interfaces[0]!;
  assert.ok(page.includes(`\nbwtop_interface_sent_bytes_total{interface="${iface}"} ${last.totals.sentTotal}\n`), page);
  assert.ok(page.includes(`\nbwtop_interface_received_bytes_total{interface="${iface}"} ${last.totals.receivedTotal}\n`));
  assert.ok(page.includes('bwtop_build_info{version="9.9.9",nodejs="' + process.version + '"} 1\n'));
  assert.ok(page.includes('\nprocess_cpu_user_seconds_total '), 'prom-client default metrics');
  // The programs' counters add up to what the processes of the session sent in all.
  const perProgram = samples(page, 'bwtop_program_sent_bytes_total').map((l) => Number(l.split(' ').at(-1)));
  const perProcess = last.processes.reduce((n, p) => n + p.sentTotal, 0);
  assert.equal(
    perProgram.reduce((a, b) => a + b, 0),
    perProcess,
  );
  assert.ok(!/\bpid="/.test(page), 'no pid label without --per-pid');
  assert.equal(samples(page, 'bwtop_process_sent_bytes_total').length, 0);
});

test('a new program is first scraped at 0, then with its bytes, so rate() and increase() see them all', async () => {
  const m = new ExportMetrics('1', false);
  const line = (v: number): string => `bwtop_program_sent_bytes_total{program="cron-job",user="root",container=""} ${v}`;
  m.update(emptySnapshot(1000, [processStats({ pid: 9, name: 'cron-job', sent: 4000, exitedAtMs: 1000 })]));
  assert.ok((await m.page()).includes(line(0) + '\n'));
  assert.ok((await m.page()).includes(line(4000) + '\n'));
  m.update(emptySnapshot(2000, [processStats({ pid: 10, name: 'cron-job', sent: 50 })]));
  assert.ok((await m.page()).includes(line(4050) + '\n'), 'a known series takes its bytes at once');
});

test('--per-pid adds series labelled by pid, removed five minutes after the process exits', () => {
  const m = new ExportMetrics('1', true);
  const t0 = 1_000_000;
  const p = processStats({ pid: 41, name: 'job', sent: 500, received: 70 });
  m.update(emptySnapshot(t0, [p]));
  m.update(emptySnapshot(t0 + 1000, [{ ...p, sent: 100, received: 0, exitedAtMs: t0 + 1000 }]));
  return (async () => {
    await m.page();
    let page = await m.page();
    assert.ok(page.includes('bwtop_process_sent_bytes_total{pid="41",program="job",user="root",container=""} 600\n'));
    m.update(emptySnapshot(t0 + 1000 + 5 * 60_000 - 1, []));
    page = await m.page();
    assert.ok(page.includes('bwtop_process_sent_bytes_total{pid="41"'));
    m.update(emptySnapshot(t0 + 1000 + 5 * 60_000, []));
    page = await m.page();
    assert.ok(!page.includes('bwtop_process_sent_bytes_total{pid="41"'), 'removed after five minutes');
    // The program's series stays (an hour idle), with every byte.
    assert.ok(page.includes('bwtop_program_sent_bytes_total{program="job",user="root",container=""} 600\n'));
    m.update(emptySnapshot(t0 + 1000 + 60 * 60_000, []));
    assert.ok(!(await m.page()).includes('program="job"'), 'removed after an hour idle');
  })();
});

test('event-loop delays are sampled once a second and read without that second', async () => {
  const m = new ExportMetrics('1', false);
  await new Promise((r) => setTimeout(r, 2300)); // two samples of an idle loop
  const page = await m.page();
  const p50 = Number(/^nodejs_eventloop_lag_p50_seconds (\S+)$/m.exec(page)?.[1]);
  // Uncorrected it would read the sampling interval itself, 1 s or more.
  assert.ok(p50 >= 0 && p50 < 0.9, `p50 ${p50}`);
  assert.doesNotMatch(page, /^nodejs_eventloop_lag_\w+_seconds (NaN|\d{4,})/m);
});

test('label values are escaped by the library so a hostile name cannot forge a series', async () => {
  const m = new ExportMetrics('1', true);
  const evil = 'x"} 1\nbwtop_program_sent_bytes_total{program="forged\\';
  m.update(emptySnapshot(1000, [processStats({ pid: 7, name: evil, user: 'ro"ot\n', container: 'c\\"', sent: 5 })]));
  await m.page();
  const page = await m.page();
  const lines = samples(page, 'bwtop_program_sent_bytes_total');
  assert.deepEqual(lines, [
    'bwtop_program_sent_bytes_total{program="x\\"} 1\\n' +
      'bwtop_program_sent_bytes_total{program=\\"forged\\\\",user="ro\\"ot\\n",container="c\\\\\\""} 5',
  ]);
  assert.ok(!page.includes('program="forged'));
});
