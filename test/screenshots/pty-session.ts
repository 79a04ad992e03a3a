// A program on a pseudo-terminal of a fixed size (util-linux `script` makes it), with every byte
// it writes kept, keys typed into it, and its screen read through a terminal emulator.

import { type ChildProcess, spawn } from 'node:child_process';
import { type Cell, gridText, terminalGrid } from './terminal-grid.js';

export const KEYS = { enter: '\r', home: '\x1bOH', down: '\x1bOB', escape: '\x1b' } as const;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class PtySession {
  private readonly child: ChildProcess;
  private readonly chunks: Buffer[] = [];
  /** The program's exit status (script passes it on with -e). */
  readonly exited: Promise<number>;

  constructor(
    argv: string[],
    readonly cols: number,
    readonly rows: number,
    env: NodeJS.ProcessEnv,
  ) {
    // The size is set on the terminal itself before the program starts, as a terminal window would.
    const cmd = `stty rows ${rows} cols ${cols} && exec ${argv.map(quote).join(' ')}`;
    this.child = spawn('script', ['-q', '-f', '-e', '-c', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (b: Buffer) => this.chunks.push(b));
    this.child.stderr!.on('data', (b: Buffer) => this.chunks.push(b));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  /** Every byte the program wrote so far. */
  output(): Buffer {
    return Buffer.concat(this.chunks);
  }

  screen(): Promise<Cell[][]> {
    return terminalGrid(this.output(), this.cols, this.rows);
  }

  async text(): Promise<string> {
    return gridText(await this.screen());
  }

  /** Types keys one at a time, as a person would, then lets the program draw. */
  async type(...keys: string[]): Promise<void> {
    for (const k of keys) {
      this.child.stdin!.write(k);
      await sleep(150);
    }
    await sleep(500);
  }

  /** Waits until the screen's text passes `ready`; fails after `ms` or when the program ends. */
  async waitFor(ready: (text: string) => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    let ended = false;
    void this.exited.then(() => {
      ended = true;
    });
    for (;;) {
      const text = await this.text();
      if (ready(text)) return;
      if (ended) throw new Error(`the program ended early; the screen shows:\n${text}`);
      if (Date.now() > deadline) throw new Error(`the screen was not ready within ${ms} ms; it shows:\n${text}`);
      await sleep(200);
    }
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}
