// Building blessed screens: the real one over the TTY, and a headless one over in-memory streams
// for tests and benchmarks (same library, same diffing, so what tests see is what is drawn).

import blessed from 'blessed';
import { PassThrough } from 'node:stream';
import { isWide } from '../core/view/width.js';

/** The locale's character set is UTF-8 (LC_ALL, else LC_CTYPE, else LANG, as POSIX orders them). */
export function localeIsUtf8(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/** NO_COLOR set to anything non-empty turns colours off (no-color.org). */
export function noColor(env: NodeJS.ProcessEnv): boolean {
  return (env.NO_COLOR ?? '') !== '';
}

/** Terminal types whose fonts cannot be trusted with braille and eighth blocks. */
export function plainGlyphTerminal(term: string): boolean {
  return /^(linux|vt\d+|ansi|cons\d+)/i.test(term);
}

export class UnsupportedTerminalError extends Error {}

function buildScreen(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  term: string,
  utf8: boolean,
): blessed.Widgets.Screen {
  // blessed prints a compile error for one unused capability of some terminfo entries
  // (screen-256color's plab_norm) straight to stderr, which would land on the screen; it is
  // harmless, so it is silenced while the terminal description is loaded.
  const consoleError = console.error;
  console.error = () => {};
  let screen: blessed.Widgets.Screen;
  try {
    screen = blessed.screen({
      input,
      output,
      terminal: term,
      fullUnicode: utf8,
      forceUnicode: utf8,
      smartCSR: true,
      autoPadding: true,
      warnings: false,
      sendFocus: false,
    } as unknown as blessed.Widgets.IScreenOptions);
  } finally {
    console.error = consoleError;
  }
  // With a UTF-8 locale, box lines are written as UTF-8 rather than through the VT100 alternate
  // character set, as ncurses does: terminals (and multiplexers) in UTF-8 mode may ignore the
  // charset switch and show "lqqqk" instead of a border.
  if (utf8) (screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
  return screen;
}

/** The interactive screen on the process's terminal; TERM picks the terminal description. */
export function createTerminalScreen(
  env: NodeJS.ProcessEnv = process.env,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): blessed.Widgets.Screen {
  const term = env.TERM ?? '';
  if (term === '' || term === 'dumb') {
    throw new UnsupportedTerminalError(
      `the terminal type ${term ? `"${term}"` : '(TERM is not set)'} cannot position the cursor, so the screen cannot be drawn; set TERM (for example TERM=xterm-256color) or use --json`,
    );
  }
  const screen = buildScreen(input, output, term, localeIsUtf8(env));
  setTerminalBlocking(output, false);
  return screen;
}

/**
 * Node writes to a terminal synchronously: a terminal that stops reading (a stalled SSH link,
 * a suspended multiplexer) would block bwtop inside write() and stop capture with it. The screen
 * writes without blocking instead and skips frames while output is still queued (app.ts), and
 * the terminal is put back in blocking mode when the screen is destroyed (the shell expects it).
 */
export function setTerminalBlocking(output: NodeJS.WritableStream, blocking: boolean): void {
  const handle = (output as unknown as { _handle?: { setBlocking?: (b: boolean) => number } })._handle;
  if ((output as { isTTY?: boolean }).isTTY) handle?.setBlocking?.(blocking);
}

/** Bytes written to a terminal that it has not taken yet (0 for anything but a terminal). */
export function terminalBacklog(output: NodeJS.WritableStream): number {
  return (output as { isTTY?: boolean }).isTTY ? ((output as NodeJS.WriteStream).writableLength ?? 0) : 0;
}

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
