// The interactive screen: feeds refreshes, keys and mouse events to the screen state
// (core/view/screen-state.ts), builds the frame (core/view/frame.ts) and puts it on the widgets.
// At most one render per tick, and none when the frame is the same as the one on screen.

import type blessed from 'blessed';
import type { Snapshot } from '../core/model.js';
import { buildFrame, type Frame, type FrameEnv } from '../core/view/frame.js';
import { keyAction, type Action, type KeyInfo } from '../core/view/keys.js';
import { mouseAction } from '../core/view/mouse.js';
import {
  applyAction,
  initialState,
  onEnded,
  onSnapshot,
  settleState,
  withStatus,
  type ScreenState,
  type Size,
} from '../core/view/screen-state.js';
import type { Status } from '../core/view/status.js';
import type { Settings } from '../core/view/view-state.js';
import { settingsOf } from '../core/view/view-state.js';
import { TrafficCharts } from './charts.js';
import { renderFrame } from './render.js';
import { localeIsUtf8 } from '../core/view/locale.js';
import { noColor, plainGlyphTerminal, setTerminalBlocking, terminalBacklog } from './screen.js';
import { makeTheme } from './theme.js';
import { createWidgets } from './widgets.js';

export interface ScreenDeps {
  screen: blessed.Widgets.Screen; // real TTY screen, or a headless one in tests
  hostname: string;
  selfPid: number;
  signal: (pid: number, sig: NodeJS.Signals) => void; // throws NodeJS.ErrnoException (EPERM/ESRCH)
  processStartTime: (pid: number) => number | null; // current start time of pid, null if gone
  /** Host name of an address once known (never waits; asks in the background). */
  names: (addr: string) => string | null;
  env: NodeJS.ProcessEnv; // NO_COLOR, LANG/LC_* for UTF-8 detection
  /** Clicks and the wheel (default on). */
  mouse?: boolean;
  /** Remembered settings to start with, and a sentence for the footer (a bad settings file). */
  settings?: Partial<Settings>;
  notice?: Status | null;
  /** Saves changed settings; returns a sentence when that failed. */
  saveSettings?: (s: Settings) => string | null;
}

export interface ScreenApp {
  /** A new refresh: drawn at once (unless paused, when it is kept for later). */
  update(s: Snapshot): void;
  /** The capture has ended (a replay read to its end): the header says so. */
  ended(): void;
  /** Something the frame reads changed outside the state (a host name arrived): draw if it shows. */
  refresh(): void;
  /** A process's connections are on screen (every socket it holds, with their states). */
  showsSockets(): boolean;
  /** Resolves when the user quits (q / F10 / Ctrl-C), quit() is called, or the screen is destroyed. */
  readonly done: Promise<void>;
  /** Ends the session as q does (for SIGTERM/SIGHUP handlers). */
  quit(): void;
  /** Restores the terminal; idempotent. */
  destroy(): void;
}

interface MouseData {
  x: number;
  y: number;
  action: string;
  button?: string;
}

