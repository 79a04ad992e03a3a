// A small HTTP server for the exporter: exact paths (query strings ignored by the routing, handed
// to the route), GET and HEAD only, every other path 404, and timeouts so a client that sends
// nothing or trickles its headers cannot hold connections open.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Text, bytes, or pieces of bytes sent one after the other (no copy into one buffer). */
  body: string | Uint8Array | readonly Uint8Array[];
}

export type Route = (query: URLSearchParams) => Reply | Promise<Reply>;

/** Whole request (headers and body) must arrive within this; headers alone within HEADERS_MS. */
const REQUEST_MS = 10_000;
const HEADERS_MS = 5_000;
const KEEP_ALIVE_MS = 5_000;

export interface HttpServer {
  readonly address: string;
  close(): Promise<void>;
}

/** One sentence for an error of listen(), or null when it is not a listen problem. */
export function listenErrorSentence(where: string, err: NodeJS.ErrnoException): string {
  const why =
    err.code === 'EADDRINUSE'
      ? 'the port is in use by another program'
      : err.code === 'EADDRNOTAVAIL'
        ? "that address is not one of this host's"
        : err.code === 'EACCES'
          ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE'
          : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
            ? 'that host name does not resolve'
            : err.message;
  return `cannot listen on ${where}: ${why}; choose another address or port with --listen`;
}

function text(status: number, body: string): Reply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

async function answer(routes: ReadonlyMap<string, Route>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let reply: Reply;
  const url = new URL(req.url ?? '/', 'http://exporter');
  const route = routes.get(url.pathname);
  if (route === undefined) reply = text(404, `not found; the paths are ${[...routes.keys()].join(' and ')}\n`);
  else if (req.method !== 'GET' && req.method !== 'HEAD') {
    reply = text(405, 'only GET and HEAD are served\n');
    reply.headers.allow = 'GET, HEAD';
  } else {
    try {
      reply = await route(url.searchParams);
    } catch (err) {
      reply = text(500, `internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const pieces = typeof reply.body === 'string' ? [Buffer.from(reply.body)] : reply.body instanceof Uint8Array ? [reply.body] : reply.body;
  let length = 0;
  for (const p of pieces) length += p.length;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(length) });
  if (req.method === 'HEAD') return void res.end();
  // Corked: the pieces leave in one writev, not a copy of them all in a new buffer.
  res.cork();
  for (const p of pieces) res.write(p);
  res.end();
}

/** Listens on host:port; rejects with listenErrorSentence's sentence as an Error. */
export async function startHttpServer(host: string, port: number, routes: ReadonlyMap<string, Route>): Promise<HttpServer> {
  const server: Server = createServer(
    { requestTimeout: REQUEST_MS, headersTimeout: HEADERS_MS, keepAliveTimeout: KEEP_ALIVE_MS },
    (req, res) => {
      void answer(routes, req, res);
    },
  );
  server.maxHeadersCount = 64;
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(listenErrorSentence(where, err))));
    server.listen(port, host, () => resolve());
  });
  server.on('error', () => {}); // after listening, errors belong to single connections
  return {
    address: where,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
