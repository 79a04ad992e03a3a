// The interactive screen as a Sink. Whatever ends the program — q, a signal, an unexpected
// error — the terminal is restored first, then anything worth printing is printed.
import { hostname } from 'node:os';
import { createScreenApp } from '../ui/app.js';
import { createTerminalScreen, UnsupportedTerminalError } from '../ui/screen.js';
import { readStartTime, sendSignal } from '../adapters/killer.js';
import { reverseDns } from '../adapters/reverse-dns.js';
import type { Sink } from './app.js';
import { UserError } from './io.js';

/** Signals make sense only for processes of this host, seen through the real /proc. */
function refuseSignal(): never {
  throw Object.assign(new Error('signals are off in replay'), { code: 'EREPLAY' });
}

export function screenSink(thisHost: boolean): Sink {
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
    signal: thisHost ? sendSignal : refuseSignal,
    processStartTime: (pid) => readStartTime(pid),
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
