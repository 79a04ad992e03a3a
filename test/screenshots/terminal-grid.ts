// The bytes a program wrote to its terminal, interpreted by a real terminal emulator (xterm.js,
// headless: the one VS Code uses), read back as a grid of cells with colours and attributes.

import xterm from '@xterm/headless';

/** A colour as the terminal holds it: the default, a palette index (0-255), or 24-bit RGB. */
export type Colour = { kind: 'default' } | { kind: 'palette'; index: number } | { kind: 'rgb'; rgb: number };

export interface Cell {
  /** The character; '' for the second half of a double-width character. */
  ch: string;
  /** Columns it takes: 1, 2 (wide), 0 (the second half of a wide one). */
  width: number;
  fg: Colour;
  bg: Colour;
  bold: boolean;
  inverse: boolean;
  underline: boolean;
}

/** Reads the screen after every byte of `output` has been interpreted. */
export async function terminalGrid(output: Uint8Array | string, cols: number, rows: number): Promise<Cell[][]> {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  try {
    await new Promise<void>((done) => term.write(output, done));
    const buf = term.buffer.active;
    const cell = buf.getNullCell();
    const grid: Cell[][] = [];
    for (let y = 0; y < rows; y++) {
      const line = buf.getLine(buf.viewportY + y);
      const row: Cell[] = [];
      for (let x = 0; x < cols; x++) {
        if (!line?.getCell(x, cell)) {
          row.push({ ch: ' ', width: 1, fg: { kind: 'default' }, bg: { kind: 'default' }, bold: false, inverse: false, underline: false });
          continue;
        }
        const fg: Colour = cell.isFgPalette()
          ? { kind: 'palette', index: cell.getFgColor() }
          : cell.isFgRGB()
            ? { kind: 'rgb', rgb: cell.getFgColor() }
            : { kind: 'default' };
        const bg: Colour = cell.isBgPalette()
          ? { kind: 'palette', index: cell.getBgColor() }
          : cell.isBgRGB()
            ? { kind: 'rgb', rgb: cell.getBgColor() }
            : { kind: 'default' };
        row.push({
          ch: cell.getWidth() === 0 ? '' : cell.getChars() || ' ',
          width: cell.getWidth(),
          fg,
          bg,
          bold: cell.isBold() !== 0,
          inverse: cell.isInverse() !== 0,
          underline: cell.isUnderline() !== 0,
        });
      }
      grid.push(row);
    }
    return grid;
  } finally {
    term.dispose();
  }
}

/** The grid's text, one line per row, trailing blanks dropped (for checks and error messages). */
export function gridText(grid: Cell[][]): string {
  return grid
    .map((row) =>
      row
        .map((c) => c.ch)
        .join('')
        .trimEnd(),
    )
    .join('\n');
}
