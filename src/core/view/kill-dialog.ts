// The kill dialog's logic. The targets are fixed when the dialog opens (pid + start time each); on
// `y` each pid's current start time is read again and the signal is sent only to those that are
// still the same process. pid 1 and bwtop itself are never signalled. A program row (several
// processes of one program) signals all of them; a container or service row is refused: its own
// tools stop it cleanly. The signal itself is the caller's port (process.kill, no shell).

import { fitLine, seg, type Line } from './line.js';
import type { Row } from './rows.js';
import { sanitizeText } from './sanitize.js';
import type { Status } from './status.js';
import { truncate } from './width.js';
import { processes } from './words.js';

export const SIGNAL_CHOICES: ReadonlyArray<{ sig: NodeJS.Signals; what: string }> = [
  { sig: 'SIGTERM', what: 'ask it to terminate (default)' },
  { sig: 'SIGKILL', what: 'kill at once, cannot be caught' },
  { sig: 'SIGINT', what: 'interrupt, as Ctrl-C' },
  { sig: 'SIGHUP', what: 'hang up (daemons often reload)' },
];

export interface KillTarget {
  pid: number;
  startTime: number;
}

export interface KillDialog {
  name: string;
  user: string;
  cmdline: string;
  targets: KillTarget[];
  choice: number;
}

export interface KillPorts {
  selfPid: number;
  signal: (pid: number, sig: NodeJS.Signals) => void;
  /** The pid's current start time, null once it is gone. */
  processStartTime: (pid: number) => number | null;
}

function who(pid: number, name: string): string {
  return `${pid} (${sanitizeText(name, true)})`;
}

/** Opens the dialog for a row, or says why not. */
export function openKill(row: Row, ports: KillPorts): KillDialog | Status {
  const name = sanitizeText(row.name, true);
  if (row.kind === 'group' && row.groupKind !== 'program') {
    const text =
      row.groupKind === 'container'
        ? `${name} is a container: stop it with its runtime (docker stop ${name}, podman stop, crictl stop)`
        : row.groupKind === 'unit'
          ? `${name} is a service: stop it with systemctl stop ${name}`
          : 'the host group is not one program: open it (Enter) and kill a process';
    return { text, error: true };
  }
  if (row.pid === 1) return { text: 'refusing to signal pid 1 (init): it would take the whole system down', error: true };
  if (row.pid === ports.selfPid) return { text: `refusing to signal bwtop itself (pid ${row.pid}); press q to quit`, error: true };
  if (row.exited)
    return { text: `${row.pid !== null ? `pid ${who(row.pid, row.name)}` : name} has exited; nothing to signal`, error: true };
  const known = new Map<number, number>();
  const collect = (r: Row): void => {
    if (r.kind === 'process' && !r.exited) known.set(r.pid!, r.startTime);
    for (const m of r.members) collect(m);
  };
  collect(row);
  const targets: KillTarget[] = [];
  for (const pid of row.pids) {
    if (pid === 1 || pid === ports.selfPid) continue;
    // A short-lived program's pids carry no start time: the one read now is the one checked on y.
    const startTime = known.get(pid) ?? ports.processStartTime(pid);
    if (startTime !== null && startTime !== undefined) targets.push({ pid, startTime });
  }
  if (targets.length === 0) return { text: `every process of ${name} has exited; nothing to signal`, error: true };
  return { name: row.name, user: row.user, cmdline: row.cmdline, targets, choice: 0 };
}

/** Up/Down/Tab wrap around the four signals; a digit picks one. */
export function chooseSignal(d: KillDialog, delta: number | undefined, index: number | undefined): KillDialog {
  const n = SIGNAL_CHOICES.length;
  return { ...d, choice: index ?? (d.choice + (delta ?? 0) + n) % n };
}

