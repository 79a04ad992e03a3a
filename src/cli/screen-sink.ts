// The interactive screen as a Sink. Whatever ends the program — q, a signal, an unexpected
// error — the terminal is restored first, then anything worth printing is printed.
import { hostname } from 'node:os';
import { promises as dns } from 'node:dns';
import { createScreenApp } from '../ui/app.js';
import { createTerminalScreen, UnsupportedTerminalError } from '../ui/screen.js';
import { readStartTime, sendSignal } from '../adapters/killer.js';
import type { Sink } from './app.js';
import { UserError } from './io.js';

const DNS_TIMEOUT_MS = 3000;

async function reverseDns(addr: string): Promise<string | null> {
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), DNS_TIMEOUT_MS).unref());
  const lookup = dns.reverse(addr).then(
    (names) => names[0] ?? null,
    () => null,
  );
  return Promise.race([lookup, timeout]);
}

export function screenSink(procRoot: string): Sink {
  let screen;
  try {
    screen = createTerminalScreen(process.env);
  } catch (err) {
    if (err instanceof UnsupportedTerminalError) throw new UserError(err.message);
    throw err;
  }
  const app = createScreenApp({
    screen,
    hostname: hostname(),
    selfPid: process.pid,
    signal: sendSignal,
    processStartTime: (pid) => readStartTime(pid, procRoot),
    reverseDns,
    env: process.env,
  });
  const crash = (err: unknown): void => {
    app.destroy();
    process.stderr.write(`bwtop: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  };
  process.once('uncaughtException', crash);
  process.once('unhandledRejection', crash);
  return {
    update: (s) => app.update(s),
    done: app.done,
    holdAfterReplay: true,
    close: () => app.destroy(),
  };
}
