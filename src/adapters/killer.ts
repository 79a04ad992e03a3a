// Signalling processes for the kill dialog: process.kill (a system call, never a shell), and the
// start time that tells whether a pid still names the same process.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatStartTime } from '../core/proc/procText.js';

/** Sends `sig` to `pid`; throws the system error (EPERM, ESRCH) as process.kill does. */
export function sendSignal(pid: number, sig: NodeJS.Signals): void {
  if (!Number.isInteger(pid) || pid <= 0) {
    // process.kill(0 or negative) would signal a whole process group.
    throw Object.assign(new Error(`not a process id: ${pid}`), { code: 'EINVAL' });
  }
  process.kill(pid, sig);
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