function signalOne(t: KillTarget, name: string, sig: NodeJS.Signals, ports: KillPorts): Status {
  if (t.pid === 1 || t.pid === ports.selfPid) return { text: `refusing to signal pid ${t.pid}`, error: true };
  const now = ports.processStartTime(t.pid);
  if (now === null) return { text: `pid ${who(t.pid, name)} has exited; ${sig} not sent`, error: true };
  if (now !== t.startTime) return { text: `pid ${t.pid} is now another process; not sent`, error: true };
  try {
    ports.signal(t.pid, sig);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPERM') return { text: `cannot signal ${who(t.pid, name)}: permission denied (EPERM); run bwtop as root`, error: true };
    if (code === 'EREPLAY')
      return { text: 'signals are off: these processes are from a replay or a procfs copy, not this host', error: true };
    if (code === 'ESRCH') return { text: `pid ${who(t.pid, name)} no longer exists (ESRCH); ${sig} not sent`, error: true };
    return { text: `cannot signal ${who(t.pid, name)}: ${code ?? String(e)}`, error: true };
  }
  return { text: `sent ${sig} to ${who(t.pid, name)}`, error: false };
}

/** `y` pressed: re-check each target, then signal it. Returns what to show in the status line. */
export function confirmKill(d: KillDialog, ports: KillPorts): Status {
  const sig = SIGNAL_CHOICES[d.choice]!.sig;
  if (d.targets.length === 1) return signalOne(d.targets[0]!, d.name, sig, ports);
  const results = d.targets.map((t) => signalOne(t, d.name, sig, ports));
  const sent = results.filter((r) => !r.error).length;
  const firstError = results.find((r) => r.error);
  const name = sanitizeText(d.name, true);
  if (sent === 0) return { text: `${sig} not sent to ${name}: ${firstError?.text ?? 'no process left'}`, error: true };
  const rest = sent < results.length ? `; ${results.length - sent} not (${firstError!.text})` : '';
  return { text: `sent ${sig} to ${sent} of ${processes(results.length)} of ${name}${rest}`, error: rest !== '' };
}

export function cancelText(d: KillDialog): string {
  return d.targets.length === 1
    ? `kill of ${d.targets[0]!.pid} cancelled`
    : `kill of ${processes(d.targets.length)} of ${sanitizeText(d.name, true)} cancelled`;
}

/** The dialog's text, `width` cells wide (inside its border). */
export function dialogLines(d: KillDialog, width: number, utf8: boolean, ascii: boolean): Line[] {
  const ell = ascii ? '~' : '…';
  const one = d.targets.length === 1;
  const first: Line = one
    ? [
        seg('pid ', 'head'),
        seg(String(d.targets[0]!.pid)),
        seg('  '),
        seg(sanitizeText(d.name, utf8), 'name'),
        seg('  user ', 'head'),
        seg(sanitizeText(d.user, utf8)),
      ]
    : [
        seg(sanitizeText(d.name, utf8), 'name'),
        seg(`  ${processes(d.targets.length)}`, 'head'),
        seg('  user ', 'head'),
        seg(sanitizeText(d.user, utf8)),
      ];
  const second = one
    ? truncate(sanitizeText(d.cmdline, utf8) || '-', width, ell)
    : truncate(`pids ${d.targets.map((t) => t.pid).join(' ')}`, width, ell);
  const lines: Line[] = [
    first,
    [seg(second)],
    [],
    ...SIGNAL_CHOICES.map((c, i): Line => {
      const on = i === d.choice;
      return [seg(on ? '> ' : '  ', 'key'), seg(`${i + 1} `, 'key'), seg(c.sig.padEnd(9), on ? 'warn' : 'text'), seg(c.what)];
    }),
    [],
    [
      seg('y', 'key'),
      seg(one ? ' send   ' : ' send to all   '),
      seg('n/Esc', 'key'),
      seg(' cancel   '),
      seg(ascii ? 'Up/Dn' : '↑↓', 'key'),
      seg(' or '),
      seg('1-4', 'key'),
      seg(' choose signal'),
    ],
  ];
  return lines.map((l) => fitLine(l, width));
}
