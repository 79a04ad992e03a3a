// PlacementReader over a procfs-shaped directory built from recorded files: the container's name
// from Docker's config.v2.json (found through dockerd's root and command line), short ids when
// no metadata is readable, `ip netns` names, units, and one read per process.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PlacementReader } from '../../src/adapters/placement.js';

const FIX = fileURLToPath(new URL('../../../fixtures/placement/', import.meta.url));
const DOCKER_ID = '4ccb457753c836ab0e8f17ad145bf3c183f3c6089c45beb5198f7e4fb75e43c2';
const dir = mkdtempSync(join(tmpdir(), 'bwtop-placement-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const proc = join(dir, 'proc');
function put(path: string, from: string | null, text = ''): void {
  mkdirSync(join(path, '..'), { recursive: true });
  if (from === null) writeFileSync(path, text);
  else cpSync(join(FIX, from), path);
}
put(join(proc, 'self/cgroup'), 'self.cgroup');
put(join(proc, 'self/mountinfo'), 'mountinfo');
put(join(proc, '100/cgroup'), 'docker-httpd.cgroup');
put(join(proc, '200/cgroup'), 'pid1.cgroup');
put(join(proc, '300/cgroup'), null, '0::/system.slice/cron.service\n');
// dockerd (pid 50) with a data root of its own, seen through its root link.
put(join(proc, '50/comm'), null, 'dockerd\n');
put(join(proc, '50/cmdline'), null, '/usr/sbin/dockerd\0--data-root\0/srv/docker\0');
put(join(proc, `50/root/srv/docker/containers/${DOCKER_ID}/config.v2.json`), 'docker-config.v2.json');

test('a Docker container is named from config.v2.json under the data root dockerd was given', () => {
  const r = new PlacementReader(proc, { hostRoot: join(dir, 'host') });
  assert.deepEqual(r.placementOf(100, 1, 4026532324), { container: 'bwtop-web', unit: null });
});

test('without readable metadata the container is its short id', () => {
  const r = new PlacementReader(proc, { hostRoot: null });
  assert.deepEqual(r.placementOf(100, 1, 4026532324), { container: '4ccb457753c8', unit: null });
});

test('outside a container: the `ip netns` name of the namespace, else null; units apart', () => {
  const r = new PlacementReader(proc, { hostRoot: null });
  assert.deepEqual(r.placementOf(200, 1, 4026532177), { container: 'bwtfix-a', unit: null });
  assert.deepEqual(r.placementOf(300, 1, null), { container: null, unit: 'cron.service' });
  assert.deepEqual(r.placementOf(300, 2, 4026530000), { container: null, unit: 'cron.service' });
});

test('a process is read once (pid + start time); a gone one is not remembered', () => {
  const r = new PlacementReader(proc, { hostRoot: null });
  assert.deepEqual(r.placementOf(300, 7, null), { container: null, unit: 'cron.service' });
  writeFileSync(join(proc, '300/cgroup'), '0::/system.slice/other.service\n');
  assert.deepEqual(r.placementOf(300, 7, null), { container: null, unit: 'cron.service' });
  assert.deepEqual(r.placementOf(300, 8, null), { container: null, unit: 'other.service' }); // a new process under the pid
  writeFileSync(join(proc, '300/cgroup'), '0::/system.slice/cron.service\n');
  assert.deepEqual(r.placementOf(999, 1, null), { container: null, unit: null });
});
