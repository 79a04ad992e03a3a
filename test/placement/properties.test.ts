// Hostile and broken placement inputs: /proc/PID/cgroup, mountinfo and the runtimes' metadata,
// real ones mutated and arbitrary text, never make a parser throw; what they return is possible
// (ids of hex digits, names without a path separator or NUL, inodes in range).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { mutatedText } from '../proc/mutate.js';
import { containerOfPath, parseCgroup, placementFromCgroup, shortId, unitOfPath } from '../../src/core/placement/cgroup.js';
import {
  criNameFromConfig,
  dockerDataRootFromCmdline,
  dockerDataRootFromDaemonJson,
  dockerNameFromConfig,
  netnsNamesFromMountinfo,
  storageNameFromContainersJson,
} from '../../src/core/placement/metadata.js';

const dir = new URL('../../../fixtures/placement/', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, dir), 'latin1');

/** Random edits of a real text, with the characters these files are made of. */
const mutated = (base: string) => mutatedText(base, ':/-.\n 0123456789abcdef"{}[],\\\0podkube_scope.service', 12);

function checkCgroup(text: string, own: string): void {
  for (const l of parseCgroup(text)) assert.ok(Number.isInteger(l.hierarchy) || Number.isNaN(l.hierarchy) === false);
  const p = placementFromCgroup(text, own);
  if (p.container) {
    assert.match(p.container.id, /^[0-9a-f]+$/);
    assert.equal(shortId(p.container.id), p.container.id.slice(0, 12));
  }
  if (p.unit !== null) assert.ok(/\.(service|scope)$/.test(p.unit) && !p.unit.includes('/'));
  for (const line of text.split('\n')) {
    containerOfPath(line);
    unitOfPath(line);
  }
}

test('cgroup text: mutated real files and arbitrary text', () => {
  for (const f of ['docker-httpd.cgroup', 'pid1.cgroup', 'self.cgroup']) {
    const own = read('self.cgroup');
    fc.assert(
      fc.property(mutated(read(f)), (t) => checkCgroup(t, own)),
      { numRuns: 300 },
    );
  }
  fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 100 }), checkCgroup), { numRuns: 500 });
});

test('mountinfo: netns names from mutated real text and arbitrary text', () => {
  const check = (t: string): void => {
    for (const [ino, name] of netnsNamesFromMountinfo(t)) {
      assert.ok(Number.isSafeInteger(ino) && ino >= 0);
      assert.ok(name !== '' && !name.includes('/'));
    }
  };
  fc.assert(fc.property(mutated(read('mountinfo')), check), { numRuns: 300 });
  fc.assert(fc.property(fc.string({ maxLength: 400 }), check), { numRuns: 500 });
});

test('runtime metadata: mutated real JSON, arbitrary JSON values and text give a string or null', () => {
  const docker = read('docker-config.v2.json');
  const anyJson = fc.jsonValue().map((v) => JSON.stringify(v));
  const nameOrNull = (v: unknown): void => assert.ok(v === null || (typeof v === 'string' && v !== ''), String(v));
  fc.assert(
    fc.property(fc.oneof(mutated(docker), anyJson, fc.string()), (t) => {
      nameOrNull(dockerNameFromConfig(t));
      nameOrNull(criNameFromConfig(t));
      nameOrNull(dockerDataRootFromDaemonJson(t));
      nameOrNull(storageNameFromContainersJson(t, 'abc'));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.oneof(mutated(read('dockerd.cmdline')), fc.string()), (t) => nameOrNull(dockerDataRootFromCmdline(t))),
    { numRuns: 500 },
  );
});
