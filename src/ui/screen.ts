// Building the blessed screen over the process's terminal (tests build the same one over in-memory
// streams, so what they see is what is drawn).

import blessed from 'blessed';
import { localeIsUtf8 } from '../core/view/locale.js';

/** NO_COLOR set to anything non-empty turns colours off (no-color.org). */
export function noColor(env: NodeJS.ProcessEnv): boolean {
  return (env.NO_COLOR ?? '') !== '';
}

/** Terminal types whose fonts cannot be trusted with braille and eighth blocks. */
export function plainGlyphTerminal(term: string): boolean {
  return /^(linux|vt\d+|ansi|cons\d+)/i.test(term);
}

export class UnsupportedTerminalError extends Error {}

export function buildScreen(
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
      `the terminal type ${term ? `"${term}"` : '(TERM is not set)'} cannot position the cursor, so the screen cannot be drawn; ` +
        `set TERM (for example TERM=xterm-256color) or use --json`,
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
