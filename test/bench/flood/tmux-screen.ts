// bwtop's interactive screen in a real terminal: a 120x40 tmux session on a private server socket,
// whose pane runs `ip netns exec NS node main.js -i lo -d 1` (ip execs, so the pane's pid is
// bwtop's own). What the screen shows is read back with capture-pane; what it writes to the
// terminal is copied with pipe-pane. The server is killed on every path, also on Ctrl-C.
// stallTerminal() makes the terminal stop reading, as a stalled SSH link does (sshd stops reading
// the pty when its channel window is full): the tmux server is stopped and the pty's buffer filled
// with NUL bytes (which terminals ignore), so bwtop's next write blocks until resumeTerminal().
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Netns } from './netns.js';

const BWTOP_MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
export const COLS = 120;
export const ROWS = 40;
/** The header's capture part, as src/core/view/header.ts writes it ("packets N  dropped N"). */
const CAPTURE_TEXT = /\bpackets (\d+) {2}dropped (\d+)\b/;

export interface CaptureCounts {
  packets: number;
  dropped: number;
}

/** Sessions still alive, so a signal handler can end them synchronously. */
const alive = new Set<TmuxScreen>();

export function killAllScreens(): void {
  for (const s of alive) s.kill();
}

export class TmuxScreen {
  readonly pid: number;
  private readonly dir: string;
  private readonly sock: string;
  private killed = false;
  private stoppedServer = 0;

  private constructor(ns: Netns) {
    this.dir = mkdtempSync(join(tmpdir(), 'bwtop-flood-screen-'));
    this.sock = join(this.dir, 'tmux.sock');
    // Its own config: the pane stays after bwtop exits, so a start-up error can still be read.
    const conf = join(this.dir, 'tmux.conf');
    writeFileSync(conf, 'set -g remain-on-exit on\n');
    alive.add(this);
    // BWTOP_FLOOD_CPU_PROF=DIR: as for the --json runs, a CPU profile written when bwtop quits.
    const prof = process.env.BWTOP_FLOOD_CPU_PROF;
    const flags = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
    const [ip, args] = ns.wrap(process.execPath, [...flags, BWTOP_MAIN, '-i', 'lo', '-d', '1']);
    this.tmux(
      ['-f', conf, 'new-session', '-d', '-s', 'bw', '-x', String(COLS), '-y', String(ROWS), '-e', 'LANG=C.UTF-8', ip, ...args],
      true,
    );
    this.pid = Number(this.display('#{pane_pid}'));
  }

  /** Starts the screen and waits (up to 10 s) for its first refresh. */
  static async start(ns: Netns): Promise<TmuxScreen> {
    const s = new TmuxScreen(ns);
    try {
      for (let i = 0; i < 100 && s.counts() === null; i++) {
        if (s.display('#{pane_dead}') === '1') throw new Error(`bwtop's screen exited at start: ${s.text().trim()}`);
        await sleep(100);
      }
      if (s.counts() === null) throw new Error(`bwtop's screen showed no capture counts in 10 s:\n${s.text()}`);
      return s;
    } catch (err) {
      s.kill();
      throw err;
    }
  }

  /** The terminal type tmux gives the pane (its default-terminal). */
  term(): string {
    return this.tmux(['show', '-gv', 'default-terminal']) || 'screen';
  }

  /** The visible pane, as text. */
  text(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'bw']);
  }

  /** The header's packet and drop counts, or null when the screen does not show them. */
  counts(): CaptureCounts | null {
    const m = CAPTURE_TEXT.exec(this.text());
    return m ? { packets: Number(m[1]), dropped: Number(m[2]) } : null;
  }

  /** Counts once they stop changing: the same over two reads `gapMs` apart (at most `tries`). */
  async settledCounts(gapMs = 1300, tries = 8): Promise<CaptureCounts> {
    let last = this.mustCount();
    for (let i = 0; i < tries; i++) {
      await sleep(gapMs);
      const now = this.mustCount();
      if (now.packets === last.packets && now.dropped === last.dropped) return now;
      last = now;
    }
    throw new Error(`bwtop's packet count kept changing for ${(gapMs * tries) / 1000} s after the flood`);
  }

  /** Appends everything the screen writes to the terminal to `file` (pipe-pane -o). */
  startCopy(name: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, '');
    this.tmux(['pipe-pane', '-o', '-t', 'bw', `cat >> ${file}`], true);
    return file;
  }

  stopCopy(): void {
    this.tmux(['pipe-pane', '-t', 'bw'], true);
  }

  /** The terminal stops reading (see the top); returns the bytes it took to fill the pty buffer. */
  stallTerminal(): number {
    const tty = this.display('#{pane_tty}');
    const server = Number(this.tmux(['display', '-p', '#{pid}']));
    if (!tty || !(server > 0)) throw new Error('tmux shows no pane tty or server pid');
    process.kill(server, 'SIGSTOP');
    this.stoppedServer = server;
    const fd = openSync(tty, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const fill = Buffer.alloc(1024);
    let n = 0;
    try {
      for (;;) n += writeSync(fd, fill);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    } finally {
      closeSync(fd);
    }
    return n;
  }

  resumeTerminal(): void {
    if (this.stoppedServer > 0) process.kill(this.stoppedServer, 'SIGCONT');
    this.stoppedServer = 0;
  }

  /** Where bwtop's main thread waits in the kernel now (the top of /proc/PID/stack), '' if unknown. */
  kernelWait(): string {
    try {
      const top = readFileSync(`/proc/${this.pid}/stack`, 'utf8').split('\n').slice(0, 4);
      return top.map((l) => l.replace(/^\[<\w+>\] /, '').replace(/\+0x.*$/, '')).join(' < ');
    } catch {
      return '';
    }
  }

  /** `q`, as a user quits; resolves with bwtop's exit status (null if it did not exit in 5 s). */
  async quit(): Promise<number | null> {
    this.tmux(['send-keys', '-t', 'bw', 'q']);
    for (let i = 0; i < 50; i++) {
      if (this.display('#{pane_dead}') === '1') return Number(this.display('#{pane_dead_status}'));
      await sleep(100);
    }
    return null;
  }

  /** Ends the server (bwtop gets SIGHUP), then bwtop by its pid if it lingers; removes the files. */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    alive.delete(this);
    this.resumeTerminal(); // a stopped server would never answer kill-server
    this.tmux(['kill-server']);
    if (this.pid > 0) {
      for (let i = 0; i < 30 && running(this.pid); i++) spawnSync('sleep', ['0.1']);
      if (running(this.pid)) process.kill(this.pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private display(format: string): string {
    return this.tmux(['display', '-p', '-t', 'bw', format]);
  }

  private tmux(args: string[], mustWork = false): string {
    const r = spawnSync('tmux', ['-S', this.sock, ...args], { encoding: 'utf8' });
    if (mustWork && r.status !== 0) throw new Error(`tmux ${args[0] ?? ''} failed: ${(r.stderr || r.error?.message || '').trim()}`);
    return (r.stdout ?? '').replace(/\n$/, '');
  }

  private mustCount(): CaptureCounts {
    const c = this.counts();
    if (!c) throw new Error(`bwtop's screen no longer shows its capture counts:\n${this.text()}`);
    return c;
  }
}

/** Size of a copy file (0 before the first byte arrives). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Draws in a copy: blessed starts each one that writes anything with save-cursor (sc, ESC 7). */
export function countDraws(file: string): number {
  const b = readFileSync(file);
  let n = 0;
  for (let i = b.indexOf('\x1b7'); i >= 0; i = b.indexOf('\x1b7', i + 2)) n++;
  return n;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