export function createScreenApp(deps: ScreenDeps): ScreenApp {
  const { screen } = deps;
  const utf8 = localeIsUtf8(deps.env);
  const term = String((screen.program as unknown as { _terminal?: string })._terminal ?? '');
  const ascii = !utf8 || plainGlyphTerminal(term);
  const colors = Number((screen as unknown as { tput: { colors?: number } }).tput.colors ?? 0);
  const theme = makeTheme(!noColor(deps.env) && colors >= 8, colors);
  const widgets = createWidgets(screen, theme.color);
  const charts = new TrafficCharts(screen, theme, ascii);
  const env: FrameEnv = { hostname: deps.hostname, utf8, ascii, names: deps.names };
  const ports = { selfPid: deps.selfPid, signal: deps.signal, processStartTime: deps.processStartTime };

  let state: ScreenState = initialState(deps.settings ?? {}, deps.notice ?? null);
  let frame: Frame | null = null;
  let frameKey = '';
  let destroyed = false;
  let pending = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const size = (): Size => ({ cols: screen.width as number, rows: screen.height as number });

  let waitingForTerminal = false;
  function render(): void {
    pending = false;
    if (destroyed) return;
    const f = buildFrame(state, size(), env);
    const key = JSON.stringify(f);
    if (key === frameKey) return; // the same frame is on screen already
    // A terminal that has not taken the last frame yet gets the next one when it has: blessed
    // keeps the whole screen, so a skipped frame costs nothing, and capture never waits on it.
    const out = screen.program.output as NodeJS.WritableStream;
    if (terminalBacklog(out) > 0) {
      if (!waitingForTerminal) {
        waitingForTerminal = true;
        out.once('drain', () => {
          waitingForTerminal = false;
          render();
        });
      }
      return;
    }
    frame = f;
    frameKey = key;
    renderFrame({ widgets, charts, theme }, f);
    screen.render();
  }

  /** Keys that arrive together (one read from the terminal) make one frame. */
  function schedule(): void {
    if (pending) return;
    pending = true;
    process.nextTick(render);
  }

  function apply(a: Action): void {
    const out = applyAction(state, a, size(), ports);
    state = out.state;
    if (out.quit) quit();
    if (out.redraw) {
      (screen as unknown as { realloc(): void }).realloc();
      frameKey = '';
    }
    if (out.save && deps.saveSettings) {
      const failed = deps.saveSettings(settingsOf(state.view));
      if (failed) state = withStatus(state, { text: failed, error: true });
    }
    if (out.changed || out.redraw) schedule();
  }

  function onKey(ch: string | undefined, key: KeyInfo | undefined): void {
    if (destroyed) return;
    const v = state.view;
    const a = keyAction(ch, key ?? {}, { dialog: state.dialog !== null, help: v.help, sortMenu: v.sortMenu !== null, editing: v.editing });
    if (a) apply(a);
  }

  function onMouse(data: MouseData): void {
    if (destroyed || !frame) return;
    const kind =
      data.action === 'wheelup'
        ? 'wheelup'
        : data.action === 'wheeldown'
          ? 'wheeldown'
          : data.action === 'mousedown' && data.button === 'left'
            ? 'click'
            : null;
    if (!kind) return;
    const a = mouseAction(frame, state, { x: data.x, y: data.y, kind });
    if (a) apply(a);
  }

  function onResize(): void {
    state = settleState(state, size());
    render();
  }

  function quit(): void {
    resolveDone();
  }

  screen.on('keypress', onKey);
  screen.on('resize', onResize);
  if (deps.mouse !== false) {
    screen.enableMouse();
    // blessed asks xterm-like terminals for every mouse movement (1003) in UTF-8 coordinates
    // (1005); clicks and the wheel are all we use, so only button events (1000) in SGR form
    // (1006, any column): moving the mouse over an SSH session then sends nothing.
    const program = screen.program as unknown as { setMouse(o: Record<string, boolean>, enable: boolean): void };
    program.setMouse({ allMotion: false, cellMotion: false, utfMouse: false, urxvtMouse: false, vt200Mouse: true, sgrMouse: true }, true);
    screen.on('mouse', onMouse);
  }

  return {
    update(s: Snapshot): void {
      state = onSnapshot(state, s, size());
      render(); // at once: a refresh is the tick's one frame
    },
    ended(): void {
      state = onEnded(state);
      render();
    },
    refresh: schedule,
    showsSockets: () => state.view.mode === 'detail',
    done,
    quit,
    destroy(): void {
      if (destroyed) return;
      destroyed = true;
      screen.removeListener('keypress', onKey);
      screen.removeListener('resize', onResize);
      screen.removeListener('mouse', onMouse);
      charts.destroy();
      // Blocking again, so the restoring sequences are written before the process exits.
      setTerminalBlocking(screen.program.output as NodeJS.WritableStream, true);
      screen.destroy();
      resolveDone();
    },
  };
}
