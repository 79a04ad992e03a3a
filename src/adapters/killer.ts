// Signalling processes for the kill dialog: process.kill (a system call, never a shell), and the
// start time that tells whether a pid still names the same process.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Sends `sig` to `pid`; throws the system error (EPERM, ESRCH) as process.kill does. */
export function sendSignal(pid: number, sig: NodeJS.Signals): void {
  if (!Number.isInteger(pid) || pid <= 0) {
    // process.kill(0 or negative) would signal a whole process group.
    throw Object.assign(new Error(`not a process id: ${pid}`), { code: 'EINVAL' });
  }
  process.kill(pid, sig);
}

/**
 * Field 22 of /proc/PID/stat (start time in clock ticks since boot). The command name, field 2,
 * is in parentheses and may itself contain ") " and spaces, so fields are counted after the LAST
 * ')'. Returns null for text that does not have the field.
 */
export function parseStatStartTime(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // After ')' come fields 3 (state), 4, ...: field 22 is the 20th of them.
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const v = fields[19];
  if (v === undefined || !/^\d+$/.test(v)) return null;
  return Number(v);
}

/** The current start time of `pid`, or null when it is gone (or procfs cannot be read). */
export function readStartTime(pid: number, procRoot = '/proc'): number | null {
  let text: string;
  try {
    text = readFileSync(join(procRoot, String(pid), 'stat'), 'latin1');
  } catch {
    return null;
  }
  return parseStatStartTime(text);
}
