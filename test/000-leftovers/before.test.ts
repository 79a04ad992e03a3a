// Runs first (sorted order): records what exists before any test, for the last test file
// (zzz-leftovers) to find what the run left behind.
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { BASELINE, leftovers } from './leftovers.js';

test('record temporary entries, tmux sockets and namespaces before the tests', () => {
  writeFileSync(BASELINE, JSON.stringify({ at: Date.now(), entries: leftovers() }));
});
