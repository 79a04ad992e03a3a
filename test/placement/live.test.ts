// Placement of real processes, read the way the engine reads them (ProcessRegistry over /proc):
// a process in an `ip netns` namespace is named by it; with Docker running here, a container's
// processes by the container's name, on the host network too; a host process by neither.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterEach, test } from 'node:test';
import { withPlacement } from '../../src/adapters/placement.js';
import { ProcFs } from '../../src/adapters/procfs.js';
import { ProcessRegistry } from '../../src/core/engine/process-registry.js';
import { SKIP, createNetns, exited, killAll, sleep, startBwtop, track, type JsonProcess } from '../live/harness.js';

afterEach(killAll);

const registry = () => new ProcessRegistry(withPlacement(new ProcFs('/proc')));
const inode = (pid: number | 'self') => Number(/\d+/.exec(readlinkSync(`/proc/${pid}/ns/net`))![0]);

test('a process in an `ip netns` namespace: the namespace name as container, its inode as netns', {
  skip: SKIP,
  timeout: 30_000,
}, async (t) => {
  const ns = createNetns('bwtop-place');
  t.after(ns.remove);
  const child = track(spawn(...ns.run('sleep', ['30']), { stdio: 'ignore' }));
  await sleep(300); // `ip netns exec` has exec'd sleep by then
  const e = registry().byPid(child.pid!, 0)!;
  assert.equal(e.name, 'sleep');
  assert.equal(e.container, ns.name);
  assert.equal(e.netns, inode(child.pid!));
  assert.notEqual(e.netns, inode('self'));
  const host = registry().byPid(process.pid, 0)!;
  assert.equal(host.container, null);
  assert.equal(host.netns, inode('self'));
});

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8', timeout: 20_000 });
const DOCKER =
  SKIP ||
  (docker('image', 'inspect', 'bwtop-busybox').status === 0
    ? false
    : 'needs a running Docker with the bwtop-busybox image (fixtures/placement/README.md); skipped');

test('Docker: bridged and host-network containers named from config.v2.json', { skip: DOCKER, timeout: 60_000 }, async (t) => {
  const name = `bwtop-place-${process.pid}`;
  for (const [suffix, net] of [
    ['', 'bridge'],
    ['-host', 'host'],
  ] as const) {
    const r = docker('run', '-d', '--rm', '--network', net, '--name', name + suffix, 'bwtop-busybox', 'sleep', '60');
    t.after(() => docker('rm', '-f', name + suffix));
    assert.equal(r.status, 0, r.stderr);
    const id = r.stdout.trim();
    const pid = Number(docker('inspect', '-f', '{{.State.Pid}}', id).stdout.trim());
    const e = registry().byPid(pid, 0)!;
    assert.equal(e.container, name + suffix);
    assert.equal(e.unit, null);
    assert.equal(e.netns === inode('self'), net === 'host');
  }
});

test('Docker host network: `bwtop --json` names the server process by its container', { skip: DOCKER, timeout: 60_000 }, async (t) => {
  const name = `bwtop-json-${process.pid}`;
  const port = String(20_000 + (process.pid % 10_000));
  const r = docker(
    'run',
    '-d',
    '--rm',
    '--network',
    'host',
    '--name',
    name,
    'bwtop-busybox',
    'httpd',
    '-f',
    '-p',
    `127.0.0.1:${port}`,
    '-h',
    '/',
  );
  t.after(() => docker('rm', '-f', name));
  assert.equal(r.status, 0, r.stderr);
  const size = Number(docker('exec', name, 'stat', '-c', '%s', '/bin/busybox').stdout.trim());
  assert.ok(size > 100_000);
  const bw = await startBwtop(['-i', 'lo', '-d', '0.5']);
  await sleep(500);
  const got = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{size_download}', `http://127.0.0.1:${port}/bin/busybox`], {
    encoding: 'utf8',
  });
  assert.equal(Number(got.stdout), size);
  await sleep(1500);
  bw.child.kill('SIGINT');
  await exited(bw.child);
  const last = bw.lines().at(-1)!.processes as Array<JsonProcess & { container: string | null; unit: string | null }>;
  const httpd = last.find((p) => p.name === 'httpd' && p.container === name);
  assert.ok(httpd, JSON.stringify(last.map((p) => [p.name, p.container])));
  assert.ok(httpd.sent_total > size, `${httpd.sent_total} IP bytes for a ${size}-byte file`);
  // The client on the host (a process or a short-lived program entry, if credited) has none.
  for (const p of last.filter((e) => e.name === 'curl')) assert.equal(p.container, null);
});
