// The kill dialog against real processes: a child `sleep` is the target, signalled through the
// real adapter (process.kill) with its real start time from /proc.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { readStartTime, sendSignal } from '../../src/adapters/killer.js';
import { parseStatStartTime } from '../../src/core/proc/procText.js';
import { demoProcesses, demoSnapshot, proc, snapshot } from './fixture.js';
import { KEYS, startApp } from './harness.js';
import { matchSnapshot } from './snapshot.js';

function sleeper(): { child: ChildProcess; pid: number; exit: Promise<[number | null, NodeJS.Signals | null]> } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, pid: child.pid!, exit };
}

/** The demo processes plus the sleeper, whose start time is `startTime`. */
function withSleeper(pid: number, startTime: number) {
  return snapshot([...demoProcesses(), proc({ pid, name: 'sleep', cmdline: 'sleep 30', startTime, sentRate: 999e6, receivedRate: 0 })]);
}

function realKillApp(recorded: Array<[number, NodeJS.Signals]>) {
  return startApp({
    cols: 80,
    rows: 24,
    deps: {
      signal: (pid, sig) => {
        recorded.push([pid, sig]);
        sendSignal(pid, sig);
      },
      processStartTime: (pid) => readStartTime(pid),
    },
  });
}

test('the dialog shows pid, user, command line and the four signals, TERM chosen', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press('/', '4242', KEYS.enter, 'k');
  const text = t.text();
  matchSnapshot('kill-dialog-80x24', text);
  assert.match(text, /│pid 4242 {2}curl {2}user root +│/);
  assert.match(text, /│curl -O http:\/\/127\.0\.0\.1:8080\/big\.iso +│/);
  assert.match(text, /│> 1 SIGTERM +ask it to terminate \(default\) +│/);
  assert.match(text, /│ {2}2 SIGKILL /);
  assert.match(text, /│ {2}3 SIGINT /);
  assert.match(text, /│ {2}4 SIGHUP /);
  t.close();
});

test('k then y sends SIGTERM to the real process, which ends', async () => {
  const s = sleeper();
  const start = readStartTime(s.pid);
  assert.ok(start !== null && start > 0);
  const calls: Array<[number, NodeJS.Signals]> = [];
  const t = realKillApp(calls);
  t.app.update(withSleeper(s.pid, start));
  assert.match(t.text().split('\n')[10]!, new RegExp(`^ *${s.pid} root +sleep 30 `), 'the sleeper is the top row');
  await t.press('k', 'y');
  assert.deepEqual(calls, [[s.pid, 'SIGTERM']]);
  assert.deepEqual(await s.exit, [null, 'SIGTERM']);
  assert.match(t.text().split('\n')[22]!, new RegExp(`^sent SIGTERM to ${s.pid} \\(sleep\\)`));
  t.close();
});

test('Down (or 2) picks SIGKILL', async () => {
  const s = sleeper();
  const calls: Array<[number, NodeJS.Signals]> = [];
  const t = realKillApp(calls);
  t.app.update(withSleeper(s.pid, readStartTime(s.pid)!));
  await t.press('k', KEYS.down);
  assert.match(t.text(), /│> 2 SIGKILL/);
  await t.press('y');
  assert.deepEqual(calls, [[s.pid, 'SIGKILL']]);
  assert.deepEqual(await s.exit, [null, 'SIGKILL']);
  t.close();
});

test('a pid whose start time changed is refused and nothing is sent', async () => {
  const s = sleeper();
  const calls: Array<[number, NodeJS.Signals]> = [];
  const t = realKillApp(calls);
  // The snapshot's process had started at another time: the pid now names another process.
  t.app.update(withSleeper(s.pid, readStartTime(s.pid)! - 1));
  await t.press('k', 'y');
  assert.deepEqual(calls, []);
  assert.equal(t.text().split('\n')[22], `pid ${s.pid} is now another process; not sent`);
  assert.equal(s.child.exitCode, null);
  assert.equal(s.child.signalCode, null);
  s.child.kill('SIGKILL');
  await s.exit;
  t.close();
});

test('a target that exited meanwhile is refused', async () => {
  const s = sleeper();
  const start = readStartTime(s.pid)!;
  const calls: Array<[number, NodeJS.Signals]> = [];
  const t = realKillApp(calls);
  t.app.update(withSleeper(s.pid, start));
  await t.press('k');
  s.child.kill('SIGKILL');
  await s.exit; // reaped: /proc/PID is gone
  await t.press('y');
  assert.deepEqual(calls, []);
  assert.equal(t.text().split('\n')[22], `pid ${s.pid} (sleep) has exited; SIGTERM not sent`);
  t.close();
});

test('n and Esc cancel without sending', async () => {
  const t = startApp({ cols: 80, rows: 24, deps: { processStartTime: (pid) => 100000 + pid } });
  t.app.update(demoSnapshot());
  await t.press('k', 'n', 'k', KEYS.escape);
  assert.deepEqual(t.calls, []);
  assert.doesNotMatch(t.text(), /kill process/);
  assert.match(t.text(), /kill of 5201 cancelled/);
  t.close();
});

test('pid 1 and bwtop itself are refused before any dialog', async () => {
  const self = proc({ pid: process.pid, name: 'node', sentRate: 1e9, receivedRate: 0, startTime: readStartTime(process.pid)! });
  const t = startApp({ cols: 80, rows: 24, deps: { processStartTime: (pid) => readStartTime(pid) } });
  t.app.update(snapshot([...demoProcesses(), self]));
  await t.press('k');
  assert.doesNotMatch(t.text(), /kill process/);
  assert.equal(t.text().split('\n')[22], `refusing to signal bwtop itself (pid ${process.pid}); press q to quit`);
  await t.press('/', '1', KEYS.enter, 'k');
  assert.doesNotMatch(t.text(), /kill process/);
  assert.match(t.text().split('\n')[22]!, /^refusing to signal pid 1 \(init\)/);
  assert.deepEqual(t.calls, []);
  t.close();
});

