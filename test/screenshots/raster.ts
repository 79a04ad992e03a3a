// Draws a terminal grid into a PNG (pngjs): 8x16 cells, the Terminus 8x14 bitmap font that ships
// with blessed for text, and exact geometry for braille dots, eighth blocks and box lines (so
// charts, bars and borders join up as a terminal draws them).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import type { Cell, Colour } from './terminal-grid.js';

export const CELL_W = 8;
export const CELL_H = 16;

type Glyphs = Map<string, string[]>;

function loadFont(file: string): Glyphs {
  const dir = join(dirname(createRequire(import.meta.url).resolve('blessed/package.json')), 'usr', 'fonts');
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { glyphs: Record<string, { map: string[] }> };
  return new Map(Object.entries(json.glyphs).map(([ch, g]) => [ch, g.map]));
}

let fonts: { normal: Glyphs; bold: Glyphs } | null = null;

type Rgb = [number, number, number];

const BASE16: Rgb[] = [
  [0, 0, 0],
  [205, 49, 49],
  [13, 188, 121],
  [229, 229, 16],
  [36, 114, 200],
  [188, 63, 188],
  [17, 168, 205],
  [229, 229, 229],
  [102, 102, 102],
  [241, 76, 76],
  [35, 209, 139],
  [245, 245, 67],
  [59, 142, 234],
  [214, 112, 214],
  [41, 184, 219],
  [255, 255, 255],
];
const DEFAULT_FG: Rgb = [214, 214, 214];
const DEFAULT_BG: Rgb = [24, 24, 28];

/** A palette index (0-255) as RGB: the 16 base colours, the 6x6x6 cube, the grey ramp. */
export function paletteColour(i: number): Rgb {
  if (i < 16) return BASE16[i]!;
  if (i < 232) {
    const lv = [0, 95, 135, 175, 215, 255];
    const n = i - 16;
    return [lv[Math.floor(n / 36)]!, lv[Math.floor(n / 6) % 6]!, lv[n % 6]!];
  }
  const g = 8 + (i - 232) * 10;
  return [g, g, g];
}

/** Pixels of a character drawn geometrically, or null to use the font. */
function geometric(ch: string): ((x: number, y: number) => boolean) | null {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x2800 && cp <= 0x28ff) {
    const bits = cp - 0x2800;
    // Dot numbering: 1 2 3 7 down the left column, 4 5 6 8 down the right.
    const dots: Array<[number, number, number]> = [
      [0, 0, 1],
      [0, 1, 2],
      [0, 2, 4],
      [1, 0, 8],
      [1, 1, 16],
      [1, 2, 32],
      [0, 3, 64],
      [1, 3, 128],
    ];
    return (x, y) => dots.some(([c, r, b]) => (bits & b) !== 0 && x >= 1 + c * 4 && x < 3 + c * 4 && y >= 1 + r * 4 && y < 3 + r * 4);
  }
  if (cp >= 0x2588 && cp <= 0x258f) {
    const eighths = 8 - (cp - 0x2588); // █ is 8/8, ▏ is 1/8
    return (x) => x < eighths;
  }
  const lines: Record<string, [boolean, boolean, boolean, boolean]> = {
    // up, down, left, right
    '─': [false, false, true, true],
    '│': [true, true, false, false],
    '┌': [false, true, false, true],
    '┐': [false, true, true, false],
    '└': [true, false, false, true],
    '┘': [true, false, true, false],
    '├': [true, true, false, true],
    '┤': [true, true, true, false],
    '┬': [false, true, true, true],
    '┴': [true, false, true, true],
    '┼': [true, true, true, true],
  };
  const l = lines[ch];
  if (!l) return null;
  const [up, down, left, right] = l;
  const cx = 3;
  const cy = 7;
  return (x, y) => (x === cx && ((up && y <= cy) || (down && y >= cy))) || (y === cy && ((left && x <= cx) || (right && x >= cx)));
}

function glyphPixel(cell: Cell): (x: number, y: number) => boolean {
  const g = geometric(cell.ch);
  if (g) return g;
  fonts ??= { normal: loadFont('ter-u14n.json'), bold: loadFont('ter-u14b.json') };
  const font = cell.bold ? fonts.bold : fonts.normal;
  const map = font.get(cell.ch) ?? (cell.ch === ' ' || cell.ch === '' ? null : font.get('?'));
  if (!map) return () => false;
  return (x, y) => {
    const row = map[y - 1]; // one blank pixel row above the 14-row glyph
    return row !== undefined && row[x] !== undefined && row[x] !== ' ';
  };
}

export function colourRgb(c: Colour, isFg: boolean): Rgb {
  if (c.kind === 'palette') return paletteColour(c.index);
  if (c.kind === 'rgb') return [(c.rgb >> 16) & 255, (c.rgb >> 8) & 255, c.rgb & 255];
  return isFg ? DEFAULT_FG : DEFAULT_BG;
}

/** The grid as a PNG image, CELL_W x CELL_H pixels per cell. */
export function rasterize(grid: Cell[][]): PNG {
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  const png = new PNG({ width: cols * CELL_W, height: rows * CELL_H, colorType: 2 });
  const { width, data } = png;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const cell = grid[r]![c]!;
      let fg = colourRgb(cell.fg, true);
      let bg = colourRgb(cell.bg, false);
      if (cell.inverse) [fg, bg] = [bg, fg];
      // A double-width character is drawn from its first cell across both.
      const on = cell.width === 0 ? () => false : glyphPixel(cell);
      for (let y = 0; y < CELL_H; y++) {
        for (let x = 0; x < CELL_W; x++) {
          const lit = on(x, y) || (cell.underline && y === CELL_H - 2);
          const [R, G, B] = lit ? fg : bg;
          const o = ((r * CELL_H + y) * width + c * CELL_W + x) * 4;
          data[o] = R;
          data[o + 1] = G;
          data[o + 2] = B;
          data[o + 3] = 255;
        }
      }
    }
  }
  return png;
}
