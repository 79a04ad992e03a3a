// Committed text snapshots of the drawn grid (test/ui/snapshots/*.txt). UPDATE_SNAPSHOTS=1
// rewrites them; review the diff before committing.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/ui/; the snapshots live beside the sources.
const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'ui', 'snapshots');

export function matchSnapshot(name: string, text: string): void {
  const file = join(DIR, `${name}.txt`);
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, body);
    return;
  }
  if (!existsSync(file)) assert.fail(`snapshot ${file} is missing; run the tests with UPDATE_SNAPSHOTS=1 and review it`);
  assert.equal(body, readFileSync(file, 'utf8'), `screen differs from ${file} (UPDATE_SNAPSHOTS=1 to accept)`);
}
