// What a test run could leave behind on the machine: temporary entries named bwtop-*, tmux server
// sockets (a test must use a private server, never the user's default one) and network
// namespaces named bwtop-*. The first test file records them, the last one compares (test files
// run in sorted order, one at a time).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The record between the first and the last test file: in the build folder, not in /tmp. */
export const BASELINE = new URL('../.leftovers-baseline.json', import.meta.url);

function entries(dir: string, keep: (name: string) => boolean): string[] {
  try {
    return readdirSync(dir)
      .filter(keep)
      .map((name) => join(dir, name));
  } catch {
    return []; // no such folder: nothing left there
  }
}

/** Every leftover candidate, as sorted, de-duplicated paths (namespaces as "netns:NAME"). */
export function leftovers(): string[] {
  const found = new Set<string>();
  for (const dir of new Set([tmpdir(), '/tmp'])) for (const p of entries(dir, (n) => n.startsWith('bwtop-'))) found.add(p);
  // tmux keeps its sockets in $TMUX_TMPDIR/tmux-UID (default /tmp).
  const uid = process.getuid?.() ?? 0;
  for (const base of new Set([process.env.TMUX_TMPDIR || '/tmp', '/tmp'])) {
    for (const p of entries(join(base, `tmux-${uid}`), () => true)) found.add(p);
  }
  if (existsSync('/run/netns')) {
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const line of (list.stdout ?? '').split('\n')) {
      const name = line.split(' ')[0] ?? '';
      if (name.startsWith('bwtop')) found.add(`netns:${name}`);
    }
  }
  return [...found].sort();
}

function ppidOf(pid: number): number {
  try {
    // The field after the parenthesised command name (which may itself hold spaces or parentheses).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/**
 * Test processes running now that are not this run (neither this process nor its ancestors): on a
 * machine shared by several people, another run's temporary files are not this run's leak.
 */
export function otherTestRuns(): number[] {
  const ours = new Set<number>();
  for (let pid = process.pid; pid > 1 && !ours.has(pid); pid = ppidOf(pid)) ours.add(pid);
  const others: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || ours.has(pid)) continue;
    try {
      if (
        readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .some((a) => a.endsWith('.test.js'))
      )
        others.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return others;
}
