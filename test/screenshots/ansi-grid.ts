// Turns `tmux capture-pane -e -p` output (text with SGR escapes) back into a grid of cells with
// colours and attributes, for drawing screenshots.

import { isWide } from '../../src/core/view/width.js';

/** A colour: -1 default, 0-255 palette index. */
export interface Cell {
  ch: string;
  fg: number;
  bg: number;
  bold: boolean;
  inverse: boolean;
  underline: boolean;
  /** Second half of a double-width character. */
  filler: boolean;
}

interface Pen {
  fg: number;
  bg: number;
  bold: boolean;
  inverse: boolean;
  underline: boolean;
}

// VT100 special graphics, as tmux writes ACS cells between SO and SI.
const ACS: Record<string, string> = {
  j: '┘',
  k: '┐',
  l: '┌',
  m: '└',
  n: '┼',
  q: '─',
  t: '├',
  u: '┤',
  v: '┴',
  w: '┬',
  x: '│',
  a: '▒',
  '~': '·',
  '`': '◆',
};

const RESET: Pen = { fg: -1, bg: -1, bold: false, inverse: false, underline: false };

function applySgr(pen: Pen, params: number[]): Pen {
  const p = { ...pen };
  if (params.length === 0) params = [0];
  for (let i = 0; i < params.length; i++) {
    const n = params[i]!;
    if (n === 0) Object.assign(p, RESET);
    else if (n === 1) p.bold = true;
    else if (n === 4) p.underline = true;
    else if (n === 7) p.inverse = true;
    else if (n === 22) p.bold = false;
    else if (n === 24) p.underline = false;
    else if (n === 27) p.inverse = false;
    else if (n >= 30 && n <= 37) p.fg = n - 30;
    else if (n === 39) p.fg = -1;
    else if (n >= 40 && n <= 47) p.bg = n - 40;
    else if (n === 49) p.bg = -1;
    else if (n >= 90 && n <= 97) p.fg = n - 90 + 8;
    else if (n >= 100 && n <= 107) p.bg = n - 100 + 8;
    else if ((n === 38 || n === 48) && params[i + 1] === 5) {
      const v = params[i + 2] ?? 0;
      if (n === 38) p.fg = v;
      else p.bg = v;
      i += 2;
    }
  }
  return p;
}

export function parseAnsiGrid(text: string, cols: number, rows: number): Cell[][] {
  const blank = (): Cell => ({ ch: ' ', ...RESET, filler: false });
  const grid: Cell[][] = Array.from({ length: rows }, () => Array.from({ length: cols }, blank));
  const lines = text.split('\n');
  let pen: Pen = { ...RESET };
  let acs = false;
  for (let y = 0; y < rows && y < lines.length; y++) {
    const line = lines[y]!;
    let x = 0;
    for (let i = 0; i < line.length; ) {
      if (line[i] === '\x0e' || line[i] === '\x0f') {
        acs = line[i] === '\x0e';
        i++;
        continue;
      }
      if (line[i] === '\x1b') {
        const m = /^\x1b\[([0-9;]*)m/.exec(line.slice(i));
        if (m) {
          pen = applySgr(pen, m[1] ? m[1].split(';').map(Number) : []);
          i += m[0].length;
        } else {
          i++;
        }
        continue;
      }
      const raw = String.fromCodePoint(line.codePointAt(i)!);
      i += raw.length;
      const ch = acs ? (ACS[raw] ?? raw) : raw;
      if (x >= cols) continue;
      grid[y]![x] = { ch, ...pen, filler: false };
      if (isWide(ch.codePointAt(0)!) && x + 1 < cols) {
        grid[y]![x + 1] = { ch: '', ...pen, filler: true };
        x += 2;
      } else {
        x += 1;
      }
    }
  }
  return grid;
}
