// `bwtop export`: the live engine behind an HTTP server with /metrics (Prometheus, through
// prom-client) and /connections (the socket list from the live tables). The port is bound
// first (a busy port fails at once), the capture opened next (a missing privilege fails before
// anything is announced), and only then "serving" is printed.
import { readFileSync } from 'node:fs';
import { startHttpServer, type Reply, type Route } from '../adapters/http-server.js';
import { ConnectionsPages } from '../core/export/connections-page.js';
import { run, type Sink } from './app.js';
import { EXPORT_HELP } from './args.js';
import { parseExportArgs, parseListen } from './export-args.js';
import { DEFAULT_LISTEN } from './export-options.js';
import { ExportMetrics } from './export-metrics.js';
import { realDeps } from './real-deps.js';
import { UserError, type CliIo } from './io.js';

/** The header that says how old the socket tables behind /connections are (the oldest listed). */
export const TABLES_AGE_HEADER = 'x-bwtop-tables-age-ms';
/** The age of each listed namespace's tables: `inode=ms, inode=ms`, in the page's order. */
export const NETNS_AGES_HEADER = 'x-bwtop-netns-tables-age-ms';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const o = parseExportArgs(args);
  if (o.help) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }
  const { host, port } = parseListen(o.listen ?? DEFAULT_LISTEN);
  const deps = realDeps(o.procRoot);
  const metrics = new ExportMetrics(version(), o.perPid);
  let pages: ConnectionsPages | null = null;

  const routes = new Map<string, Route>();
  routes.set('/metrics', async () => ({ status: 200, headers: { 'content-type': metrics.contentType }, body: await metrics.page() }));
  if (o.connections) {
    routes.set('/connections', (query): Reply => {
      if (pages === null) {
        const text = 'text/plain; charset=utf-8';
        if (o.replay !== null)
          return { status: 404, headers: { 'content-type': text }, body: 'a replayed capture has no live socket tables\n' };
        return {
          status: 503,
          headers: { 'content-type': text, 'retry-after': '1' },
          body: 'the socket tables are not read yet; try again in a second\n',
        };
      }
      const t0 = performance.now();
      const a = pages.answer(query);
      const buildMs = performance.now() - t0;
      if (a.status === 400) return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: a.error + '\n' };
      // Each namespace's tables have their own age: the page is as old as its oldest.
      const now = Date.now();
      const ages = a.spaces.map((s) => ({ inode: s.inode, ms: Math.max(0, now - (s.readMs || now)) }));
      const oldest = Math.max(...ages.map((x) => x.ms));
      return {
        status: 200,
        headers: {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          'last-modified': new Date(now - oldest).toUTCString(),
          [TABLES_AGE_HEADER]: String(oldest),
          [NETNS_AGES_HEADER]: ages.map((x) => `${x.inode ?? 'unknown'}=${x.ms}`).join(', '),
          'server-timing': `${pages.kept ? 'kept' : 'build'};dur=${buildMs.toFixed(1)}`,
        },
        body: a.body,
      };
    });
  }
  const server = await startHttpServer(host, port, routes).catch((err: Error) => {
    throw new UserError(err.message, 1);
  });
  const announce = (): void => {
    const paths = o.connections ? ` and http://${server.address}/connections` : '';
    io.stderr.write(`bwtop: serving metrics on http://${server.address}/metrics${paths}\n`);
  };
  const sink: Sink = {
    update(s) {
      metrics.update(s);
    },
    // /connections answers from the tables: they are re-read each refresh while it is served
    // (less often while connections churn; the ages the answer gives are those of the last
    // reads), every namespace's, with the holders of every socket looked for.
    socketNeed: () => (o.connections ? 'fresh' : 'none'),
    everyNamespace: () => o.connections,
    // A replayed capture's final counters stay served until SIGTERM/SIGINT (unless --count).
    holdAfterReplay: o.count === 0,
    close() {}, // the server closes below, after run() returns
    attachTables(v) {
      pages = new ConnectionsPages(v);
      announce();
    },
  };
  if (o.replay !== null) announce(); // no capture to open
  try {
    return await run(deps, o, sink);
  } finally {
    await server.close();
  }
}
