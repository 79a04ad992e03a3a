// Workloads for the exact-owners live tests: a local HTTP server, shell loops that each hold a TCP
// connection and start a `sleep 1` every second (as monitoring scripts and cron jobs do), and
// curl clients; plus what a --json line says about who got the bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { track, waitFor } from './harness.js';

export const BODY = 200_000;

/** A node script: an HTTP server on 127.0.0.1:`port` answering every request with `body` bytes, then closing. */
export const WEB = (port: number, body = BODY): string => `
const http = require('http');
const body = Buffer.alloc(${body}, 120);
http.createServer((q, s) => { s.setHeader('connection', 'close'); s.end(body); })
  .listen(${port}, '127.0.0.1', () => console.log('ready'));
`;

const SINK = (port: number): string => `
require('net').createServer((c) => { c.on('data', () => {}); c.on('error', () => {}); })
  .listen(${port}, '127.0.0.1', () => console.log('ready'));
`;

async function node(script: string): Promise<ChildProcess> {
  const c = track(spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
  await waitFor(c, 'stdout', /ready/);
  return c;
}

export const webServer = (port: number): Promise<ChildProcess> => node(WEB(port));
export const sinkServer = (port: number): Promise<ChildProcess> => node(SINK(port));

/** A shell that holds a connection to `port` and writes to it after each `sleep 1` it starts. */
export function shellLoop(port: number): ChildProcess {
  const script = `exec 3<>/dev/tcp/127.0.0.1/${port}; while sleep 1; do echo x >&3; done`;
  // Its own process group, so its sleep children go with it.
  return track(spawn('bash', ['-c', script], { stdio: 'ignore', detached: true }));
}

export function endGroup(c: ChildProcess): void {
  try {
    process.kill(-c.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

interface Conn {
  local: string;
  remote: string;
  sent_total: number;
  received_total: number;
}
export interface Entry {
  pid: number | null;
  pids?: number[];
  name: string;
  sent_total: number;
  received_total: number;
  connections: Conn[];
}

const port = (ep: string): number => Number(ep.slice(ep.lastIndexOf(':') + 1));

/** Who got the bytes of connections to or from `serverPort`, by kind of owner. */
export function creditFor(entries: Entry[], serverPort: number, serverPid: number, clientName: string) {
  let toClients = 0;
  let toClientPids = 0;
  let serverSent = 0;
  let nameless = 0;
  let wrong = 0;
  const wrongNames = new Set<string>();
  for (const e of entries) {
    const bytes = e.connections
      .filter((c) => port(c.local) === serverPort || port(c.remote) === serverPort)
      .reduce((s, c) => s + c.sent_total + c.received_total, 0);
    if (bytes === 0) continue;
    if (e.name === '') nameless += bytes;
    else if (e.pid === serverPid)
      serverSent += e.connections.filter((c) => port(c.local) === serverPort).reduce((s, c) => s + c.sent_total, 0);
    else if (e.name === clientName) {
      const recv = e.connections.filter((c) => port(c.remote) === serverPort).reduce((s, c) => s + c.received_total, 0);
      toClients += recv;
      if (e.pid !== null) toClientPids += recv;
    } else {
      wrong += bytes;
      wrongNames.add(e.name);
    }
  }
  return { toClients, toClientPids, serverSent, nameless, wrong, wrongNames: [...wrongNames] };
}