test('an exited row cannot be killed', async () => {
  const t = startApp({ cols: 80, rows: 24 });
  t.app.update(demoSnapshot());
  await t.press('/', '2222', KEYS.enter, 'k');
  assert.equal(t.text().split('\n')[22], 'pid 2222 (wget) has exited; nothing to signal');
  t.close();
});

for (const [code, message] of [
  ['EPERM', 'cannot signal 4242 (curl): permission denied (EPERM); run bwtop as root'],
  ['ESRCH', 'pid 4242 (curl) no longer exists (ESRCH); SIGTERM not sent'],
] as const) {
  test(`${code} from kill(2) is reported in the status line`, async () => {
    const t = startApp({
      cols: 80,
      rows: 24,
      deps: {
        processStartTime: (pid) => 100000 + pid,
        signal: () => {
          throw Object.assign(new Error(code), { code });
        },
      },
    });
    t.app.update(demoSnapshot());
    await t.press('/', '4242', KEYS.enter, 'k', 'y');
    assert.equal(t.text().split('\n')[22], message);
    t.close();
  });
}

test('start time is field 22 of /proc/PID/stat, counted after the last ")"', () => {
  const tricky = '4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100';
  assert.equal(parseStatStartTime(tricky), 987654);
  assert.equal(parseStatStartTime('4242 (x) S 1 2'), null);
  assert.equal(parseStatStartTime('garbage'), null);
  // Our own start time is before a child's.
  const s = sleeper();
  const mine = readStartTime(process.pid)!;
  const childs = readStartTime(s.pid)!;
  assert.ok(mine > 0 && childs >= mine);
  s.child.kill('SIGKILL');
  assert.equal(readStartTime(999999999), null);
});

test('the adapter refuses pids that would signal process groups', () => {
  assert.throws(() => sendSignal(0, 'SIGTERM'), { code: 'EINVAL' });
  assert.throws(() => sendSignal(-1, 'SIGTERM'), { code: 'EINVAL' });
});

test('a program row lists its pids and signals them all after y, each checked against its start time', async () => {
  const a = sleeper();
  const b = sleeper();
  const calls: Array<[number, NodeJS.Signals]> = [];
  const t = realKillApp(calls);
  const key = '/usr/bin/sleep\u0000sleep\u00000';
  const procs = [a, b].map((s) => ({
    ...proc({ pid: s.pid, name: 'sleep', cmdline: 'sleep 30', startTime: readStartTime(s.pid)!, sentRate: 9e9, receivedRate: 0 }),
    programKey: key,
  }));
  t.app.update(snapshot([...demoProcesses(), ...procs]));
  await t.press('g');
  assert.match(t.text(), /^ +- root +sleep ×2 /m);
  await t.press('k');
  assert.match(t.text(), /kill 2 processes/);
  assert.match(t.text(), new RegExp(`│pids ${Math.min(a.pid, b.pid)} ${Math.max(a.pid, b.pid)} +│`));
  await t.press('y');
  assert.deepEqual(
    calls.map(([pid]) => pid).sort((x, y) => x - y),
    [a.pid, b.pid].sort((x, y) => x - y),
  );
  assert.deepEqual(await a.exit, [null, 'SIGTERM']);
  assert.deepEqual(await b.exit, [null, 'SIGTERM']);
  assert.match(t.text(), /sent SIGTERM to 2 of 2 processes of sleep/);
  t.close();
});

test('a short-lived program entry: its pids that still run are read at open and signalled on y', async () => {
  const a = sleeper();
  const calls: Array<[number, NodeJS.Signals]> = [];
  const t = realKillApp(calls);
  const s = snapshot(demoProcesses());
  s.programs = [
    {
      programKey: 'k',
      name: 'sleep',
      exe: '/usr/bin/sleep',
      cmdline: 'sleep 30',
      user: 'root',
      uid: 0,
      pids: [a.pid, 999999999],
      container: null,
      unit: null,
      netns: null,
      sent: 1,
      received: 1,
      sentTotal: 9e12,
      receivedTotal: 9e12,
      sentRate: 9e9,
      receivedRate: 9e9,
      connections: [],
      sentHistory: [],
      receivedHistory: [],
    },
  ];
  t.app.update(s);
  assert.match(t.text(), /^ +- root +sleep ×2 \(short-li/m);
  await t.press('k');
  assert.match(t.text(), new RegExp(`│pid ${a.pid} {2}sleep`), 'the pid that has gone is left out');
  await t.press('y');
  assert.deepEqual(calls, [[a.pid, 'SIGTERM']]);
  assert.deepEqual(await a.exit, [null, 'SIGTERM']);
  t.close();
});

test('a container row is not signalled: the dialog does not open and the runtime is named', async () => {
  const t = startApp({ cols: 120, rows: 40 });
  t.app.update(snapshot([proc({ pid: 9100, name: 'python3', sentRate: 9e9, receivedRate: 0, container: 'web' })]));
  await t.press('g', 'g', 'k');
  assert.doesNotMatch(t.text(), /kill process/);
  assert.match(t.text(), /web is a container: stop it with its runtime \(docker stop web, podman stop, crictl stop\)/);
  assert.deepEqual(t.calls, []);
  t.close();
});
