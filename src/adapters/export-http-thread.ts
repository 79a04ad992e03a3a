// The exporter's HTTP server, on a thread of its own. With 10,000 sockets the engine's thread is
// busy for tens of milliseconds at a time (reading the socket tables, reading a young process's
// descriptors, writing the /connections rows), and a request that arrived meanwhile would wait
// for it: here /connections is answered from the last rows the engine's thread handed over
// (connection-rows.ts) whatever it is doing. /metrics goes to the engine's thread, where
// prom-client's registry lives.
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { ConnectionsPages } from '../core/export/connections-page.js';
import { startHttpServer, type HttpServer, type Reply, type Route } from './http-server.js';
import { WANT_EVERY_MS, type FromHttpThread, type HttpThreadStart, type ToHttpThread } from './export-thread-messages.js';

/** The header that says how old the socket tables behind /connections are (the oldest listed). */
export const TABLES_AGE_HEADER = 'x-bwtop-tables-age-ms';
/** The age of each listed namespace's tables: `inode=ms, inode=ms`, in the page's order. */
export const NETNS_AGES_HEADER = 'x-bwtop-netns-tables-age-ms';

const engine = parentPort!;
const start = workerData as HttpThreadStart;
const say = (m: FromHttpThread): void => engine.postMessage(m);

let pages: ConnectionsPages | null = null;
let unavailable: Reply | null = null;
/** Rows keep coming after each refresh (else the next request waits for rows written for it). */
let coming = false;
let lastWantMs = -Infinity;
let waiting: Array<() => void> = [];
const metricsWaiting = new Map<number, (r: Reply) => void>();
let nextId = 0;
let server: HttpServer | null = null;

engine.on('message', (m: ToHttpThread) => {
  switch (m.kind) {
    case 'rows':
      pages = new ConnectionsPages(m.rows);
      unavailable = null;
      coming = true;
      break;
    case 'unavailable':
      pages = null;
      unavailable = m.reply;
      coming = false;
      break;
    case 'paused':
      coming = false;
      return;
    case 'metrics':
      metricsWaiting.get(m.id)?.(m.reply);
      metricsWaiting.delete(m.id);
      return;
    case 'close':
      // Closing the port too leaves the thread nothing to wait for: it ends.
      void (server?.close() ?? Promise.resolve()).then(() => engine.close());
      return;
  }
  const w = waiting;
  waiting = [];
  for (const resume of w) resume();
});

async function connections(query: URLSearchParams): Promise<Reply> {
  const now = Date.now();
  if (!coming || now - lastWantMs >= WANT_EVERY_MS) {
    lastWantMs = now;
    say({ kind: 'want' });
  }
  if (!coming) await new Promise<void>((resume) => waiting.push(resume));
  if (pages === null) return unavailable ?? { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not ready\n' };
  const t0 = performance.now();
  const a = pages.answer(query);
  const buildMs = performance.now() - t0;
  if (a.status === 400) return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: a.error + '\n' };
  // Each namespace's tables have their own age: the page is as old as its oldest.
  const at = Date.now();
  const ages = a.spaces.map((s) => ({ inode: s.inode, ms: Math.max(0, at - (s.readMs || at)) }));
  const oldest = Math.max(...ages.map((x) => x.ms));
  return {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'last-modified': new Date(at - oldest).toUTCString(),
      [TABLES_AGE_HEADER]: String(oldest),
      [NETNS_AGES_HEADER]: ages.map((x) => `${x.inode ?? 'unknown'}=${x.ms}`).join(', '),
      'server-timing': `${pages.kept ? 'kept' : 'build'};dur=${buildMs.toFixed(1)}`,
    },
    body: a.body,
  };
}

const routes = new Map<string, Route>();
routes.set(
  '/metrics',
  () =>
    new Promise<Reply>((resolve) => {
      const id = nextId++;
      metricsWaiting.set(id, resolve);
      say({ kind: 'metrics', id });
    }),
);
if (start.connections) routes.set('/connections', connections);

try {
  // The engine's thread runs at nice -10 (real-deps.ts); a nice value is a thread's own on Linux,
  // and an answer must not wait behind the engine's reads on a busy machine either.
  setPriority(0, Math.min(getPriority(0), -10));
} catch {
  // not root: the default priority
}

startHttpServer(start.host, start.port, routes).then(
  (s) => {
    server = s;
    say({ kind: 'listening', address: s.address });
  },
  (err: Error) => {
    say({ kind: 'failed', message: err.message });
    engine.close();
  },
);
