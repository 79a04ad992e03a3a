// `bwtop connections`: a one-shot list of TCP/UDP sockets with the processes holding them, for
// people and for monitoring agents (Zabbix, cron). Speed matters here (agents run it often on
// busy hosts), so it reads each socket table once, scans every /proc/PID/fd once, and reads
// process details only for processes that hold a listed socket.
import { resolve } from 'node:path';
import { openProcRoot, readNetTableInBackground, socketCountHint } from '../adapters/procfs.js';
import { JsonListing } from '../core/connections/json.js';
import { listTable, type ListingQuery } from '../core/connections/listing.js';
import { processLookup, scanOwners } from '../core/connections/owners.js';
import { tablesFor } from '../core/connections/select.js';
import { CONNECTIONS_HELP, parseConnectionsArgs } from './connections-args.js';
import { UserError, type CliIo } from './io.js';

/** Rows (per net/sockstat) from which a table is copied in the background. */
const BACKGROUND_TABLE_MIN = 2000;

/** True when the terminal's locale says UTF-8 (otherwise non-ASCII names print as '?'). */
function utf8Locale(env: NodeJS.ProcessEnv): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(loc);
}

// A reader that stops early (`bwtop connections | head`) closes the pipe: not worth a trace.
function ignoreEpipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}

async function write(out: NodeJS.WritableStream, content: string | Uint8Array[]): Promise<void> {
  if (!out.listeners('error').includes(ignoreEpipe)) out.on('error', ignoreEpipe);
  const parts = typeof content === 'string' ? [content] : content;
  for (const part of parts) await new Promise<void>((resolve) => out.write(part, () => resolve()));
}

export async function connectionsCommand(args: string[], io: CliIo): Promise<number> {
  const o = parseConnectionsArgs(args);
  if (o.help) {
    await write(io.stdout, CONNECTIONS_HELP);
    return 0;
  }
  const root = resolve(o.procRoot ?? io.procRoot);
  const src = openProcRoot(root, { relativeFdLinks: true });
  const tables = tablesFor(o.filter);

  // A big table (kernel time, ~2.5 us a row) is copied by a helper process while this one scans
  // descriptors; a small one is cheaper to read here than to hand off.
  const hint = socketCountHint(root);
  const pending = tables.map((t) => (hint[t.name] >= BACKGROUND_TABLE_MIN ? readNetTableInBackground(root, t.name) : null));

  const pids = src.listPids();
  if (pids === null) {
    throw new UserError(`cannot list processes in ${root}: it is not a readable procfs directory; check --proc-root`);
  }
  const scan = scanOwners(src, pids);
  const lookup = processLookup(src);
  // The table writer (and its Unicode tables) loads only when needed: start-up time is most of a
  // one-shot command's cost, and monitoring agents ask for --json.
  const sink = o.json
    ? new JsonListing(lookup)
    : new (await import('../core/connections/table.js')).TableListing(lookup, utf8Locale(process.env));
  const query: ListingQuery = { states: o.filter.states };
  if (o.pids !== undefined) query.pids = o.pids;
  let readable = 0;
  for (const [i, t] of tables.entries()) {
    const text = (await pending[i]) ?? src.readNetTable(t.name);
    if (text === null) continue; // e.g. no IPv6 on this host
    readable++;
    listTable(text, t.proto, t.family, query, scan.owners, sink);
  }
  if (readable === 0 && tables.length > 0) {
    throw new UserError(`cannot read the socket tables in ${root}/net: it is not a readable procfs directory; check --proc-root`);
  }
  if (scan.unreadable > 0 && !io.isRoot) {
    io.stderr.write(
      "bwtop: not running as root, so the owners of other users' sockets are not shown; run it as root to see every owner\n",
    );
  }
  await write(io.stdout, sink.finish());
  return 0;
}
