// The interactive screen: takes a Snapshot each refresh, draws it once, and turns keys into view
// changes (sorting, selection, drill-down, filter, units, pause) or actions (kill, quit).
// Drawing happens only in render(): once per update() and once per key that changed something.

import type blessed from 'blessed';
import type { ProcessStats, Snapshot } from '../core/model.js';
import type { Status } from '../core/view/footer.js';
import { screenLayout } from '../core/view/screen-layout.js';
import * as V from '../core/view/view-state.js';
import { TrafficCharts } from './charts.js';
import { ReverseDnsCache } from './dns-cache.js';
import { keyAction, type Action, type KeyInfo } from './keys.js';
import { confirmKill, openDialog, refuseToOpen, SIGNAL_CHOICES, type KillDialog } from './kill.js';
import { drawScreen, type DrawContext } from './draw.js';
import { localeIsUtf8, noColor, plainGlyphTerminal, setTerminalBlocking, terminalBacklog } from './screen.js';
import { makeTheme } from './theme.js';
import { createWidgets } from './widgets.js';

export interface ScreenDeps {
  screen: blessed.Widgets.Screen; // real TTY screen, or a headless one in tests
  hostname: string;
  selfPid: number;
  signal: (pid: number, sig: NodeJS.Signals) => void; // throws NodeJS.ErrnoException (EPERM/ESRCH)
  processStartTime: (pid: number) => number | null; // current start time of pid, null if gone
  reverseDns: (addr: string) => Promise<string | null>; // async, may be slow; results are cached
  env: NodeJS.ProcessEnv; // NO_COLOR, LANG/LC_* for UTF-8 detection
}

export interface ScreenApp {
  /** A new refresh: drawn at once (unless paused, when it is kept for later). */
  update(s: Snapshot): void;
  /** Resolves when the user quits (q / Ctrl-C), quit() is called, or the screen is destroyed. */
  readonly done: Promise<void>;
  /** Ends the session as q does (for SIGTERM/SIGHUP handlers). */
  quit(): void;
  /** Restores the terminal; idempotent. */
  destroy(): void;
}

/** Status messages stay for this many refreshes, or until the next one replaces them. */
const STATUS_REFRESHES = 5;

