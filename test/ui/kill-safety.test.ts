// Kill safety against real processes and the real adapter (process.kill, /proc/PID/stat): a pid
// reused by another process between showing and killing (the kernel made to hand the same pid out
// again), a permission refusal from the kernel (the dialog run as `nobody` against root's process),
// a process that is gone by the time kill(2) runs (ESRCH from the kernel), and pid 1 and bwtop
// itself never signalled. (For pid 1 and bwtop the signal port only records: a broken check must
// not reach init or the test runner.)
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { readStartTime, sendSignal } from '../../src/adapters/killer.js';
import { confirmKill, openKill, type KillDialog, type KillPorts } from '../../src/core/view/kill-dialog.js';
import type { Row } from '../../src/core/view/rows.js';

const ROOT = process.getuid?.() === 0;
const realPorts: KillPorts = { selfPid: process.pid, signal: sendSignal, processStartTime: (pid) => readStartTime(pid) };

function sleeper(): { child: ChildProcess; pid: number; exit: Promise<unknown[]> } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  return { child, pid: child.pid!, exit: once(child, 'exit') };
}

const dialog = (targets: KillDialog['targets'], name = 'sleep'): KillDialog => ({ name, user: 'root', cmdline: name, targets, choice: 0 });

const alive = (pid: number): boolean => readStartTime(pid) !== null;

/** Blocks the thread for `ms` (the ports are synchronous, as in the dialog). */
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

test('a pid reused by another process is refused, and the new process is not signalled', { skip: !ROOT && 'needs root' }, async (t) => {
  const a = sleeper();
  const shown = { pid: a.pid, startTime: readStartTime(a.pid)! };
  a.child.kill('SIGKILL');
  await a.exit;
  // The kernel hands out the pid after ns_last_pid next: ask for a's pid again (other processes may
  // take it first; then try again).
  let b: ReturnType<typeof sleeper> | null = null;
  for (let i = 0; i < 50 && !b; i++) {
    pause(20); // a start time at least one clock tick later
    try {
      writeFileSync('/proc/sys/kernel/ns_last_pid', String(shown.pid - 1));
    } catch (err) {
      return t.skip(`cannot choose the next pid here (${(err as NodeJS.ErrnoException).code})`);
    }
    const s = sleeper();
    if (s.pid === shown.pid) b = s;
    else {
      s.child.kill('SIGKILL');
      await s.exit;
    }
  }
  assert.ok(b, `pid ${shown.pid} was not handed out again`);
  assert.notEqual(readStartTime(b.pid), shown.startTime);
  const status = confirmKill(dialog([shown]), realPorts);
  assert.deepEqual(status, { text: `pid ${shown.pid} is now another process; not sent`, error: true });
  assert.ok(alive(b.pid) && b.child.exitCode === null && b.child.signalCode === null, 'the new process lives');
  b.child.kill('SIGKILL');
  await b.exit;
});

test('EPERM: a dialog run as nobody cannot signal root`s process, says so, and the process lives', {
  skip: !ROOT && 'needs root to run a child as nobody',
}, async () => {
  const s = sleeper();
  const target = { pid: s.pid, startTime: readStartTime(s.pid)! };
  const url = (p: string): string => new URL(p, import.meta.url).href;
  const script = `
    const { confirmKill } = await import(${JSON.stringify(url('../../src/core/view/kill-dialog.js'))});
    const { readStartTime, sendSignal } = await import(${JSON.stringify(url('../../src/adapters/killer.js'))});
    const d = { name: 'sleep', user: 'root', cmdline: 'sleep 30', targets: [${JSON.stringify(target)}], choice: 0 };
    console.log(JSON.stringify(confirmKill(d, { selfPid: process.pid, signal: sendSignal, processStartTime: readStartTime })));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    text: `cannot signal ${s.pid} (sleep): permission denied (EPERM); run bwtop as root`,
    error: true,
  });
  assert.ok(alive(s.pid) && s.child.exitCode === null, 'the target lives');
  s.child.kill('SIGKILL');
  await s.exit;
});

test('ESRCH: a process gone between the start-time check and kill(2) is reported, nothing else signalled', async () => {
  // The target is a grandchild: its parent shell reaps it at once, so its pid is really free.
  const sh = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const [line] = (await once(sh.stdout!, 'data')) as [Buffer];
  const pid = Number(line.toString().trim());
  const target = { pid, startTime: readStartTime(pid)! };
  assert.ok(target.startTime > 0);
  const ports: KillPorts = {
    ...realPorts,
    processStartTime: (p) => {
      const now = readStartTime(p); // still the same process here...
      process.kill(p, 'SIGKILL'); // ...and gone before kill(2)
      for (let i = 0; i < 200 && alive(p); i++) pause(10);
      return now;
    },
  };
  const status = confirmKill(dialog([target]), ports);
  assert.deepEqual(status, { text: `pid ${pid} (sleep) no longer exists (ESRCH); SIGTERM not sent`, error: true });
  await once(sh, 'exit');
  assert.throws(() => sendSignal(pid, 'SIGTERM'), { code: 'ESRCH' }, 'the adapter passes the kernel`s ESRCH on');
});

test('pid 1 and bwtop itself are never signalled, even inside a program of several pids', async () => {
  const s = sleeper();
  const signalled: number[] = [];
  const ports: KillPorts = {
    ...realPorts,
    signal: (pid, sig) => {
      signalled.push(pid);
      if (pid === s.pid) sendSignal(pid, sig);
    },
  };
  const me = { pid: process.pid, startTime: readStartTime(process.pid)! };
  const init = { pid: 1, startTime: readStartTime(1)! };
  // Targets fixed by some other path still pass the check on confirm.
  assert.deepEqual(confirmKill(dialog([init]), ports), { text: 'refusing to signal pid 1', error: true });
  assert.deepEqual(confirmKill(dialog([me]), ports), { text: `refusing to signal pid ${process.pid}`, error: true });
  // A program row holding both: the dialog leaves them out.
  const row = {
    kind: 'group',
    groupKind: 'program',
    name: 'sleep',
    user: 'root',
    cmdline: 'sleep 30',
    pid: null,
    pids: [1, process.pid, s.pid],
    members: [],
    exited: false,
  } as unknown as Row;
  const d = openKill(row, ports) as KillDialog;
  assert.deepEqual(
    d.targets.map((t) => t.pid),
    [s.pid],
  );
  assert.deepEqual(confirmKill(d, ports), { text: `sent SIGTERM to ${s.pid} (sleep)`, error: false });
  assert.deepEqual(signalled, [s.pid]);
  assert.deepEqual(await s.exit, [null, 'SIGTERM']);
});
