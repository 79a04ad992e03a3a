// `bwtop export --listen HOST:PORT`: the live engine behind a Prometheus /metrics page.
import { createServer } from 'node:http';
import type { Snapshot } from '../core/model.js';
import { prometheusText } from '../core/export/prometheus.js';
import { EXPORT_HELP, parseLiveArgs } from './args.js';
import { run, type Sink } from './app.js';
import { realDeps } from './real-deps.js';
import { UserError, type CliIo } from './io.js';

export const DEFAULT_LISTEN = '127.0.0.1:9816';

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UserError(`invalid --listen "${text}": give HOST:PORT, e.g. 127.0.0.1:9816 or [::1]:9816`);
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const o = parseLiveArgs(args, 'export');
  if (o.help) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }
  const { host, port } = parseListen(o.listen ?? DEFAULT_LISTEN);
  let latest: Snapshot | null = null;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics' && req.url !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    const body = latest ? prometheusText(latest) : '';
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UserError(`cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}; choose another with --listen`, 1)),
    );
    server.listen(port, host, resolve);
  });
  io.stderr.write(`bwtop: serving metrics on http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics\n`);
  const sink: Sink = { update: (s) => (latest = s), holdAfterReplay: false, close: () => server.close() };
  return run(realDeps(o.procRoot), o, sink);
}
