// Runs the screen app on a headless blessed screen and drives it through its input stream with the
// bytes a terminal sends, so key parsing is exercised too.

import { ReverseDnsCache } from '../../src/adapters/dns-cache.js';
import { createScreenApp, type ScreenApp, type ScreenDeps } from '../../src/ui/app.js';
import { createHeadlessScreen, screenText, type HeadlessScreen } from './headless.js';

export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[1~',
  end: '\x1b[4~',
  enter: '\r',
  escape: '\x1b',
  backspace: '\x7f',
  ctrlC: '\x03',
  space: ' ',
} as const;

export interface Harness {
  h: HeadlessScreen;
  app: ScreenApp;
  calls: Array<[number, NodeJS.Signals]>;
  /** Sends each string as one read from the terminal, in order. */
  press(...keys: string[]): Promise<void>;
  text(): string;
  close(): void;
}

export interface HarnessOptions {
  cols?: number;
  rows?: number;
  term?: string;
  env?: NodeJS.ProcessEnv;
  deps?: Partial<ScreenDeps> & { reverseDns?: (addr: string) => Promise<string | null> };
}

/** The terminal's SGR (1006) report of a left click at 0-based cell (x, y), press then release. */
export function click(x: number, y: number): string {
  return `\x1b[<0;${x + 1};${y + 1}M\x1b[<0;${x + 1};${y + 1}m`;
}

export function wheel(up: boolean, x = 10, y = 20): string {
  return `\x1b[<${up ? 64 : 65};${x + 1};${y + 1}M`;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export function startApp(o: HarnessOptions = {}): Harness {
  const env = o.env ?? { LANG: 'C.UTF-8' };
  const h = createHeadlessScreen({
    cols: o.cols ?? 120,
    rows: o.rows ?? 40,
    term: o.term ?? 'xterm-256color',
    utf8: /utf-?8/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || ''),
  });
  const calls: Array<[number, NodeJS.Signals]> = [];
  const { reverseDns, ...deps } = o.deps ?? {};
  const dns = new ReverseDnsCache(reverseDns ?? (async () => null));
  const app = createScreenApp({
    screen: h.screen,
    hostname: 'lab1',
    selfPid: process.pid,
    signal: (pid, sig) => {
      calls.push([pid, sig]);
    },
    processStartTime: () => null,
    names: (a) => dns.name(a),
    env,
    ...deps,
  });
  dns.onAnswer = () => app.refresh();
  return {
    h,
    app,
    calls,
    async press(...keys) {
      for (const k of keys) {
        h.input.write(k);
        await tick();
      }
    },
    text: () => screenText(h.screen),
    close() {
      app.destroy();
      h.input.destroy();
      h.output.destroy();
    },
  };
}

/** The table row (screen line) that shows `pid`, or -1. */
export function rowOf(text: string, pid: number): number {
  return text.split('\n').findIndex((l) => new RegExp(`^\\s*${pid} `).test(l));
}

/** pids of the table rows, top to bottom. */
export function tablePids(text: string): number[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s+PID\S* /.test(l));
  const out: number[] = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^\s*(\d+) /.exec(l);
    if (!m) break;
    out.push(Number(m[1]));
  }
  return out;
}
