// The README is the user's whole manual: every option of every command and every --json field is
// in it, it points to nothing outside the repository, and CI runs exactly its install and test
// commands.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/args.js';
import { snapshotJsonAllConnections } from '../../src/cli/json-output.js';
import { snap } from './snapshot-fixture.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const CI = readFileSync(join(REPO, '.ci/run'), 'utf8');

test('the README stands alone: no pointer to files outside the repository', () => {
  assert.doesNotMatch(README, /\.\.\/shared|CONTRACT\.md/);
});

test("CI runs exactly the Quick start's install and test commands, in order", () => {
  const quick = README.slice(README.indexOf('## Quick start'), README.indexOf('\n## ', README.indexOf('## Quick start') + 1));
  const blocks = [...quick.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim().split('\n'));
  const install = blocks.find((b) => b.includes('npm ci'));
  assert.deepEqual(install, ['npm ci', 'npm test'], 'the install-and-test block holds just these commands');
  const ciCommands = CI.split('\n')
    .map((l) => l.trim())
    .filter((l) => /^npm\b/.test(l));
  assert.deepEqual(ciCommands, install);
  // Every command of the Quick start works as root without sudo: each sudo line has a root twin.
  for (const block of blocks) {
    for (const line of block.filter((l) => l.startsWith('sudo '))) {
      const asRoot = line.replaceAll('sudo ', '').replace('"$(command -v node)"', 'node');
      assert.ok(block.includes(asRoot), `"${line}" has a form for root without sudo`);
    }
  }
});

test('every option of every command is in the README', () => {
  for (const c of COMMANDS) {
    for (const [name, o] of Object.entries(c.options)) {
      assert.ok(README.includes(`--${name}`), `${c.name || 'bwtop'} --${name}`);
      if (o.short !== undefined) assert.ok(README.includes(`-${o.short}`), `${c.name || 'bwtop'} -${o.short}`);
    }
  }
});

/** Every object key anywhere in a JSON value. */
function keysOf(v: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keysOf(x, keys);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      keys.add(k);
      keysOf(x, keys);
    }
  }
  return keys;
}

test('every field of both JSON outputs (--json, connections --json) is explained in the README', () => {
  const conn = spawnSync(
    process.execPath,
    [join(REPO, 'dist/src/cli/main.js'), 'connections', '--json', '--all', '--proc-root', join(REPO, 'fixtures/proc/loopback-mix')],
    { encoding: 'utf8' },
  );
  assert.equal(conn.status, 0, conn.stderr);
  const keys = keysOf(JSON.parse(conn.stdout), keysOf(JSON.parse(snapshotJsonAllConnections(snap))));
  for (const k of [...keys].filter((k) => !['tcp', 'udp', 'other'].includes(k))) {
    // As `key`, `key[]`, `key.sub` or `parent.key` in the field tables.
    assert.match(README, new RegExp(`\`(\\w+\\.)?${k}(\`|\\[\\]\`|\\.)`), `field ${k}`);
  }
});
