// `bwtop export` as a child process for the live exporter tests and the benchmark: started on
// the host or in a namespace of the test's own, asked over HTTP with curl (inside the namespace
// when there is one), stopped by a signal.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { BWTOP, exited, inNs, sleep, track, waitFor, type Netns } from '../live/harness.js';

export interface Exporter {
  child: ChildProcess;
  /** Base URL, e.g. http://127.0.0.1:9816 */
  base: string;
  stderr(): string;
}

/** A TCP port free on the host's loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** Starts `bwtop export args...` and waits for it to announce the metrics page. */
export async function startExporter(listen: string, args: string[], ns?: Netns, wrap: string[] = []): Promise<Exporter> {
  const [cmd, cargs] = inNs(ns, wrap[0] ?? process.execPath, [
    ...wrap.slice(1),
    ...(wrap.length ? [process.execPath] : []),
    BWTOP,
    'export',
    '--listen',
    listen,
    ...args,
  ]);
  const child = track(spawn(cmd, cargs, { stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await waitFor(child, 'stderr', /serving metrics on/);
  return { child, base: `http://${listen}`, stderr: () => err };
}

/** Runs `bwtop export ...` to its end: exit status and everything it wrote to stderr. */
export function runExporterToEnd(args: string[], wrap: string[] = []): { status: number | null; stderr: string } {
  const all = [...wrap, process.execPath, BWTOP, 'export', ...args];
  const r = spawnSync(all[0]!, all.slice(1), { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** curl's total time for the request, in ms. */
  ms: number;
}

/** One request with curl (inside `ns` when given), headers and body returned. */
export function get(url: string, ns?: Netns, method = 'GET'): HttpAnswer {
  const [cmd, args] = inNs(ns, 'curl', ['-s', '-i', '-X', method, '--max-time', '30', '-w', '\n%{time_total}', url]);
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`curl ${url} failed (${r.status}): ${r.stderr}`);
  const cut = r.stdout.lastIndexOf('\n');
  const ms = Number(r.stdout.slice(cut + 1)) * 1000;
  const text = r.stdout.slice(0, cut);
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const h of head.slice(1)) {
    const c = h.indexOf(':');
    headers[h.slice(0, c).toLowerCase()] = h.slice(c + 1).trim();
  }
  return { status: Number(head[0]!.split(' ')[1]), headers, body: text.slice(split + 4), ms };
}

export async function stop(e: Exporter, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  e.child.kill(signal);
  return exited(e.child);
}

const SINK = `
import socket, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('127.0.0.1', int(sys.argv[1]))); l.listen(16); print('ready', flush=True)
while True:
    c, _ = l.accept()
    while c.recv(65536): pass
    c.close()
`;

/** A TCP server on 127.0.0.1:port (inside `ns`) that reads and discards, run as `program`. */
export async function startSink(port: number, ns?: Netns, program = 'python3'): Promise<ChildProcess> {
  const [cmd, args] = inNs(ns, program, ['-c', SINK, String(port)]);
  const child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] }));
  await waitFor(child, 'stdout', /ready/);
  return child;
}

/** Asks `url` until `ok` holds for the answer's body (the exporter shows traffic after a refresh or two). */
export async function getUntil(url: string, ns: Netns | undefined, ok: (body: string) => boolean, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let body = get(url, ns).body;
  while (!ok(body) && Date.now() < end) {
    await sleep(300);
    body = get(url, ns).body;
  }
  return body;
}
