// Names from runtime metadata and mountinfo: recorded files of this machine (a Docker container's
// config.v2.json, dockerd's command line, mountinfo with `ip netns` mounts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  criNameFromConfig,
  dockerDataRootFromCmdline,
  dockerDataRootFromDaemonJson,
  dockerNameFromConfig,
  netnsNamesFromMountinfo,
  storageNameFromContainersJson,
} from '../../src/core/placement/metadata.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../fixtures/placement/${name}`, import.meta.url)), 'utf8');

test("Docker's config.v2.json names the container without its slash", () => {
  assert.equal(dockerNameFromConfig(fixture('docker-config.v2.json')), 'bwtop-web');
  assert.equal(dockerNameFromConfig('{"Name":"/"}'), null);
  assert.equal(dockerNameFromConfig('{"Name":'), null); // cut short while written
  assert.equal(dockerNameFromConfig('[]'), null);
});

test("dockerd's data root from its command line, else daemon.json", () => {
  assert.equal(dockerDataRootFromCmdline(fixture('dockerd.cmdline')), null); // recorded: plain `dockerd`
  assert.equal(dockerDataRootFromCmdline('/usr/bin/dockerd\0--data-root\0/srv/docker\0-H\0fd://\0'), '/srv/docker');
  assert.equal(dockerDataRootFromCmdline('/usr/bin/dockerd\0--data-root=/srv/d\0'), '/srv/d');
  assert.equal(dockerDataRootFromCmdline('dockerd\0-g\0/old\0'), '/old');
  assert.equal(dockerDataRootFromDaemonJson('{"data-root": "/mnt/docker", "log-driver": "local"}'), '/mnt/docker');
  assert.equal(dockerDataRootFromDaemonJson('{}'), null);
  assert.equal(dockerDataRootFromDaemonJson('not json'), null);
});

test('CRI annotations: namespace/pod/container; the sandbox is the pod', () => {
  const containerd = JSON.stringify({
    annotations: {
      'io.kubernetes.cri.container-type': 'container',
      'io.kubernetes.cri.container-name': 'coredns',
      'io.kubernetes.cri.sandbox-name': 'coredns-5d78c9869d-7xk2p',
      'io.kubernetes.cri.sandbox-namespace': 'kube-system',
    },
  });
  assert.equal(criNameFromConfig(containerd), 'kube-system/coredns-5d78c9869d-7xk2p/coredns');
  const crioSandbox = JSON.stringify({
    annotations: { 'io.kubernetes.pod.name': 'web-0', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.container.name': 'POD' },
  });
  assert.equal(criNameFromConfig(crioSandbox), 'shop/web-0');
  assert.equal(criNameFromConfig('{"annotations":{}}'), null);
  assert.equal(criNameFromConfig('{}'), null);
});

test('containers.json (Podman, CRI-O): the first name of the id', () => {
  const doc = JSON.stringify([
    { id: 'b'.repeat(64), names: ['db'] },
    { id: 'c'.repeat(64), names: [] },
  ]);
  assert.equal(storageNameFromContainersJson(doc, 'b'.repeat(64)), 'db');
  assert.equal(storageNameFromContainersJson(doc, 'c'.repeat(64)), null);
  assert.equal(storageNameFromContainersJson('{}', 'b'.repeat(64)), null);
});

test('ip netns names from recorded mountinfo: only /run/netns mounts, by inode', () => {
  const names = netnsNamesFromMountinfo(fixture('mountinfo'));
  assert.equal(names.get(4026532177), 'bwtfix-a');
  assert.equal(names.get(4026532247), 'bwtop-prom-15052-896237');
  assert.equal(names.get(4026532324), undefined); // Docker's own /run/docker/netns mount is no `ip netns` name
  assert.equal(names.size, 3);
  const escaped = '45 44 0:4 net:[42] /run/netns/a\\040b rw shared:2 - nsfs nsfs rw\n';
  assert.equal(netnsNamesFromMountinfo(escaped).get(42), 'a b');
});
