// Process events decoded from real connector datagrams recorded on this kernel while three
// /bin/true runs, a forking `sh -c` and a python process that renames itself and starts a thread
// came and went (fixtures/netlink/, see its README).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseProcEvents, procEventAcks, procEventsSubscribe, type ProcEvent } from '../../src/core/netlink/proc-events.js';

const dir = fileURLToPath(new URL('../../../fixtures/netlink/', import.meta.url));
const bytes = readFileSync(dir + 'proc-events.bin');
const meta = JSON.parse(readFileSync(dir + 'proc-events.json', 'utf8')) as {
  recorder: number;
  children: Array<{ cmd: string; pid: number }>;
};
const events = parseProcEvents(bytes);
const [t1, t2, t3, sh, py] = meta.children.map((c) => c.pid) as [number, number, number, number, number];

type Kind<K extends ProcEvent['kind']> = Extract<ProcEvent, { kind: K }>;
const of = <K extends ProcEvent['kind']>(k: K) => events.filter((e): e is Kind<K> => e.kind === k);

test('the subscription ack is a none event carrying the sent tag and no error', () => {
  assert.deepEqual(events[0], { kind: 'none' });
  assert.deepEqual(procEventAcks(bytes), [{ tag: 4242, err: 0 }]);
});

test('each /bin/true: forked by the recorder, exec, exit 0 with SIGCHLD to its parent, in time order', () => {
  for (const pid of [t1, t2, t3]) {
    const mine = events.filter((e) => (e.kind === 'fork' ? e.childTgid === pid : e.kind !== 'none' && e.tgid === pid));
    assert.deepEqual(
      mine.map((e) => e.kind),
      ['fork', 'exec', 'exit'],
    );
    const [fork, exec, exit] = mine as [Kind<'fork'>, Kind<'exec'>, Kind<'exit'>];
    assert.equal(fork.parentTgid, meta.recorder);
    assert.equal(fork.childPid, pid);
    assert.deepEqual([exec.pid, exec.tgid], [pid, pid]);
    assert.deepEqual([exit.pid, exit.tgid, exit.exitCode, exit.exitSignal], [pid, pid, 0, 17]);
    assert.ok(fork.monoMs < exec.monoMs && exec.monoMs <= exit.monoMs);
    assert.ok(fork.monoMs > 1000); // milliseconds since boot, not nanoseconds or seconds
  }
});

test('sh -c forks a child for its first command, then exits with status 3 (wait status 3<<8)', () => {
  const forks = of('fork').filter((e) => e.parentTgid === sh);
  assert.ok(forks.length >= 1);
  for (const f of forks) {
    assert.equal(f.childPid, f.childTgid);
    assert.ok(of('exec').some((e) => e.tgid === f.childTgid));
    assert.ok(of('exit').some((e) => e.tgid === f.childTgid && e.exitCode === 0));
  }
  const exit = of('exit').filter((e) => e.tgid === sh && e.pid === sh);
  assert.equal(exit.length, 1);
  assert.equal(exit[0]!.exitCode, 3 << 8);
});

test('a thread: fork with childPid !== childTgid, its exit; the rename is a comm event', () => {
  const threads = of('fork').filter((e) => e.childTgid === py && e.childPid !== py);
  assert.ok(threads.length >= 1, 'python started a thread');
  for (const t of threads) {
    // The kernel names the process's parent as a thread's parent, not the thread that made it.
    assert.equal(t.parentTgid, meta.recorder);
    assert.ok(of('exit').some((e) => e.pid === t.childPid && e.tgid === py));
  }
  const comm = of('comm').filter((e) => e.tgid === py);
  assert.deepEqual(
    comm.map((e) => [e.pid, e.comm]),
    [[py, 'rec-thread']],
  );
  assert.equal(of('exit').filter((e) => e.pid === py && e.tgid === py).length, 1);
});

test('several messages in one datagram, truncated and foreign messages', () => {
  const two = Buffer.concat([bytes, bytes]);
  assert.equal(parseProcEvents(two).length, events.length * 2);
  const first = bytes.readUInt32LE(0);
  assert.equal(parseProcEvents(bytes.subarray(0, first - 1)).length, 0);
  const foreign = Buffer.from(bytes.subarray(0, first));
  foreign.writeUInt32LE(7, 16); // another connector index
  assert.deepEqual(parseProcEvents(foreign), []);
  assert.deepEqual(parseProcEvents(Buffer.alloc(3)), []);
});

test('subscribe and unsubscribe messages', () => {
  const hdr = (len: number) => len.toString(16).padStart(2, '0') + '000000' + '0300' + '0000' + '00000000' + '00000000';
  const cn = (tag: number) => '01000000' + '01000000' + '00000000' + tag.toString(16).padStart(2, '0') + '000000' + '0400' + '0000';
  assert.equal(procEventsSubscribe('listen', 5).toString('hex'), hdr(40) + cn(5) + '01000000');
  assert.equal(procEventsSubscribe('ignore').toString('hex'), hdr(40) + cn(0) + '02000000');
});
