// The screenshot pipeline: program bytes -> terminal emulator cells -> pixels -> PNG, and the
// whole of `npm run screenshots` on the hand-built demo screen.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { CELL_H, CELL_W, colourRgb, paletteColour, rasterize } from './raster.js';
import { gridText, terminalGrid } from './terminal-grid.js';

test('terminal grid: SGR colours and attributes, wide characters, line drawing, cursor moves', async () => {
  const bytes =
    '\x1b[1mB\x1b[0m\x1b[33my\x1b[7mi\x1b[0m漢x\r\n' + // bold, palette 3, inverse, a wide character
    '\x1b(0lqk\x1b(B \x1b[38;5;208mo\x1b[48;5;21mb\x1b[m\x1b[38;2;1;2;3mt\x1b[m' + // DEC line drawing, 256 colours, RGB
    '\x1b[1;8H\x1b[4mu\x1b[m'; // back to row 1, column 8: underlined
  const g = await terminalGrid(bytes, 8, 2);
  assert.equal(gridText(g), 'Byi漢x u\n┌─┐ obt');
  const [r0, r1] = [g[0]!, g[1]!];
  assert.deepEqual([r0[0]!.bold, r0[1]!.fg, r0[2]!.inverse, r0[1]!.inverse], [true, { kind: 'palette', index: 3 }, true, false]);
  assert.deepEqual([r0[3]!.width, r0[4]!.width, r0[4]!.ch, r0[5]!.ch], [2, 0, '', 'x']);
  assert.equal(r0[7]!.underline, true);
  assert.deepEqual(
    [r1[4]!.fg, r1[5]!.fg, r1[5]!.bg],
    [
      { kind: 'palette', index: 208 },
      { kind: 'palette', index: 208 },
      { kind: 'palette', index: 21 },
    ],
  );
  assert.deepEqual([r1[6]!.fg, r1[6]!.bg], [{ kind: 'rgb', rgb: 0x010203 }, { kind: 'default' }]);
});

test('raster: cells are 8x16, a full block is all foreground, braille dots where set, colours', async () => {
  const png = rasterize(await terminalGrid('\x1b[31m█\x1b[m\u2801 ', 3, 1));
  assert.deepEqual([png.width, png.height], [3 * CELL_W, CELL_H]);
  const px = (x: number, y: number): number[] => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
  const red = paletteColour(1);
  for (const [x, y] of [
    [0, 0],
    [7, 15],
    [3, 8],
  ] as const)
    assert.deepEqual(px(x, y), red);
  const fg = colourRgb({ kind: 'default' }, true);
  const bg = colourRgb({ kind: 'default' }, false);
  // ⠁ is dot 1: top-left only.
  assert.deepEqual(px(8 + 1, 1), fg);
  assert.deepEqual(px(8 + 5, 1), bg);
  assert.deepEqual(px(8 + 1, 13), bg);
  assert.deepEqual(paletteColour(196), [255, 0, 0]);
  assert.deepEqual(paletteColour(244), [128, 128, 128]);
  assert.deepEqual(colourRgb({ kind: 'rgb', rgb: 0x102030 }, true), [16, 32, 48]);
  // The encoded file decodes to the same pixels.
  const back = PNG.sync.read(PNG.sync.write(png, { colorType: 2 }));
  assert.deepEqual([back.width, back.height], [png.width, png.height]);
  assert.ok(back.data.equals(png.data));
});

test('npm run screenshots on the demo screen: six 960x640 pictures, each a different screen', () => {
  const out = mkdtempSync(join(tmpdir(), 'bwtop-shots-test-'));
  try {
    const make = join(dirname(fileURLToPath(import.meta.url)), 'make.js');
    const r = spawnSync(process.execPath, [make, '--demo', '--out', out], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    const files = readdirSync(out).sort();
    assert.deepEqual(files, ['drill-down.png', 'grouped-container.png', 'grouped.png', 'help.png', 'kill-dialog.png', 'list-received.png']);
    const images = files.map((f) => PNG.sync.read(readFileSync(join(out, f))));
    for (const img of images) assert.deepEqual([img.width, img.height], [960, 640]);
    const distinct = new Set(images.map((img) => img.data.toString('base64')));
    assert.equal(distinct.size, files.length);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
