// The screenshot pipeline's pieces: ANSI capture -> cells -> pixels -> PNG.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { parseAnsiGrid } from './ansi-grid.js';
import { crc32, encodePng } from './png.js';
import { CELL_H, CELL_W, paletteColour, rasterize } from './raster.js';

test('PNG: signature, IHDR, CRCs and the pixel rows in IDAT', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]);
  const png = encodePng(2, 2, rgb);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let o = 8;
  const chunks: Record<string, Buffer> = {};
  while (o < png.length) {
    const len = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    const data = png.subarray(o + 8, o + 8 + len);
    assert.equal(png.readUInt32BE(o + 8 + len), crc32(png.subarray(o + 4, o + 8 + len)), `${type} CRC`);
    chunks[type] = data;
    o += 12 + len;
  }
  assert.deepEqual(Object.keys(chunks), ['IHDR', 'IDAT', 'IEND']);
  assert.equal(chunks.IHDR!.readUInt32BE(0), 2);
  assert.equal(chunks.IHDR!.readUInt32BE(4), 2);
  assert.deepEqual([...chunks.IHDR!.subarray(8)], [8, 2, 0, 0, 0]);
  assert.deepEqual([...inflateSync(chunks.IDAT!)], [0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 9, 9, 9]);
  assert.throws(() => encodePng(2, 2, new Uint8Array(3)));
});

test('ANSI grid: SGR colours and attributes, wide characters, ACS line drawing', () => {
  const text = '\x1b[1mB\x1b[0m\x1b[33my\x1b[7mi\x1b[0m漢x\n\x0elqk\x0f \x1b[38;5;208mo\x1b[48;5;21mb\x1b[m';
  const g = parseAnsiGrid(text, 8, 2);
  const row0 = g[0]!;
  assert.deepEqual([row0[0]!.ch, row0[0]!.bold, row0[1]!.ch, row0[1]!.fg, row0[2]!.inverse], ['B', true, 'y', 3, true]);
  assert.deepEqual([row0[3]!.ch, row0[4]!.filler, row0[5]!.ch], ['漢', true, 'x']);
  const row1 = g[1]!;
  assert.equal(
    row1
      .slice(0, 3)
      .map((c) => c.ch)
      .join(''),
    '┌─┐',
  );
  assert.deepEqual([row1[4]!.fg, row1[5]!.fg, row1[5]!.bg], [208, 208, 21]);
  assert.equal(row1[7]!.ch, ' ');
});

test('raster: cells are 8x16, a full block is all foreground, braille dots where set', () => {
  const cells = parseAnsiGrid('\x1b[31m█\x1b[m\u2801 ', 3, 1);
  const img = rasterize(cells);
  assert.equal(img.width, 3 * CELL_W);
  assert.equal(img.height, CELL_H);
  const px = (x: number, y: number): number[] => [...img.rgb.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
  const red = paletteColour(1, true);
  for (const [x, y] of [
    [0, 0],
    [7, 15],
    [3, 8],
  ] as const)
    assert.deepEqual(px(x, y), red);
  const fg = paletteColour(-1, true);
  const bg = paletteColour(-1, false);
  // ⠁ is dot 1: top-left only.
  assert.deepEqual(px(8 + 1, 1), fg);
  assert.deepEqual(px(8 + 5, 1), bg);
  assert.deepEqual(px(8 + 1, 13), bg);
  assert.deepEqual(paletteColour(196, true), [255, 0, 0]);
  assert.deepEqual(paletteColour(244, true), [128, 128, 128]);
});
