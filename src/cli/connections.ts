// `bwtop connections`: a one-shot list of TCP/UDP sockets with the processes holding them, for
// people and for monitoring agents (Zabbix, cron). Speed matters here (agents run it often on
// busy hosts), so it reads each socket table once, scans every /proc/PID/fd once, and reads
// process details only for processes that hold a listed socket.
import { writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { openProcRoot, socketCountHint } from '../adapters/procfs.js';
import { readNetTableInBackground } from '../adapters/table-copy.js';
import { JsonListing } from '../core/connections/json.js';
import { rowLister, type ListingQuery } from '../core/connections/listing.js';
import { type OwnerMap, processLookup, scanOwners, scanOwnersFlat, scanSummary } from '../core/connections/owners.js';
import { takeFdScan } from '../adapters/fd-scan.js';
import { addNativeRows } from '../adapters/native-rows.js';
import { type DumpedTable, nativeTableDump } from '../adapters/sock-dump.js';
import { selectedTables, stateMask } from '../core/connections/select.js';
import type { TableName } from '../core/engine/socket-index.js';
import type { ProcessInfo, SocketEntry } from '../core/proc/types.js';
import { forEachNetRow } from '../core/proc/netTable.js';
import { CONNECTIONS_HELP, parseConnectionsArgs } from './connections-args.js';
import { namespaceListing } from './connections-netns.js';
import { UserError, type CliIo } from './io.js';

// The entry splits the command line with the bundled command's copy (one file fewer to load).
export { splitCommand } from './args.js';

/** Rows (per net/sockstat) from which a text table is copied in the background. */
const BACKGROUND_TABLE_MIN = 2000;

// A reader that stops early (`bwtop connections | head`) closes the pipe: not worth a trace.
function ignoreEpipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}

async function write(io: CliIo, content: string | Uint8Array[]): Promise<void> {
  const parts = typeof content === 'string' ? [Buffer.from(content)] : content;
  let rest: Uint8Array[] = parts;
  // Straight to the descriptor while it takes the output whole (a blocking pipe, a file, a
  // terminal); what a full non-blocking one refuses goes the stream's way.
  if (io.stdoutFd !== undefined) {
    let i = 0;
    let at = 0;
    try {
      for (; i < parts.length; i++, at = 0) {
        const part = parts[i]!;
        while (at < part.length) at += writeSync(io.stdoutFd, part, at);
      }
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw err;
      rest = [parts[i]!.subarray(at), ...parts.slice(i + 1)];
    }
  }
  const out = io.stdout;
  if (!out.listeners('error').includes(ignoreEpipe)) out.on('error', ignoreEpipe);
  for (const part of rest) await new Promise<void>((resolve) => out.write(part, () => resolve()));
}

/**
 * Reads one socket table over netlink, handing each row to `visit` (one reused row object);
 * rejects with a one-sentence Error when netlink is refused, before any row.
 */
export type SocketDumper = (table: TableName, states: number, visit: (row: SocketEntry) => void) => Promise<void>;

/** The dumper over the `netlink` package's socket, for when the addon is not built. */
async function openPackageDumper(): Promise<{ dump: SocketDumper; close(): void }> {
  const sd = (await import('../adapters/netlink.js')).openSockDiag();
  return { dump: (table, states, visit) => sd.forEach([table], visit, states), close: () => sd.close() };
}

async function tableWriter() {
  const [{ TableListing }, { localeIsUtf8 }] = await Promise.all([
    import('../core/connections/table.js'),
    import('../core/view/locale.js'),
  ]);
  return (lookup: (pid: number) => ProcessInfo | null, containerOf: (pid: number) => string | null) =>
    new TableListing(lookup, localeIsUtf8(process.env), containerOf);
}

/** Starts loading a module the command awaits later; a failure surfaces where it is awaited. */
function early<T>(load: () => Promise<T>): Promise<T> {
  const p = load();
  p.catch(() => {});
  return p;
}

/**
 * `dumper` replaces the netlink dump (tests make it refuse, to see the fallback); by default the
 * real one is used whenever the procfs is the live /proc.
 */
