// `bwtop export` as a user meets it: the page with and without a query string, 404 elsewhere,
// /connections and its filters, promtool accepting the page, a clean exit on SIGTERM and
// SIGINT, one sentence for a bad --listen or a busy port, and no "serving" announcement when the
// capture cannot be opened for want of privileges.
import { afterEach, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { SKIP, createNetns, exited, inNs, killAll, tmp, track, type Netns } from '../live/harness.js';
import { freePort, get, getUntil, runExporterToEnd, startExporter, startSink, stop } from './exporter-process.js';

afterEach(killAll);

const LISTEN = '127.0.0.1:9816'; // the default, free in a namespace of the test's own
const BASE = `http://${LISTEN}`;

/** A network namespace for one test: its loopback carries only the test's traffic. */
function namespace(t: TestContext): Netns {
  const ns = createNetns('bwtop-export');
  t.after(() => {
    killAll();
    ns.remove();
  });
  return ns;
}

test('the metrics page answers with query strings, other paths are 404, SIGTERM ends it with 0', {
  skip: SKIP,
  timeout: 30_000,
}, async (t) => {
  const ns = namespace(t);
  const e = await startExporter(LISTEN, ['-i', 'lo', '-d', '0.5'], ns);
  // The announcement is the first line (the engine may add a note on how it learns owners).
  assert.match(e.stderr(), new RegExp(`^bwtop: serving metrics on ${BASE}/metrics and ${BASE}/connections\n`));
  const plain = get(`${BASE}/metrics`, ns);
  assert.equal(plain.status, 200);
  assert.match(plain.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
  assert.match(plain.body, /^# HELP bwtop_program_sent_bytes_total /m);
  assert.match(plain.body, /^bwtop_build_info\{version="\d+\.\d+\.\d+",nodejs="v\d+/m);
  assert.match(plain.body, /^nodejs_eventloop_lag_seconds /m);
  assert.equal(get(`${BASE}/metrics?x=1&module=bwtop`, ns).status, 200);
  assert.equal(get(`${BASE}/connections?`, ns).status, 200);
  for (const path of ['/', '/metrics/', '/metricsx', '/favicon.ico', '/connections/x']) {
    assert.equal(get(`${BASE}${path}`, ns).status, 404, path);
  }
  assert.equal(get(`${BASE}/metrics`, ns, 'POST').status, 405);
  assert.equal(await stop(e, 'SIGTERM'), 0);
  assert.doesNotMatch(e.stderr(), /internal error|^\s+at /m);
});

test('a program with a hostile name gets its own escaped series, per pid too, and promtool accepts the page', {
  skip: SKIP,
  timeout: 40_000,
}, async (t) => {
  const ns = namespace(t);
  const e = await startExporter(LISTEN, ['-i', 'lo', '-d', '0.5', '--per-pid'], ns);
  await startSink(5402, ns);
  // The process name (comm) is the name it was started under: quotes, a brace, a newline.
  const evil = 'a"} 1\nb\\c';
  const link = join(tmp('bwtop-evil-'), evil);
  symlinkSync('/usr/bin/python3', link);
  const script = "import socket, time\ns = socket.create_connection(('127.0.0.1', 5402))\ns.sendall(b'x' * 5000); time.sleep(1); s.close()";
  const child = track(spawn(...inNs(ns, link, ['-c', script]), { stdio: 'ignore' }));
  assert.equal(await exited(child), 0);
  const escaped = 'a\\"} 1\\nb\\\\c';
  const series = (page: string): string[] =>
    page.split('\n').filter((l) => l.startsWith(`bwtop_program_sent_bytes_total{program="${escaped}"`));
  // A new series is first scraped at 0, then with its bytes.
  const page = await getUntil(`${BASE}/metrics`, ns, (p) => Number(series(p)[0]?.split(' ').at(-1) ?? 0) > 5000);
  assert.equal(
    series(page).length,
    1,
    page
      .split('\n')
      .filter((l) => l.startsWith('bwtop_program_sent'))
      .join('\n'),
  );
  assert.ok(Number(series(page)[0]!.split(' ').at(-1)) > 5000, series(page)[0]);
  assert.match(
    page,
    new RegExp(
      `^bwtop_process_sent_bytes_total\\{pid="${child.pid}",program="a\\\\"\\} 1\\\\nb\\\\\\\\c",user="root",container="[^"]*"\\} \\d+$`,
      'm',
    ),
  );
  assert.ok(!/^b\\c/m.test(page), 'no line starts inside the name');
  // promtool (Prometheus's own checker) accepts the page.
  const check = spawnSync('promtool', ['check', 'metrics'], { input: page, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.equal(await stop(e, 'SIGTERM'), 0);
  assert.doesNotMatch(e.stderr(), /internal error|^\s+at /m);
});

test("/connections lists the exporter's own listener with its process, filtered like the command", {
  skip: SKIP,
  timeout: 30_000,
}, async (t) => {
  const ns = namespace(t);
  const port = 9816;
  const e = await startExporter(LISTEN, ['-i', 'lo'], ns);
  const all = get(`${BASE}/connections`, ns);
  assert.equal(all.status, 200);
  assert.equal(all.headers['content-type'], 'application/json');
  assert.ok(Number(all.headers['x-bwtop-tables-age-ms']) >= 0, 'says how fresh the tables are');
  assert.ok(all.headers['last-modified']);
  type Row = { proto: string; local: string; state: string; processes: { pid: number; name: string; cmdline: string }[] };
  const rows = JSON.parse(all.body) as Row[];
  const own = rows.find((r) => r.local === `127.0.0.1:${port}` && r.state === 'LISTEN');
  assert.ok(own, `own listener missing from ${all.body.slice(0, 500)}`);
  assert.deepEqual(
    own.processes.map((p) => p.pid),
    [e.child.pid],
  );
  assert.match(own.processes[0]!.cmdline, /export --listen/);
  const listening = JSON.parse(get(`${BASE}/connections?listening`, ns).body) as Row[];
  assert.ok(listening.every((r) => r.state === 'LISTEN' || r.state === 'UNCONN'));
  assert.ok(listening.some((r) => r.local === `127.0.0.1:${port}`));
  const udp = JSON.parse(get(`${BASE}/connections?proto=udp`, ns).body) as Row[];
  assert.ok(udp.every((r) => r.proto === 'udp'));
  const estab = JSON.parse(get(`${BASE}/connections?state=ESTABLISHED`, ns).body) as Row[];
  assert.ok(estab.every((r) => r.state === 'ESTABLISHED'));
  const bad = get(`${BASE}/connections?state=NOPE`, ns);
  assert.equal(bad.status, 400);
  assert.equal(bad.body, 'unknown socket state "NOPE" in state; use names like LISTEN, ESTABLISHED, TIME_WAIT or UNCONN\n');
  assert.equal(get(`${BASE}/connections?colour=red`, ns).status, 400);
  assert.equal(await stop(e, 'SIGINT'), 0);

  // --no-connections: the page is gone (404), the metrics stay.
  const quiet = await startExporter(LISTEN, ['-i', 'lo', '--no-connections'], ns);
  assert.match(quiet.stderr(), /^bwtop: serving metrics on http:\/\/127\.0\.0\.1:\d+\/metrics\n/);
  assert.equal(get(`${BASE}/connections`, ns).status, 404);
  assert.equal(get(`${BASE}/metrics`, ns).status, 200);
  assert.equal(await stop(quiet), 0);
});

test('a bad --listen or a busy port is one sentence and a non-zero exit', { skip: SKIP, timeout: 30_000 }, async () => {
  for (const bad of ['nonsense', '127.0.0.1:0', '127.0.0.1:70000', '[::1:9816']) {
    const r = runExporterToEnd(['--listen', bad, '-i', 'lo']);
    assert.equal(r.status, 2, bad);
    assert.equal(
      r.stderr,
      `bwtop: invalid --listen "${bad}": give HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9816 or [::1]:9816\n`,
    );
  }
  const busy = createServer();
  const port = await new Promise<number>((resolve) =>
    busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)),
  );
  try {
    const r = runExporterToEnd(['--listen', `127.0.0.1:${port}`, '-i', 'lo']);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `bwtop: cannot listen on 127.0.0.1:${port}: the port is in use by another program; choose another address or port with --listen\n`,
    );
  } finally {
    busy.close();
  }
  const r = runExporterToEnd(['--listen', '192.0.2.1:9816', '-i', 'lo']);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /^bwtop: cannot listen on 192\.0\.2\.1:9816: that address is not one of this host's; choose another address or port with --listen\n$/,
  );
});

test('without the capture privileges export fails before announcing anything', { skip: SKIP, timeout: 30_000 }, async () => {
  const port = await freePort();
  // Root with every capability dropped: the capture cannot open (CAP_NET_RAW is gone).
  const r = runExporterToEnd(['--listen', `127.0.0.1:${port}`, '-i', 'lo'], ['setpriv', '--bounding-set=-all', '--inh-caps=-all']);
  assert.notEqual(r.status, 0);
  assert.doesNotMatch(r.stderr, /serving/);
  assert.match(r.stderr, /^bwtop: cannot capture on lo: permission denied; [^\n]+\n$/);
});

test("as an unprivileged user with the capabilities of the README's unit it serves, and sees root's sockets' owners", {
  skip: SKIP,
  timeout: 30_000,
}, async (t) => {
  const ns = namespace(t);
  const root = await startSink(5403, ns); // a listener of root's
  const caps = '+net_raw,+net_admin,+sys_ptrace,+dac_read_search';
  const e = await startExporter(LISTEN, ['-i', 'lo'], ns, [
    'setpriv',
    '--reuid=65534',
    '--regid=65534',
    '--clear-groups',
    `--inh-caps=${caps}`,
    `--ambient-caps=${caps}`,
  ]);
  type Row = { local: string; processes: { pid: number; user: string }[] };
  const rows = JSON.parse(get(`${BASE}/connections?listening`, ns).body) as Row[];
  assert.equal(rows.find((r) => r.local === LISTEN)?.processes[0]?.user, 'nobody', 'the exporter runs as nobody');
  assert.deepEqual(
    rows.find((r) => r.local === '127.0.0.1:5403')?.processes.map((p) => [p.pid, p.user]),
    [[root.pid, 'root']],
  );
  assert.equal(get(`${BASE}/metrics`, ns).status, 200);
  assert.equal(await stop(e), 0);
});

test('export --help lists its own options', () => {
  const r = runExporterToEnd(['--help']);
  assert.equal(r.status, 0);
  const help = spawnSync(process.execPath, [new URL('../../src/cli/main.js', import.meta.url).pathname, 'export', '--help'], {
    encoding: 'utf8',
  }).stdout;
  for (const opt of ['--listen HOST:PORT', '--per-pid', '--no-connections', '--interface NAME', '--delay SECONDS', '--proc-root DIR']) {
    assert.ok(help.includes(opt), opt);
  }
  assert.match(help, /^Usage: bwtop export/);
});
