// CPU time of a process (all its threads) from /proc/PID/stat, in seconds.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clkTck = 0;

/** Clock ticks per second as the kernel reports utime/stime (getconf CLK_TCK, usually 100). */
export function clockTicks(): number {
  if (clkTck === 0) clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clkTck;
}

/** utime + stime of `pid` in seconds, or NaN when the process is gone. */
export function cpuSeconds(pid: number): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN;
  }
  // comm (field 2) may hold spaces and parentheses: count fields from the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(f[11]) + Number(f[12])) / clockTicks();
}
