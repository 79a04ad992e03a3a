// The layers of src keep to their rules (test/engine/layer-rules.ts):
// - core is pure: it imports only other core files (no package or built-in: fs, os, child_process,
//   net, dgram, dns, http, https, worker_threads, process, timers, blessed, blessed-contrib, pcap,
//   netlink, ...), no relative import leaves core, and it never reads the clock (Date.now,
//   new Date()), the process (process.*) or the timers: time and input come in as arguments.
// - ui only draws the view model: its own files, core/view, core/model, blessed and
//   blessed-contrib (the cli wires adapters to it; it imports none).
// - adapters are I/O edges: they never import cli or ui.
// The check proves it can fail on a copy of the tree with breaches planted in it.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IO_MODULES, layerOffences, specifiers, stripSource } from './layer-rules.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

test('the scanner sees every way of importing a module', () => {
  const sample = [
    "import { readFileSync } from 'node:fs';",
    'import * as os from "os";',
    "import type { Socket } from 'node:net';",
    "export { spawn } from 'child_process';",
    "import 'dgram';",
    "const b = await import('blessed');",
    "const c = require('blessed-contrib');",
    "type T = import('pcap').Session;",
    "import {\n  writeFile,\n} from 'fs/promises';",
    "// import { gone } from 'http';",
    "/* import { gone } from 'https'; */",
    "const text = 'not an import of net';",
  ].join('\n');
  assert.deepEqual(
    specifiers(sample).sort(),
    ['blessed', 'blessed-contrib', 'child_process', 'dgram', 'fs/promises', 'node:fs', 'node:net', 'os', 'pcap'].sort(),
  );
});

test('comments and string contents are not code; template substitutions are', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: source text holding a template literal
  const { code } = stripSource("// process.exit()\nconst a = 'Date.now()'; /* setTimeout( */ const b = `${Date.now()} process.`;\n");
  assert.equal(code.includes('process.'), false);
  assert.equal(code.includes('setTimeout'), false);
  assert.equal((code.match(/Date\.now/g) ?? []).length, 1);
});

test('src keeps the layer rules', () => {
  assert.deepEqual(layerOffences(SRC), []);
});

test('the check fails on breaches planted in a copy of the tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bwtop-purity-'));
  try {
    const src = join(dir, 'src');
    cpSync(SRC, src, { recursive: true });
    const plant = (path: string, text: string): void => writeFileSync(join(src, path), text);
    plant('core/engine/planted.ts', "import { readProcText } from '../../adapters/procfs.js';\nexport const x = readProcText;\n");
    plant('core/view/planted-clock.ts', 'export const t = (): number => Date.now() + Number(process.env.X) + Number(new Date());\n');
    plant('core/view/planted-timer.ts', 'export function later(f: () => void): void {\n  setTimeout(f, 1);\n}\n');
    plant('core/planted-io.ts', IO_MODULES.map((m, i) => `import * as m${i} from 'node:${m}';`).join('\n'));
    plant('core/planted-package.ts', "import { z } from 'zod';\n");
    plant('ui/planted.ts', "import { Engine } from '../core/engine/engine.js';\nimport { kill } from '../adapters/killer.js';\n");
    plant('adapters/planted.ts', "import type { Io } from '../cli/io.js';\nimport { draw } from '../ui/render.js';\n");
    const offences = layerOffences(src);
    assert.deepEqual(
      offences.sort(),
      [
        'adapters/planted.ts imports ../cli/io.js: an adapter importing cli or ui',
        'adapters/planted.ts imports ../ui/render.js: an adapter importing cli or ui',
        'core/engine/planted.ts imports ../../adapters/procfs.js: a relative import that leaves core',
        ...IO_MODULES.map((m) => `core/planted-io.ts imports node:${m}: an I/O or UI module in the pure core`),
        'core/planted-package.ts imports zod: a module in the pure core',
        'core/view/planted-clock.ts uses Date.now: core takes time and input as arguments',
        'core/view/planted-clock.ts uses new Date(): core takes time and input as arguments',
        'core/view/planted-clock.ts uses process.: core takes time and input as arguments',
        'core/view/planted-timer.ts uses a timer: core takes time and input as arguments',
        'ui/planted.ts imports ../adapters/killer.js: ui draws the view model only (its own files, core/view, core/model)',
        'ui/planted.ts imports ../core/engine/engine.js: ui draws the view model only (its own files, core/view, core/model)',
      ].sort(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
