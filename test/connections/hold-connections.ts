// A process that holds many loopback TCP connections (both ends) and their listener, for the
// connections benchmark and the live test at scale; and the sockets `ss -tanp` shows for a pid.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The helper: one listener on 127.0.0.1, N clients connected to it, all held open. It connects
// in batches so the accept queue (capped by net.core.somaxconn) never overflows. With `talk`,
// each client sends one byte a second (a hundredth of them every 10 ms) once all are connected.
const helperSource = (n: number, talk: boolean) => `
const net = require('node:net');
const N = ${n};
const held = [];
const clients = [];
let turn = 0;
const send = () => { for (let i = turn; i < clients.length; i += 100) clients[i].write('x'); turn = (turn + 1) % 100; };
const talk = () => { if (${talk}) setInterval(send, 10); };
let accepted = 0, connected = 0, started = 0;
const done = () => { if (accepted === N && connected === N) { process.stdout.write('ready ' + srv.address().port + '\\n'); talk(); } };
const srv = net.createServer((s) => { held.push(s); s.resume(); accepted++; done(); });
srv.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const port = srv.address().port;
  const batch = () => {
    const end = Math.min(N, started + 500);
    for (; started < end; started++) {
      const c = net.connect(port, '127.0.0.1', () => { connected++; if (connected % 500 === 0) batch(); done(); });
      held.push(c);
      clients.push(c);
    }
  };
  batch();
});
`;

export interface Holder {
  pid: number;
  port: number;
  stop(): void;
}

/**
 * Starts the helper with `connections` connections; resolves once all are established. `talk`:
 * each connection then carries one byte a second.
 */
export async function holdConnections(connections: number, talk = false): Promise<Holder> {
  // From a file, so its command line (listed with every socket) is as short as a real program's.
  const dir = mkdtempSync(join(tmpdir(), 'bwtop-holder-'));
  const script = join(dir, 'holder.cjs');
  writeFileSync(script, helperSource(connections, talk));
  // 2N + 1 descriptors plus a few: raise the soft limit in a shell wrapper, then exec node.
  const child = spawn('sh', ['-c', `ulimit -n ${2 * connections + 100} && exec "$0" "$1"`, process.execPath, script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('helper not ready after 60 s')), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /ready (\d+)/.exec(buf);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`helper exited early (${code})`));
      });
    });
    return { pid: child.pid!, port, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

/** ss endpoint text as bwtop writes it: "*:80" (dual-stack any) -> "[::]:80", port "*" -> 0. */
function ssEndpoint(text: string): string {
  const t = text.startsWith('*:') ? `[::]${text.slice(1)}` : text;
  return t.endsWith(':*') ? `${t.slice(0, -1)}0` : t;
}

/** "local remote" of every socket `ss -tanp` lists with pid=`pid` in its users:(...) column. */
export function ssSocketsOf(ssOut: string, pid: number): string[] {
  const out: string[] = [];
  for (const line of ssOut.split('\n')) {
    if (!line.includes(`pid=${pid},`)) continue;
    const f = line.trim().split(/\s+/);
    // State Recv-Q Send-Q Local Peer Process
    out.push(`${ssEndpoint(f[3]!)} ${ssEndpoint(f[4]!)}`);
  }
  return out;
}

/** "local remote" of every socket of a `connections --json` listing that `pid` holds. */
export function listedSocketsOf(json: string, pid: number): Set<string> {
  const mine = new Set<string>();
  for (const s of JSON.parse(json) as Array<{ local: string; remote: string; processes: Array<{ pid: number }> }>) {
    if (s.processes.some((p) => p.pid === pid)) mine.add(`${s.local} ${s.remote}`);
  }
  return mine;
}
