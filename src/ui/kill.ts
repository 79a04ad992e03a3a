// The kill dialog's logic. The target is fixed when the dialog opens (pid + start time); on `y` the
// pid's current start time is read again and the signal is sent only if it is still the same
// process. pid 1 and bwtop itself are never signalled. Signals go through process.kill, no shell.

import type { ProcessStats } from '../core/model.js';
import { fitLine, seg, type Line } from '../core/view/line.js';
import { sanitizeText } from '../core/view/sanitize.js';
import type { Status } from '../core/view/footer.js';
import { truncate } from '../core/view/width.js';

export const SIGNAL_CHOICES: ReadonlyArray<{ sig: NodeJS.Signals; what: string }> = [
  { sig: 'SIGTERM', what: 'ask it to terminate (default)' },
  { sig: 'SIGKILL', what: 'kill at once, cannot be caught' },
  { sig: 'SIGINT', what: 'interrupt, as Ctrl-C' },
  { sig: 'SIGHUP', what: 'hang up (daemons often reload)' },
];

export interface KillTarget {
  pid: number;
  startTime: number;
  name: string;
  user: string;
  cmdline: string;
}

export interface KillDialog {
  target: KillTarget;
  choice: number;
}

export interface KillDeps {
  selfPid: number;
  signal: (pid: number, sig: NodeJS.Signals) => void;
  processStartTime: (pid: number) => number | null;
}

function who(t: { pid: number; name: string }): string {
  return `${t.pid} (${sanitizeText(t.name, true)})`;
}

/** Why the dialog must not open for this process, or null when it may. */
export function refuseToOpen(p: ProcessStats, selfPid: number): Status | null {
  if (p.pid === 1) return { text: 'refusing to signal pid 1 (init): it would take the whole system down', error: true };
  if (p.pid === selfPid) return { text: `refusing to signal bwtop itself (pid ${p.pid}); press q to quit`, error: true };
  if (p.exitedAtMs !== 0) return { text: `pid ${who(p)} has exited; nothing to signal`, error: true };
  return null;
}

export function openDialog(p: ProcessStats): KillDialog {
  return { target: { pid: p.pid, startTime: p.startTime, name: p.name, user: p.user, cmdline: p.cmdline }, choice: 0 };
}

/** `y` pressed: re-check the target, then signal it. Returns what to show in the status line. */
export function confirmKill(d: KillDialog, deps: KillDeps): Status {
  const t = d.target;
  const sig = SIGNAL_CHOICES[d.choice]!.sig;
  if (t.pid === 1 || t.pid === deps.selfPid) return { text: `refusing to signal pid ${t.pid}`, error: true };
  const now = deps.processStartTime(t.pid);
  if (now === null) return { text: `pid ${who(t)} has exited; ${sig} not sent`, error: true };
  if (now !== t.startTime) return { text: `pid ${t.pid} is now another process; not sent`, error: true };
  try {
    deps.signal(t.pid, sig);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPERM') {
      return { text: `cannot signal ${who(t)}: permission denied (EPERM); run bwtop as root`, error: true };
    }
    if (code === 'EREPLAY') return { text: 'signals are off: these processes are from a replay or a procfs copy, not this host', error: true };
    if (code === 'ESRCH') return { text: `pid ${who(t)} no longer exists (ESRCH); ${sig} not sent`, error: true };
    return { text: `cannot signal ${who(t)}: ${code ?? String(e)}`, error: true };
  }
  return { text: `sent ${sig} to ${who(t)}`, error: false };
}

/** The dialog's text, `width` cells wide (inside its border). */
export function dialogLines(d: KillDialog, width: number, utf8: boolean, ascii: boolean): Line[] {
  const ell = ascii ? '~' : '…';
  const t = d.target;
  const lines: Line[] = [
    [seg('pid ', 'head'), seg(String(t.pid)), seg('  '), seg(sanitizeText(t.name, utf8), 'name'), seg('  user ', 'head'), seg(sanitizeText(t.user, utf8))],
    [seg(truncate(sanitizeText(t.cmdline, utf8) || '-', width, ell))],
    [],
    ...SIGNAL_CHOICES.map((c, i): Line => {
      const on = i === d.choice;
      return [seg(on ? '> ' : '  ', 'key'), seg(`${i + 1} `, 'key'), seg(c.sig.padEnd(9), on ? 'warn' : 'text'), seg(c.what)];
    }),
    [],
    [seg('y', 'key'), seg(' send   '), seg('n/Esc', 'key'), seg(' cancel   '), seg(ascii ? 'Up/Dn' : '↑↓', 'key'), seg(' or '), seg('1-4', 'key'), seg(' choose signal')],
  ];
  return lines.map((l) => fitLine(l, width));
}
