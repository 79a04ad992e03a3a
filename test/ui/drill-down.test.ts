// Enter on a process: its summary, chart and connections; names from reverse DNS once they arrive;
// Esc, Left and Backspace go back.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoProcesses, demoSnapshot, snapshot, T0 } from './fixture.js';
import { KEYS, startApp, tablePids } from './harness.js';
import { matchSnapshot } from './snapshot.js';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('Enter shows the selected process: the iperf3 client and its connection to port 5201', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press('s'); // the selection stays on 5201, now third
  await t.press(KEYS.home); // the top sender: the iperf3 client, 5310
  await t.press(KEYS.enter);
  const text = t.text();
  matchSnapshot('detail-80x24', text);
  const lines = text.split('\n');
  assert.match(lines[2]!, /^pid 5310 {2}iperf3 {2}user root {2}cmd iperf3 -c 127\.0\.0\.1 -p 5201 -t 60/);
  const conns = lines.filter((l) => l.startsWith('tcp '));
  assert.deepEqual(
    conns.map((l) => l.split(/\s+/).slice(1, 3)),
    [
      ['127.0.0.1:40000', '127.0.0.1:5201'],
      ['127.0.0.1:39998', '127.0.0.1:5201'],
    ],
  );
  assert.match(conns[0]!, /ESTABLISHED +113 MiB\/s +50\.8 KiB\/s$/);
  t.close();
});

test('120x40 drill-down shows totals beside the rates and the process chart', async () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(demoSnapshot());
  await t.press(KEYS.down, KEYS.down, KEYS.enter); // 812 nginx
  const text = t.text();
  matchSnapshot('detail-120x40', text);
  assert.match(text, /pid 812 {2}nginx {2}user www-data/);
  assert.match(text, /SENT TOTAL +RECV TOTAL/);
  assert.match(text, /tcp6 +\[::1\]:8080 +\[::1\]:40112 +CLOSED/);
  t.close();
});

for (const [what, key] of [
  ['Esc', KEYS.escape],
  ['Left', KEYS.left],
  ['Backspace', KEYS.backspace],
] as const) {
  test(`${what} returns to the list with the same process selected`, async () => {
    const t = startApp({ cols: 80, rows: 24 });
    t.app.update(demoSnapshot());
    const list = t.text();
    await t.press(KEYS.enter);
    assert.notEqual(t.text(), list);
    await t.press(key);
    assert.equal(t.text(), list);
    t.close();
  });
}

test('host names: both ends asked once per address, shown as they arrive, d toggles numbers', async () => {
  const asked: string[] = [];
  const names: Record<string, string> = { '192.0.2.44': 'laptop.example', '10.0.0.5': 'lab1.example' };
  const answers: Array<() => void> = [];
  const t = startApp({
    cols: 80,
    rows: 24,
    deps: {
      reverseDns: (a) => {
        asked.push(a);
        return new Promise((r) => answers.push(() => r(names[a] ?? null)));
      },
    },
  });
  t.app.update(demoSnapshot());
  await t.press('/', 'sshd', KEYS.enter, KEYS.enter);
  assert.match(t.text(), /192\.0\.2\.44:53122/);
  for (const answer of answers.splice(0)) answer();
  await flush();
  // No refresh needed (a paused screen, or a replay that has ended, shows them too); both ends
  // are written the same way: names on both sides.
  assert.match(t.text(), /lab1\.example:22 +laptop\.example:53122/);
  await t.press('d');
  assert.match(t.text(), /10\.0\.0\.5:22 +192\.0\.2\.44:53122/);
  assert.match(t.text(), /host names off: addresses only/, 'd says what it did in the footer');
  await t.press('d');
  assert.match(t.text(), /host names on/);
  t.app.update(demoSnapshot(T0 + 2000));
  assert.match(t.text(), /laptop\.example:53122/);
  assert.deepEqual(asked, ['10.0.0.5', '192.0.2.44']);
  t.close();
});

test('a hostile PTR answer is shown as inert text', async () => {
  const t = startApp({ cols: 80, rows: 24, deps: { reverseDns: async () => '\x1b]2;owned\x07{red-fg}x{/}' } });
  t.app.update(demoSnapshot());
  await t.press('/', '4242', KEYS.enter, KEYS.enter);
  await flush();
  t.h.clearWritten();
  t.app.update(demoSnapshot(T0 + 1000));
  assert.match(t.text(), /\{red-fg\}x\{\/\}:8080/);
  const out = t.h.written().toString('latin1');
  assert.ok(!out.includes('\x07') && !out.includes('\x1b]'));
  t.close();
});

test('a drilled process that leaves the snapshot stays on screen marked gone', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press(KEYS.enter); // 5201
  t.app.update(
    snapshot(
      demoProcesses().filter((p) => p.pid !== 5201),
      T0 + 1000,
    ),
  );
  const text = t.text();
  assert.match(text, /pid 5201 {2}iperf3 {2}user root {2}\[gone from the capture\]/);
  await t.press(KEYS.escape);
  assert.ok(!tablePids(t.text()).includes(5201));
  t.close();
});

test('Up/Down scroll a long connection list', async () => {
  const procs = demoProcesses();
  const big = procs.find((p) => p.pid === 812)!;
  const base = big.connections[0]!;
  big.connections = Array.from({ length: 30 }, (_, i) => ({
    ...base,
    id: `c${i}`,
    remote: `127.0.0.1:${50000 + i}`,
    sentRate: 1000 * (30 - i),
  }));
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(snapshot(procs));
  await t.press(KEYS.down, KEYS.down, KEYS.enter);
  const firstRemote = (): string | undefined =>
    t
      .text()
      .split('\n')
      .find((l) => l.startsWith('tcp '))
      ?.split(/\s+/)[2];
  assert.equal(firstRemote(), '127.0.0.1:50000');
  await t.press(KEYS.down, KEYS.down);
  assert.equal(firstRemote(), '127.0.0.1:50002');
  await t.press(KEYS.end);
  assert.equal(firstRemote(), '127.0.0.1:50020'); // 30 rows, 10 visible
  await t.press(KEYS.home);
  assert.equal(firstRemote(), '127.0.0.1:50000');
  t.close();
});

test('the reverse-DNS cache asks at most two at a time, skips wildcards, and remembers failures', async () => {
  const { ReverseDnsCache } = await import('../../src/adapters/dns-cache.js');
  const pending: Array<(n: string | null) => void> = [];
  const asked: string[] = [];
  const cache = new ReverseDnsCache((a) => {
    asked.push(a);
    return new Promise((r) => pending.push(r));
  });
  for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '0.0.0.0', '::', '10.0.0.1']) assert.equal(cache.name(a), null);
  assert.deepEqual(asked, ['10.0.0.1', '10.0.0.2']);
  pending.shift()!('one.example');
  await flush();
  assert.deepEqual(asked, ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  assert.equal(cache.name('10.0.0.1'), 'one.example');
  pending.shift()!(null);
  await flush();
  assert.equal(cache.name('10.0.0.2'), null);
  assert.deepEqual(asked, ['10.0.0.1', '10.0.0.2', '10.0.0.3'], 'a failed address is not asked again');
});

test('the system resolver adapter names loopback and rejects non-addresses', async () => {
  const { reverseDns } = await import('../../src/adapters/reverse-dns.js');
  // 127.0.0.1 is "localhost" in every /etc/hosts this runs with; no network involved.
  assert.equal(await reverseDns('127.0.0.1'), 'localhost');
  assert.equal(await reverseDns('::ffff:127.0.0.1'), 'localhost');
  assert.equal(await reverseDns('not an address'), null);
});
