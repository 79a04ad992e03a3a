// bwtop in a tmux pane on a tmux server of the test's own (socket in the test's temporary folder,
// no user config): the test neither sees nor disturbs the user's sessions.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './harness.js';

export class TmuxPane {
  readonly socket: string;

  constructor(
    dir: string,
    readonly session = 'bwtop-test',
  ) {
    this.socket = join(dir, 'tmux.sock');
  }

  tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr}`);
    return r.stdout;
  }

  /**
   * Runs `command` (a shell line) in a new 120x40 pane; its exit status goes to `statusFile`, then
   * `then` runs in the same terminal (e.g. `stty -a`, and a sleep that keeps the pane for inspection).
   */
  start(command: string, env: Record<string, string>, statusFile: string, then = ''): void {
    rmSync(statusFile, { force: true });
    const e = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const after = then ? `; ${then}` : '';
    this.tmux('new-session', '-d', '-s', this.session, '-x', '120', '-y', '40', ...e, `${command}; echo $? > ${statusFile}${after}`);
  }

  /** A tmux format of the pane (`#{alternate_on}`, `#{cursor_flag}`, `#{pane_pid}`...). */
  display(format: string): string {
    return this.tmux('display-message', '-p', '-t', this.session, format).trim();
  }

  text(): string {
    return this.tmux('capture-pane', '-p', '-t', this.session);
  }

  keys(...k: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...k);
  }

  /** The terminal's own SGR (1006) report of a left click at 0-based cell (x, y): tmux cannot invent clicks. */
  click(x: number, y: number): void {
    this.keys('-l', `\x1b[<0;${x + 1};${y + 1}M\x1b[<0;${x + 1};${y + 1}m`);
  }

  /** Waits until the pane satisfies `ok`, or fails with what it showed. */
  async until(what: string, ok: (screen: string) => boolean, timeoutMs = 8000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = this.text();
      if (ok(screen)) return screen;
      await sleep(150);
    }
    throw new Error(`${what}; the screen showed:\n${screen}`);
  }

  /** The exit status the pane's command wrote, waiting for it a while. */
  async status(statusFile: string, timeoutMs = 5000): Promise<string | null> {
    const end = Date.now() + timeoutMs;
    while (!existsSync(statusFile) && Date.now() < end) await sleep(100);
    return existsSync(statusFile) ? readFileSync(statusFile, 'utf8').trim() : null;
  }

  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }
}
