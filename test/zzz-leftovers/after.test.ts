// Runs last (sorted order): every temporary entry named bwtop-*, tmux socket and bwtop namespace
// that exists now but did not before the first test file ran is a leak, and fails the suite.
// A test's own cleanup runs when its process ends, so a leftover is given a few seconds to go,
// and while another run of the tests is under way on the same machine (its files are not this
// run's), the check waits for it to end; a leak stays.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { BASELINE, leftovers, otherTestRuns } from '../000-leftovers/leftovers.js';

const GRACE_MS = 10_000;
const OTHER_RUNS_MS = 180_000;

test('the tests left no temporary files, tmux servers or namespaces behind', { timeout: 300_000 }, async (t) => {
  if (!existsSync(BASELINE)) return t.skip('no record from the first test file; run the whole suite (npm test)');
  const before = new Set((JSON.parse(readFileSync(BASELINE, 'utf8')) as { entries: string[] }).entries);
  rmSync(BASELINE, { force: true });
  const added = (): string[] => leftovers().filter((p) => !before.has(p));
  const sleep = (ms: number): Promise<unknown> => new Promise((r) => setTimeout(r, ms));
  let left = added();
  const patience = Date.now() + OTHER_RUNS_MS;
  while (left.length > 0 && otherTestRuns().length > 0 && Date.now() < patience) {
    await sleep(1000);
    left = added();
  }
  if (left.length > 0 && otherTestRuns().length > 0) {
    return t.skip(`another test run is still under way on this machine, so these may be its own: ${left.join(', ')}`);
  }
  const end = Date.now() + GRACE_MS;
  while (left.length > 0 && Date.now() < end) {
    await sleep(500);
    const now = new Set(added());
    left = left.filter((p) => now.has(p)); // only what was there from the start and stays
  }
  assert.deepEqual(left, [], `the tests left these behind: ${left.join(', ')}`);
});
