// The interactive screen as a Sink. Whatever ends the program — q, a signal, an unexpected
// error — the terminal is restored first, then anything worth printing is printed.
import { hostname } from 'node:os';
import { createScreenApp } from '../ui/app.js';
import { createTerminalScreen, UnsupportedTerminalError } from '../ui/screen.js';
import { ReverseDnsCache } from '../adapters/dns-cache.js';
import { readStartTime, sendSignal } from '../adapters/killer.js';
import { reverseDns } from '../adapters/reverse-dns.js';
import { readSettingsText, settingsPath, writeSettingsText } from '../adapters/settings-file.js';
import { parseSettings, serializeSettings } from '../core/view/settings-file.js';
import type { Status } from '../core/view/status.js';
import type { Settings } from '../core/view/view-state.js';
import type { Sink } from './app.js';
import { UserError } from './io.js';

/** Signals make sense only for processes of this host, seen through the real /proc. */
function refuseSignal(): never {
  throw Object.assign(new Error('signals are off in replay'), { code: 'EREPLAY' });
}

/** The remembered settings (none with --no-config), and a footer sentence when the file is bad. */
function loadSettings(path: string | null): { settings: Partial<Settings>; notice: Status | null } {
  if (!path) return { settings: {}, notice: null };
  const text = readSettingsText(path);
  if (text === null) return { settings: {}, notice: null };
  if (text instanceof Error) {
    const code = (text as NodeJS.ErrnoException).code ?? text.message;
    return { settings: {}, notice: { text: `ignoring ${path}: cannot read it (${code}); defaults are used`, error: true } };
  }
  const parsed = parseSettings(text, path);
  return { settings: parsed.settings, notice: parsed.error ? { text: parsed.error, error: true } : null };
}

export function screenSink(thisHost: boolean, o: { mouse?: boolean; config?: boolean } = {}): Sink {
  let screen: ReturnType<typeof createTerminalScreen>;
  try {
    screen = createTerminalScreen(process.env);
  } catch (err) {
    if (err instanceof UnsupportedTerminalError) throw new UserError(err.message);
    throw err;
  }
  const path = o.config === false ? null : settingsPath(process.env);
  const { settings, notice } = loadSettings(path);
  const dns = new ReverseDnsCache(reverseDns);
  let saveFailed = false;
  const app = createScreenApp({
    screen,
    hostname: hostname(),
    selfPid: process.pid,
    signal: thisHost ? sendSignal : refuseSignal,
    processStartTime: (pid) => readStartTime(pid),
    names: (addr) => dns.name(addr),
    env: process.env,
    mouse: o.mouse !== false,
    settings,
    notice,
    saveSettings: (s) => {
      if (!path) return null;
      const failed = writeSettingsText(path, serializeSettings(s), process.env);
      // Said once: a read-only home would otherwise repeat it on every key.
      if (!failed || saveFailed) return null;
      saveFailed = true;
      return failed;
    },
  });
  dns.onAnswer = () => app.refresh();
  const crash = (err: unknown): void => {
    app.destroy();
    process.stderr.write(`bwtop: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  };
  process.once('uncaughtException', crash);
  process.once('unhandledRejection', crash);
  // Test hook (README, Development): an error nobody catches, thrown after the first frame, so the
  // terminal tests can prove the restore. A name no user sets by accident; it does nothing else.
  let crashForTest = process.env.BWTOP_TEST_CRASH === 'uncaught';
  return {
    update: (s) => {
      app.update(s);
      if (!crashForTest) return;
      crashForTest = false;
      setImmediate(() => {
        throw new Error('BWTOP_TEST_CRASH: an uncaught error, as the test hook asked');
      });
    },
    // The list counts every socket of each process; a process's connections list shows their states.
    socketNeed: () => (app.showsSockets() ? 'fresh' : 'changes'),
    ended: () => app.ended(),
    done: app.done,
    holdAfterReplay: true,
    close: () => app.destroy(),
  };
}
