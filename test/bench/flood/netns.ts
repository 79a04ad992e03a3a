// A private network namespace for the flood: its own loopback, socket tables and traffic, so
// nothing else on the machine is captured or disturbed. Only 127.0.0.1 inside it is ever used.
import { spawnSync } from 'node:child_process';

export class Netns {
  private deleted = false;

  private constructor(readonly name: string) {}

  /** `ip netns add bwtop-flood-<pid>` with lo up; throws one sentence when that fails. */
  static create(): Netns {
    const ns = new Netns(`bwtop-flood-${process.pid}`);
    ip(['netns', 'add', ns.name]);
    try {
      ip(['-n', ns.name, 'link', 'set', 'lo', 'up']);
    } catch (err) {
      ns.delete();
      throw err;
    }
    return ns;
  }

  /** argv that runs `cmd` inside the namespace; `ip netns exec` execs, so the pid is cmd's own. */
  wrap(cmd: string, args: string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.name, cmd, ...args]];
  }

  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    spawnSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
  }
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}
