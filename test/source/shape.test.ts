// The shape of the source that neither the compiler nor the linter checks: every line of src and
// test within 140 characters (what the formatter aims at, which it cannot reach inside a string
// or a comment), every file of src within 300 lines.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAX_LINE = 140;
const MAX_FILE_LINES = 300;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|cts|js|mjs|cjs|py|sh|c)$/.test(e.name) ? [p] : [];
  });
}

/** "file:line (length)" of every line longer than `max` characters (code points). */
function longLines(files: string[], max: number): string[] {
  const out: string[] = [];
  for (const f of files) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const length = [...line].length;
        if (length > max) out.push(`${relative(REPO, f)}:${i + 1} (${length})`);
      });
  }
  return out;
}

test(`every line of src and test is within ${MAX_LINE} characters`, () => {
  const files = [...sourceFiles(join(REPO, 'src')), ...sourceFiles(join(REPO, 'test'))];
  assert.ok(files.length > 150, `found the sources (${files.length})`);
  assert.deepEqual(longLines(files, MAX_LINE), []);
});

test(`every file of src is within ${MAX_FILE_LINES} lines`, () => {
  const long = sourceFiles(join(REPO, 'src'))
    .map((f) => ({ f: relative(REPO, f), n: readFileSync(f, 'utf8').split('\n').length - 1 }))
    .filter(({ n }) => n > MAX_FILE_LINES)
    .map(({ f, n }) => `${f} (${n})`);
  assert.deepEqual(long, []);
});

test('the line check counts characters, not bytes, and fails on a long line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bwtop-shape-'));
  try {
    const probe = join(dir, 'probe.ts');
    writeFileSync(probe, `${'é'.repeat(MAX_LINE)}\n${'x'.repeat(MAX_LINE + 1)}\n`);
    assert.deepEqual(longLines([probe], MAX_LINE), [`${relative(REPO, probe)}:2 (${MAX_LINE + 1})`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
