// A socket table copied by a separate process while this one does other work (the one-shot
// `connections` command overlaps the table with its descriptor scan).
import { createRequire } from 'node:module';
import { closeSync, existsSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { TableName } from '../core/proc/types.js';

/** A directory for the scratch file, in memory when possible. */
function scratchDir(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/**
 * Starts copying one socket table into an anonymous scratch file with `cat`, a separate process,
 * so this one can scan descriptors meanwhile: a table of many thousand sockets costs tens of
 * milliseconds of kernel time to generate, and a second thread would cost more to start. (A pipe
 * would not do: this thread is busy, nobody would drain it.) Resolves to the table text, or null
 * on any failure (no `cat`, table missing...): the caller then reads it with readNetTable.
 */
export function readNetTableInBackground(root: string, name: TableName): Promise<string | null> {
  let fd: number;
  try {
    const path = `${scratchDir()}/bwtop-${process.pid}-${name}-${Math.random().toString(36).slice(2)}`;
    fd = openSync(path, 'wx+', 0o600); // O_EXCL: never follows a planted link
    unlinkSync(path); // anonymous from now on: gone when closed, whatever happens
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      let text: string | null = null;
      try {
        if (ok) {
          const size = fstatSync(fd).size;
          const buf = Buffer.allocUnsafe(size);
          let got = 0;
          while (got < size) {
            const n = readSync(fd, buf, got, size - got, got);
            if (n === 0) break;
            got += n;
          }
          text = buf.toString('latin1', 0, got);
        }
      } catch {
        text = null;
      } finally {
        closeSync(fd);
      }
      resolve(text);
    };
    try {
      // Loaded on first use: most callers never need it, and every module costs start-up time.
      const { spawn } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
      const child = spawn('cat', [`${root}/net/${name}`], { stdio: ['ignore', fd, 'ignore'] });
      child.once('error', () => finish(false));
      child.once('exit', (code) => finish(code === 0));
    } catch {
      finish(false);
    }
  });
}
