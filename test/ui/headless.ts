// A headless blessed screen over in-memory streams for tests and benchmarks: the same library and
// diffing as the real terminal, so what tests read is what would be drawn.

import type blessed from 'blessed';
import { PassThrough } from 'node:stream';
import { isWide } from '../../src/core/view/width.js';
import { buildScreen } from '../../src/ui/screen.js';

export interface HeadlessScreen {
  screen: blessed.Widgets.Screen;
  input: PassThrough;
  output: PassThrough & { columns: number; rows: number; isTTY: boolean };
  /** Every byte the screen has written to its terminal so far (pending output flushed first). */
  written(): Buffer;
  bytes(): number;
  /** Forgets what was written (for per-refresh counting). */
  clearWritten(): void;
  resize(cols: number, rows: number): void;
  destroy(): void;
}

export interface HeadlessOptions {
  cols: number;
  rows: number;
  term?: string;
  utf8?: boolean;
  /** Keep the written bytes (tests); benchmarks only count them. */
  keep?: boolean;
}

export function createHeadlessScreen(o: HeadlessOptions): HeadlessScreen {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { columns: o.cols, rows: o.rows, isTTY: true });
  const chunks: Buffer[] = [];
  let count = 0;
  // Recorded at write() time (a PassThrough would only emit 'data' later), so a test can look at
  // the bytes right after the draw that wrote them.
  const write = output.write.bind(output);
  output.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    count += b.length;
    if (o.keep !== false) chunks.push(b);
    return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof output.write;
  output.resume(); // nobody reads the other end
  const screen = buildScreen(input, output, o.term ?? 'xterm-256color', o.utf8 ?? true);
  // blessed gathers a tick's output and writes it on the next tick; reading flushes it first.
  const flush = (): void => (screen.program as unknown as { flush(): void }).flush();
  return {
    screen,
    input,
    output,
    written: () => {
      flush();
      return Buffer.concat(chunks);
    },
    bytes: () => {
      flush();
      return count;
    },
    clearWritten: () => {
      flush();
      chunks.length = 0;
      count = 0;
    },
    resize(cols, rows) {
      output.columns = cols;
      output.rows = rows;
      output.emit('resize');
    },
    destroy() {
      screen.destroy();
      input.destroy();
      output.destroy();
    },
  };
}

type Cell = [number, string];

/** The drawn grid as text, one line per row, trailing spaces removed. */
export function screenText(screen: blessed.Widgets.Screen): string {
  const lines = (screen as unknown as { lines: Cell[][] }).lines;
  return lines
    .map((row) => {
      let out = '';
      for (let x = 0; x < row.length; x++) {
        const ch = row[x]![1];
        out += ch;
        // A double-width character occupies the next cell too; blessed keeps a filler there.
        if (isWide(ch.codePointAt(0) ?? 0)) x++;
      }
      return out.trimEnd();
    })
    .join('\n');
}

/** The attribute word of each cell of one row (bit 3 of the flags = inverse, see blessed). */
export function rowAttributes(screen: blessed.Widgets.Screen, y: number): number[] {
  const lines = (screen as unknown as { lines: Cell[][] }).lines;
  return (lines[y] ?? []).map((c) => c[0]);
}

export function isInverse(attr: number): boolean {
  return ((attr >> 18) & 8) !== 0;
}

/** Drawn as the selection: inverse video, or a non-default background. */
export function isHighlighted(attr: number): boolean {
  return isInverse(attr) || (attr & 0x1ff) !== 0x1ff;
}
