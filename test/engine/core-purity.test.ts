// src/core is pure: it takes Buffers and strings and returns plain data, so it never imports
// fs, os, child_process, net, dgram, blessed, blessed-contrib or pcap (with or without "node:",
// subpaths included). Scans every source file's static imports, re-exports, dynamic imports and
// require calls; fails the moment one is added.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CORE = join(REPO, 'src/core');
const FORBIDDEN = ['fs', 'os', 'child_process', 'net', 'dgram', 'blessed', 'blessed-contrib', 'pcap'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|cts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Every module specifier a source text names. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from 'm' / export * from 'm'
    /\bimport\s*['"]([^'"]+)['"]/g, // import 'm' (side effects)
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('m')
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // require('m')
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

function forbidden(spec: string): boolean {
  const bare = spec.replace(/^node:/, '');
  return FORBIDDEN.some((m) => bare === m || bare.startsWith(`${m}/`));
}

test('the scanner sees every way of importing a module', () => {
  const sample = [
    "import { readFileSync } from 'node:fs';",
    'import * as os from "os";',
    "import type { Socket } from 'node:net';",
    "export { spawn } from 'child_process';",
    "import 'dgram';",
    "const b = await import('blessed');",
    "const c = require('blessed-contrib');",
    "import pcap from 'pcap';",
    "import {\n  writeFile,\n} from 'fs/promises';",
    "import { x } from './fs.js';", // a relative path is fine
    "import { y } from 'osmosis';", // another package whose name starts with "os" is fine
  ].join('\n');
  const found = specifiers(sample);
  assert.deepEqual(found.filter(forbidden).sort(), ['blessed', 'blessed-contrib', 'child_process', 'dgram', 'fs/promises', 'node:fs', 'node:net', 'os', 'pcap'].sort());
  assert.ok(found.includes('./fs.js') && !forbidden('./fs.js'));
  assert.ok(found.includes('osmosis') && !forbidden('osmosis'));
});

test('src/core imports no fs, os, child_process, net, dgram, blessed, blessed-contrib or pcap', () => {
  const files = sourceFiles(CORE);
  assert.ok(files.length >= 30, `found the core sources (${files.length})`);
  const offenders: string[] = [];
  for (const f of files) {
    for (const spec of specifiers(readFileSync(f, 'utf8'))) {
      if (forbidden(spec)) offenders.push(`${relative(REPO, f)} imports ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

