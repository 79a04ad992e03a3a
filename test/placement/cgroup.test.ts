// Container and unit from /proc/PID/cgroup: recorded text from this kind of machine (Docker's
// cgroupfs driver, cgroup v1 with the v2 line), and the path shapes of the other runtimes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { containerOfPath, parseCgroup, placementFromCgroup, shortId, unitOfPath } from '../../src/core/placement/cgroup.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../fixtures/placement/${name}`, import.meta.url)), 'utf8');
const DOCKER_ID = '4ccb457753c836ab0e8f17ad145bf3c183f3c6089c45beb5198f7e4fb75e43c2';
const ID = 'a'.repeat(56) + '0123abcd';

test('parseCgroup: every v1 hierarchy and the v2 line', () => {
  const lines = parseCgroup(fixture('docker-httpd.cgroup'));
  assert.equal(lines.length, 10);
  assert.deepEqual(lines[0], { hierarchy: 9, controllers: 'name=systemd', path: `/docker/${DOCKER_ID}` });
  assert.deepEqual(lines[9], { hierarchy: 0, controllers: '', path: `/docker/${DOCKER_ID}` });
});

test('a recorded Docker container (cgroupfs driver) is a docker container, no unit', () => {
  const p = placementFromCgroup(fixture('docker-httpd.cgroup'), fixture('self.cgroup'));
  assert.deepEqual(p, { container: { runtime: 'docker', id: DOCKER_ID, podUid: null }, unit: null });
  assert.equal(shortId(DOCKER_ID), '4ccb457753c8');
});

test('host processes (recorded pid 1 and bwtop itself) are in no container and no unit', () => {
  assert.deepEqual(placementFromCgroup(fixture('pid1.cgroup'), fixture('self.cgroup')), { container: null, unit: null });
  // This machine's own sandbox cgroup ("/process_api/<hex>") is not a container runtime's.
  assert.deepEqual(placementFromCgroup(fixture('self.cgroup'), null), { container: null, unit: null });
});

test('the container bwtop itself runs in is the host from its view', () => {
  const text = fixture('docker-httpd.cgroup');
  assert.deepEqual(placementFromCgroup(text, text), { container: null, unit: null });
});

test('systemd driver and other runtimes: one scope per container', () => {
  assert.deepEqual(containerOfPath(`/system.slice/docker-${ID}.scope`), { runtime: 'docker', id: ID, podUid: null });
  assert.deepEqual(containerOfPath(`/machine.slice/libpod-${ID}.scope`), { runtime: 'podman', id: ID, podUid: null });
  assert.deepEqual(containerOfPath(`/machine.slice/libpod-${ID}.scope/container`), { runtime: 'podman', id: ID, podUid: null });
  assert.equal(containerOfPath(`/machine.slice/libpod-conmon-${ID}.scope`), null); // the monitor, not the container
  assert.equal(containerOfPath(`/system.slice/crio-conmon-${ID}.scope`), null);
  assert.equal(containerOfPath('/system.slice/docker.service'), null); // dockerd itself
  assert.equal(containerOfPath('/system.slice/containerd.service'), null);
});

test('Kubernetes: the pod uid with the container, systemd and cgroupfs drivers', () => {
  const uid = '0f3b9c2e-5d1a-4b7c-9e8f-1a2b3c4d5e6f';
  const under = uid.replaceAll('-', '_');
  assert.deepEqual(
    containerOfPath(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${under}.slice/cri-containerd-${ID}.scope`),
    { runtime: 'containerd', id: ID, podUid: uid },
  );
  assert.deepEqual(containerOfPath(`/kubepods.slice/kubepods-pod${under}.slice/crio-${ID}.scope`), {
    runtime: 'crio',
    id: ID,
    podUid: uid,
  });
  assert.deepEqual(containerOfPath(`/kubepods/besteffort/pod${uid}/${ID}`), { runtime: 'kubernetes', id: ID, podUid: uid });
  assert.deepEqual(containerOfPath(`/system.slice/containerd.service/kubepods-besteffort-pod${under}.slice:cri-containerd:${ID}`), {
    runtime: 'containerd',
    id: ID,
    podUid: uid,
  });
  assert.equal(containerOfPath(`/kubepods/besteffort/pod${uid}`), null); // the pod's own cgroup holds no process
});

test('a bare 64-hex component is a container only under docker/ or a pod', () => {
  assert.equal(containerOfPath(`/user.slice/${ID}`), null);
  assert.equal(containerOfPath(`/${ID}`), null);
});

test('units: services, scopes, user sessions; containers never', () => {
  assert.equal(unitOfPath('/system.slice/nginx.service'), 'nginx.service');
  assert.equal(unitOfPath('/system.slice/system-getty.slice/getty@tty1.service'), 'getty@tty1.service');
  assert.equal(unitOfPath('/user.slice/user-1000.slice/session-3.scope'), 'session-3.scope');
  assert.equal(unitOfPath('/user.slice/user-1000.slice/user@1000.service/app.slice/app-tmux.scope'), 'app-tmux.scope');
  assert.equal(unitOfPath('/init.scope'), 'init.scope');
  assert.equal(unitOfPath(`/system.slice/docker-${ID}.scope`), null);
  assert.equal(unitOfPath('/'), null);
  assert.equal(unitOfPath('/user.slice'), null);
});

test('placement: the unit from the systemd hierarchy (v1) or the unified line (v2)', () => {
  const v1 = '12:pids:/system.slice/ssh.service\n1:name=systemd:/system.slice/ssh.service\n0::/system.slice/ssh.service\n';
  assert.deepEqual(placementFromCgroup(v1, null), { container: null, unit: 'ssh.service' });
  assert.deepEqual(placementFromCgroup('0::/system.slice/cron.service\n', null), { container: null, unit: 'cron.service' });
  const podman = `0::/machine.slice/libpod-${ID}.scope/container\n`;
  assert.deepEqual(placementFromCgroup(podman, null), { container: { runtime: 'podman', id: ID, podUid: null }, unit: null });
  assert.deepEqual(placementFromCgroup('', null), { container: null, unit: null });
});