export async function connectionsCommand(args: string[], io: CliIo, dumper?: SocketDumper): Promise<number> {
  const o = parseConnectionsArgs(args);
  if (o.help) {
    await write(io, CONNECTIONS_HELP);
    return 0;
  }
  const root = resolve(o.procRoot ?? io.procRoot);
  const src = openProcRoot(root, { relativeFdLinks: true });
  const tables = selectedTables(o.filter);
  // Live, the kernel's socket tables come over netlink (binary, filtered by state in the kernel:
  // several times cheaper than the text tables); a copy of /proc (--proc-root) has only the text.
  const viaNetlink = o.procRoot === undefined && root === '/proc';

  // The text tables, when they are read: a big one (kernel time, ~2.5 us a row) is copied by a
  // helper process while this one scans descriptors; a small one is cheaper to read here.
  const hint = viaNetlink ? null : socketCountHint(root);
  const background = tables.map((t) =>
    hint !== null && hint[t.name] >= BACKGROUND_TABLE_MIN ? readNetTableInBackground(root, t.name) : null,
  );

  // Modules needed after the descriptor scan load meanwhile (their files are read by Node's
  // thread pool while this thread is busy).
  const table = o.json ? null : early(tableWriter);

  // With the addon, every descriptor is read on a thread of its own (started by the entry for
  // /proc before this module loaded) while this thread dumps the socket tables; their rows are
  // decoded once the owners are known. A refusal comes before any row of its table.
  const fdScan = takeFdScan(root);
  const native = viaNetlink && dumper === undefined ? nativeTableDump() : null;
  const dumped: DumpedTable[] = [];
  let refusal: Error | null = null;
  if (native !== null) {
    try {
      for (const t of tables) dumped.push(native(t.name, stateMask(o.filter.states, t.proto)));
    } catch (err) {
      refusal = err as Error;
    }
  }
  const scanned = fdScan?.finish();
  const pids = scanned === undefined ? src.listPids() : scanned && Array.from(scanned.pids);
  if (pids === null) {
    throw new UserError(`cannot list processes in ${root}: it is not a readable procfs directory; check --proc-root`);
  }
  // The owner map is built only for rows listed here (the addon joins its own rows in C).
  const full = scanned ? null : scanOwners(src, pids);
  const summary = full ?? scanSummary(scanned!.sockets, pids);
  let ownerMap: OwnerMap | null = full?.owners ?? null;
  const owners = (): OwnerMap => (ownerMap ??= scanOwnersFlat(scanned!.sockets, pids).owners);
  const lookup = processLookup(src);
  // Other namespaces' tables are readable through their processes, which only root may look into.
  // Only processes holding sockets are asked for their namespace (one readlink each; kernel
  // threads hold none): a namespace where no process holds a socket has only ownerless rows
  // (TIME_WAIT), which are not worth a readlink of every process.
  const spaces = namespaceListing(root, summary.withSockets, o.netns === 'all' && io.isRoot);
  // The table writer (and its Unicode tables) loads only when needed: start-up time is most of a
  // one-shot command's cost, and monitoring agents ask for --json. Without a UTF-8 locale non-ASCII
  // names print as '?'.
  const sink = table === null ? new JsonListing(lookup, spaces.containerOf) : (await table)(lookup, spaces.containerOf);
  sink.namespace({ inode: spaces.own, container: null, foreign: false });
  const query: ListingQuery = { states: o.filter.states };
  if (o.pids !== undefined) query.pids = o.pids;
  let lister: ((row: SocketEntry) => void) | null = null;
  const list = (row: SocketEntry) => {
    lister ??= rowLister(query, owners(), sink);
    lister(row);
  };
  // Every table dumped and JSON asked for: the addon joins and writes the rows, of bwtop's own
  // namespace and then of the others (each dumped from inside it).
  const rendered =
    sink instanceof JsonListing && fdScan !== null && native !== null && refusal === null
      ? (dumpedNs: readonly DumpedTable[]) => addNativeRows(sink, fdScan.handle, dumpedNs, o.filter.states, o.pids)
      : null;

  // Over netlink, table by table; if refused (a refusal comes before any row), the tables not
  // yet read come from the text instead, said once.
  let done = 0;
  if (rendered?.(dumped)) done = dumped.length;
  else if (native !== null) {
    for (const rows of dumped) {
      rows.forEach(list);
      done++;
    }
    if (refusal !== null) io.stderr.write(`bwtop: ${refusal.message}\n`);
  } else if (viaNetlink) {
    let nl: { dump: SocketDumper; close(): void } | null = null;
    try {
      nl = dumper !== undefined ? { dump: dumper, close: () => {} } : await openPackageDumper();
      for (const t of tables) {
        await nl.dump(t.name, stateMask(o.filter.states, t.proto), list);
        done++;
      }
    } catch (err) {
      io.stderr.write(`bwtop: ${(err as Error).message}\n`);
    } finally {
      nl?.close();
    }
  }
  let readable = done;
  for (const [i, t] of tables.entries()) {
    if (i < done) continue;
    const text = (await background[i]) ?? src.readNetTable(t.name);
    if (text === null) continue; // e.g. no IPv6 on this host
    readable++;
    forEachNetRow(text, t.proto, t.family, list);
  }
  if (readable === 0 && tables.length > 0) {
    throw new UserError(`cannot read the socket tables in ${root}/net: it is not a readable procfs directory; check --proc-root`);
  }
  spaces.listOthers(tables, list, sink, rendered && { states: o.filter.states, add: rendered });
  // Without root, one sentence says everything that could not be seen.
  const ownOnly = !io.isRoot && o.netns === 'all' && root === '/proc';
  const ownersHidden = summary.unreadable > 0 && !io.isRoot;
  if (ownOnly || ownersHidden) {
    const missed = [
      ownOnly && 'only the sockets of its own network namespace are listed (no containers)',
      ownersHidden && "the owners of other users' sockets are not shown",
    ].filter(Boolean);
    io.stderr.write(
      `bwtop: not running as root, so ${missed.join(' and ')}; run it as root to see ${ownOnly ? 'everything' : 'every owner'}\n`,
    );
  }
  await write(io, sink.finish());
  return 0;
}
