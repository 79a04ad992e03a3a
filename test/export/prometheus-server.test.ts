// A real Prometheus server scrapes `bwtop export` every second, in a network namespace of the
// test's own (its loopback carries nothing but the test's traffic). A program with a unique name
// sends known traffic; its counter read back through Prometheus's HTTP API must match the IP
// bytes tcpdump saw within 2%. Then 100 short-lived curl runs must not add more than a series per
// program and direction, and without --per-pid no series carries a pid label. The scrape config
// adds a query parameter, as scrape configs with `params` do.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SKIP,
  createNetns,
  exited,
  inNs,
  killAll,
  sleep,
  startTcpdump,
  stopTcpdump,
  tcpdumpPackets,
  tmp,
  track,
  within,
  type Netns,
} from '../live/harness.js';
import { get, startExporter, startSink, stop } from './exporter-process.js';

afterEach(killAll);

const EXPORT = '127.0.0.1:9816'; // the default bind, free in a fresh namespace
const PROMETHEUS = '127.0.0.1:9090';
const SINK_PORT = 5401;
const CHUNK = 100_000;
const CHUNKS = 20;

const SENDER = `
import socket, time
s = socket.create_connection(('127.0.0.1', ${SINK_PORT}))
for i in range(${CHUNKS}):
    s.sendall(b'x' * ${CHUNK}); time.sleep(0.03)
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
`;

type Vector = { metric: Record<string, string>; value: [number, string] }[];

function query(ns: Netns, promql: string): Vector {
  const r = get(`http://${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(promql)}`, ns);
  const body = JSON.parse(r.body) as { status: string; data: { result: Vector } };
  assert.equal(body.status, 'success', r.body);
  return body.data.result;
}

function labelValues(ns: Netns, label: string): string[] {
  return (JSON.parse(get(`http://${PROMETHEUS}/api/v1/label/${label}/values`, ns).body) as { data: string[] }).data;
}

const scalar = (v: Vector): number => (v.length === 0 ? 0 : Number(v[0]!.value[1]));

/** Polls until `f` holds (Prometheus sees a scrape a second or so after the traffic). */
async function until(f: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!f() && Date.now() < end) await sleep(250);
}