export function createScreenApp(deps: ScreenDeps): ScreenApp {
  const { screen } = deps;
  const utf8 = localeIsUtf8(deps.env);
  const term = String((screen.program as unknown as { _terminal?: string })._terminal ?? '');
  const ascii = !utf8 || plainGlyphTerminal(term);
  const colors = Number((screen as unknown as { tput: { colors?: number } }).tput.colors ?? 0);
  const theme = makeTheme(!noColor(deps.env) && colors >= 8, colors);
  const widgets = createWidgets(screen, theme.color);
  const charts = new TrafficCharts(screen, theme, ascii);
  const dns = new ReverseDnsCache(deps.reverseDns);

  let view: V.ViewState = V.INITIAL_VIEW;
  let shown: Snapshot | null = null; // what is on screen (frozen while paused)
  let latest: Snapshot | null = null;
  let dialog: KillDialog | null = null;
  let status: Status | null = null;
  let statusLeft = 0;
  let lastDetail: ProcessStats | null = null; // the drilled process as last seen, once it is gone
  let destroyed = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const ctx = (): DrawContext => ({ screen, widgets, charts, theme, dns, utf8, ascii, hostname: deps.hostname });

  function detailProcess(): { p: ProcessStats | null; gone: boolean } {
    const p = shown?.processes.find((x) => x.pid === view.detailPid) ?? null;
    if (p) lastDetail = p;
    else if (lastDetail?.pid !== view.detailPid) lastDetail = null;
    return p ? { p, gone: false } : { p: lastDetail, gone: lastDetail !== null };
  }

  let waitingForTerminal = false;
  function render(): void {
    if (destroyed) return;
    const detail = view.mode === 'detail' ? detailProcess() : null;
    view = drawScreen(ctx(), { view, snapshot: shown, detail, dialog, status });
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
    screen.render();
  }

  function setStatus(s: Status): void {
    status = s;
    statusLeft = STATUS_REFRESHES;
  }

  function rowsNow(): ProcessStats[] {
    return V.visibleProcesses(shown, view);
  }

  function tableHeight(): number {
    return screenLayout(screen.height as number, screen.width as number, view.mode === 'detail').body - 1;
  }

  function startKill(): void {
    const p = view.mode === 'detail' ? detailProcess().p : (rowsNow().find((x) => x.pid === view.selection.pid) ?? null);
    if (!p) return;
    const refusal = refuseToOpen(p, deps.selfPid);
    if (refusal) setStatus(refusal);
    else dialog = openDialog(p);
  }

  /** Applies an action; false when nothing changed (so nothing is redrawn). */
  function apply(a: Action): boolean {
    switch (a.type) {
      case 'quit':
        quit();
        return false;
      case 'sort': view = V.sortBy(view, a.key); break;
      case 'units': view = V.cycleUnits(view); break;
      case 'move': {
        const d = view.mode === 'detail' ? detailProcess().p : null;
        view = V.move(view, rowsNow(), a.move, tableHeight(), d?.connections.length ?? 0);
        break;
      }
      case 'drill': view = V.drillIn(view); break;
      case 'back': view = V.back(view); break;
      case 'kill': startKill(); break;
      case 'pause':
        view = { ...view, paused: !view.paused };
        if (!view.paused) shown = latest;
        break;
      case 'help': view = { ...view, help: !view.help }; break;
      case 'names': view = { ...view, names: !view.names }; break;
      case 'redraw': (screen as unknown as { realloc(): void }).realloc(); break;
      case 'filterStart': view = V.startFilter(view); break;
      case 'filterChar': view = V.editFilter(view, view.filter + a.ch); break;
      case 'filterErase': view = V.editFilter(view, [...view.filter].slice(0, -1).join('')); break;
      case 'filterClear': view = V.editFilter(view, ''); break;
      case 'filterKeep': view = V.endFilter(view, true); break;
      case 'filterCancel': view = V.endFilter(view, false); break;
      case 'dialogChoice': {
        if (!dialog) return false;
        const n = SIGNAL_CHOICES.length;
        const choice = a.index ?? (dialog.choice + (a.delta ?? 0) + n) % n;
        dialog = { ...dialog, choice };
        break;
      }
      case 'dialogConfirm':
        if (!dialog) return false;
        setStatus(confirmKill(dialog, deps));
        dialog = null;
        break;
      case 'dialogCancel':
        if (dialog) setStatus({ text: `kill of ${dialog.target.pid} cancelled`, error: false });
        dialog = null;
        break;
    }
    return true;
  }

  function onKey(ch: string | undefined, key: KeyInfo | undefined): void {
    if (destroyed) return;
    const action = keyAction(ch, key ?? {}, { dialog: dialog !== null, help: view.help, editingFilter: view.editingFilter });
    if (action && apply(action)) render();
  }

  function onResize(): void {
    render();
  }

  function quit(): void {
    resolveDone();
  }

  screen.on('keypress', onKey);
  screen.on('resize', onResize);

  return {
    update(s: Snapshot): void {
      latest = s;
      if (!view.paused) shown = s;
      if (status && --statusLeft < 0) status = null;
      render();
    },
    done,
    quit,
    destroy(): void {
      if (destroyed) return;
      destroyed = true;
      screen.removeListener('keypress', onKey);
      screen.removeListener('resize', onResize);
      charts.destroy();
      // Blocking again, so the restoring sequences are written before the process exits.
      setTerminalBlocking(screen.program.output as NodeJS.WritableStream, true);
      screen.destroy();
      resolveDone();
    },
  };
}
