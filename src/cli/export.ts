// `bwtop export`: the live engine behind an HTTP server with /metrics (Prometheus, through
// prom-client) and /connections (the socket list from the live tables). The port is bound
// first (a busy port fails at once), the capture opened next (a missing privilege fails before
// anything is announced), and only then "serving" is printed.
import { readFileSync } from 'node:fs';
import type { Reply } from '../adapters/http-server.js';
import { RowsWriter } from '../core/export/connection-rows.js';
import { run, type Sink } from './app.js';
import { EXPORT_HELP } from './args.js';
import { parseExportArgs, parseListen } from './export-args.js';
import { DEFAULT_LISTEN } from './export-options.js';
import { ExportMetrics } from './export-metrics.js';
import { startExportServer } from './export-server.js';
import { realDeps } from './real-deps.js';
import { UserError, type CliIo } from './io.js';

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
  let rows: RowsWriter | null = null;
  let broke: string | null = null;

  const text = 'text/plain; charset=utf-8';
  const noTables = (): Reply =>
    o.replay !== null
      ? { status: 404, headers: { 'content-type': text }, body: 'a replayed capture has no live socket tables\n' }
      : {
          status: 503,
          headers: { 'content-type': text, 'retry-after': '1' },
          body: 'the socket tables are not read yet; try again in a second\n',
        };
  // The HTTP server runs on a thread of its own (export-http-thread.ts): /connections is answered
  // there from the rows written here after each refresh, whatever this thread is busy with.
  const server = await startExportServer(
    { host, port, connections: o.connections },
    {
      metrics: async () => ({ status: 200, headers: { 'content-type': metrics.contentType }, body: await metrics.page() }),
      rows: () => rows?.write() ?? noTables(),
      now: () => Date.now(),
    },
  ).catch((err: Error) => {
    throw new UserError(err.message, 1);
  });
  const announce = (): void => {
    const paths = o.connections ? ` and http://${server.address}/connections` : '';
    io.stderr.write(`bwtop: serving metrics on http://${server.address}/metrics${paths}\n`);
  };
  const sink: Sink = {
    update(s) {
      metrics.update(s);
      server.refreshed();
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
      rows = new RowsWriter(v);
      announce();
    },
    done: server.broken.then((why) => {
      broke = why;
    }),
  };
  if (o.replay !== null) announce(); // no capture to open
  try {
    const code = await run(deps, o, sink);
    if (broke === null) return code;
    io.stderr.write(`bwtop: ${broke}\n`);
    return 1;
  } finally {
    await server.close();
  }
}
