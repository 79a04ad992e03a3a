// A process holding many loopback TCP connections (both ends, and their listener), for the
// /connections test and benchmark: python3 connects and accepts one at a time, so the accept
// queue never overflows, then holds everything until its stdin closes or it is killed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inNs, tmp, track, waitFor, type Netns } from '../live/harness.js';

const HOLDER = `
import resource, socket, sys
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (2 * n + 64, 2 * n + 64))
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(64)
held = []
for i in range(n):
    held.append(socket.create_connection(l.getsockname()))
    held.append(l.accept()[0])
print('holding', l.getsockname()[1], flush=True)
sys.stdin.read()
`;

export interface Holder {
  child: ChildProcess;
  pid: number;
  port: number;
}

/** Starts the holder with `connections` connections (inside `ns`) and waits until it holds them. */
export async function holdConnections(connections: number, ns?: Netns): Promise<Holder> {
  // From a file, so its command line (listed with every socket) is as short as a real one.
  const script = join(tmp('bwtop-holder-'), 'holder.py');
  writeFileSync(script, HOLDER);
  const [cmd, args] = inNs(ns, 'python3', [script, String(connections)]);
  const child = track(spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] }));
  const out = await waitFor(child, 'stdout', /holding \d+\n/, 60_000);
  return { child, pid: child.pid!, port: Number(/holding (\d+)/.exec(out)![1]) };
}

/** ss's endpoint text as bwtop writes it: "*:80" -> "[::]:80", port "*" -> 0. */
function ssEndpoint(text: string): string {
  const t = text.startsWith('*:') ? `[::]${text.slice(1)}` : text;
  return t.endsWith(':*') ? `${t.slice(0, -1)}0` : t;
}

/** "local remote" of every TCP socket `ss -tanp` shows held by `pid` (inside `ns`). */
export function ssTcpOf(pid: number, ns?: Netns): string[] {
  const [cmd, args] = inNs(ns, 'ss', ['-tanp']);
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return `${ssEndpoint(f[3]!)} ${ssEndpoint(f[4]!)}`;
    });
}

/** "local remote" of every TCP socket `ss -tan` shows in TIME-WAIT (inside `ns`). */
export function ssTimeWait(ns?: Netns): string[] {
  const [cmd, args] = inNs(ns, 'ss', ['-tan']);
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('TIME-WAIT'))
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return `${ssEndpoint(f[3]!)} ${ssEndpoint(f[4]!)}`;
    });
}

export type ConnectionRow = { proto: string; local: string; remote: string; state: string; processes: { pid: number; name: string }[] };

/** "local remote" of every row of a /connections answer whose holders include `pid`. */
export function rowsOf(body: string, pid: number): string[] {
  return (JSON.parse(body) as ConnectionRow[]).filter((r) => r.processes.some((p) => p.pid === pid)).map((r) => `${r.local} ${r.remote}`);
}