test("Prometheus scraping bwtop export reads a program's bytes as tcpdump saw them; curl runs add no series churn", {
  skip: SKIP,
  timeout: 90_000,
}, async (t) => {
  const dir = tmp('bwtop-prom-');
  const ns = createNetns('bwtop-prom');
  t.after(async () => {
    killAll();
    await sleep(200);
    ns.remove();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (cmd: string, args: string[]) => track(spawn(...inNs(ns, cmd, args), { stdio: ['ignore', 'pipe', 'pipe'] }));

  // A name no other program on the host has: python3 started through a link of that name.
  const name = `bwsnd${process.pid % 1_000_000}`;
  symlinkSync('/usr/bin/python3', join(dir, name));
  symlinkSync('/usr/bin/python3', join(dir, 'bwsink'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: {scrape_interval: 1s, scrape_timeout: 900ms}',
      'scrape_configs:',
      '  - job_name: bwtop',
      '    params: {x: ["1"]}',
      `    static_configs: [{targets: ["${EXPORT}"]}]`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'data'));

  const td = await startTcpdump(join(dir, 'ref.pcap'), `tcp port ${SINK_PORT}`, ns);
  const prom = run('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=${PROMETHEUS}`,
    '--log.level=warn',
  ]);
  let promLog = '';
  prom.stderr!.on('data', (d: Buffer) => (promLog += d.toString()));
  const e = await startExporter(EXPORT, ['-i', 'lo'], ns);
  const sink = await startSink(SINK_PORT, ns, join(dir, 'bwsink'));
  await until(() => {
    try {
      return get(`http://${PROMETHEUS}/-/ready`, ns).status === 200;
    } catch {
      return false; // not listening yet
    }
  }, 15_000);
  await until(() => scalar(query(ns, 'up{job="bwtop"}')) === 1, 15_000);
  assert.equal(scalar(query(ns, 'up{job="bwtop"}')), 1, `Prometheus does not scrape bwtop: ${promLog.slice(-1000)}`);

  const sender = run(join(dir, name), ['-c', SENDER]);
  assert.equal(await exited(sender), 0, 'the sender failed');
  await stopTcpdump(td);
  const sent = tcpdumpPackets(join(dir, 'ref.pcap'))
    .filter((p) => p.dport === SINK_PORT)
    .reduce((n, p) => n + p.len, 0);
  assert.ok(sent > CHUNK * CHUNKS, `tcpdump saw ${sent} bytes`);

  const promql = `sum(bwtop_program_sent_bytes_total{program="${name}"})`;
  await until(() => within(scalar(query(ns, promql)), sent, 0.02), 15_000);
  const seen = scalar(query(ns, promql));
  t.diagnostic(`${name} sent ${sent} IP bytes per tcpdump; Prometheus read ${seen} (${((seen / sent - 1) * 100).toFixed(2)}%)`);
  assert.ok(
    within(seen, sent, 0.02),
    `Prometheus read ${seen} bytes sent by ${name}; tcpdump saw ${sent}; the page: ${get(`http://${EXPORT}/metrics`, ns)
      .body.split('\n')
      .filter((l) => /^bwtop_(program|unknown)/.test(l))
      .join('; ')}`,
  );

  // The README's queries: top 5 programs by sent rate on a host, hosts with over 5% unknown bytes.
  // (The sender's series was first scraped at 0, so rate() sees all its bytes.)
  const top = (): Vector => query(ns, `topk(5, sum by (program) (rate(bwtop_program_sent_bytes_total{instance="${EXPORT}"}[5m])))`);
  const senderRate = (): number => Number(top().find((v) => v.metric.program === name)?.value[1] ?? 0);
  await until(() => senderRate() > 0, 5000);
  assert.ok(senderRate() > 0, `top 5: ${JSON.stringify(top())}`);
  const increase = scalar(query(ns, `sum(increase(bwtop_program_sent_bytes_total{program="${name}"}[5m]))`));
  assert.ok(increase >= sent * 0.98, `increase() over the sender's series: ${increase} of ${sent} bytes`);
  const share = query(
    ns,
    [
      '(sum by (instance) (rate(bwtop_unknown_sent_bytes_total[5m])) + sum by (instance) (rate(bwtop_unknown_received_bytes_total[5m])))',
      '/ (sum by (instance) (rate(bwtop_sent_bytes_total[5m])) + sum by (instance) (rate(bwtop_received_bytes_total[5m])))',
    ].join(' '),
  );
  assert.equal(share.length, 1, 'one host');
  assert.ok(Number(share[0]!.value[1]) >= 0 && Number(share[0]!.value[1]) < 1);

  // 100 short-lived curl runs: one program (already known: the queries above run curl too), so
  // no new series, and its counter takes every page those runs fetched.
  const seriesSel = '{__name__=~"bwtop_(program|process)_.+"}';
  const count = (): number => scalar(query(ns, `count(last_over_time(${seriesSel}[10m]))`));
  const curlReceived = (): number => scalar(query(ns, 'sum(bwtop_program_received_bytes_total{program="curl"})'));
  const before = count();
  const programsBefore = labelValues(ns, 'program');
  const received0 = curlReceived();
  // Every byte of the runs is counted, under curl (most of them) or, for a run that exited before
  // it was read, "(exited)" or unknown: never under a new series per run.
  const accounted = (): number =>
    scalar(
      query(ns, 'sum(bwtop_program_received_bytes_total{program=~"curl|\\\\(exited\\\\)"}) + sum(bwtop_unknown_received_bytes_total)'),
    );
  const accounted0 = accounted();
  const page = get(`http://${EXPORT}/metrics`, ns).body.length;
  const loop = run('sh', ['-c', `for i in $(seq 100); do curl -s -o /dev/null http://${EXPORT}/metrics || exit 1; done`]);
  assert.equal(await exited(loop), 0, 'the curl runs failed');
  await until(() => accounted() - accounted0 >= 100 * page, 8_000);
  assert.ok(accounted() - accounted0 >= 100 * page, `${accounted() - accounted0} bytes counted for 100 runs of ${page}-byte pages`);
  const got = curlReceived() - received0;
  t.diagnostic(`100 curl runs: ${accounted() - accounted0} bytes counted, ${got} of them under program="curl" (pages of ${page} bytes)`);
  assert.ok(got >= 0.5 * 100 * page, `curl received ${got} bytes in 100 runs of ${page}-byte pages`);
  await sleep(2500); // two more scrapes: late owners would show up as new series now
  const after = count();
  const newPrograms = labelValues(ns, 'program').filter((p) => !programsBefore.includes(p));
  t.diagnostic(
    `bwtop_program_*/bwtop_process_* series: ${before} before the curl runs, ${after} after; ` +
      `new programs: ${newPrograms.join(', ') || 'none'}`,
  );
  // At most the programs involved: the loop's shell, and runs that exited before they were read.
  assert.ok(
    newPrograms.every((p) => p === '(exited)' || p === 'sh'),
    `new programs after 100 curl runs: ${newPrograms.join(', ')}`,
  );
  assert.ok(after - before <= 2 * newPrograms.length, `series went from ${before} to ${after} (new programs: ${newPrograms.join(', ')})`);
  assert.deepEqual(labelValues(ns, 'pid'), [], 'no pid label without --per-pid');

  assert.equal(await stop(e), 0);
  prom.kill('SIGTERM');
  await exited(prom);
  sink.kill('SIGTERM');
  await exited(sink);
});
