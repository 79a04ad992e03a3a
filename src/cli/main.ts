#!/usr/bin/env node
// bwtop's entry: dispatch the command; a user mistake or missing privilege becomes one sentence
// on stderr and a non-zero exit; anything else is a bug, reported after the terminal is restored.
// Commands load their modules only when chosen: `bwtop connections` is run by monitoring agents
// many times a minute, and loading the capture engine would be most of its start-up time.
import { startFdScan } from '../adapters/fd-scan.js';
import type { Sink } from './deps.js';
import { UserError, type CliIo } from './io.js';

async function drain(out: NodeJS.WritableStream): Promise<void> {
  await new Promise<void>((resolve) => out.write('', () => resolve()));
}

async function live(argv: string[]): Promise<number> {
  const { parseLiveArgs, LIVE_HELP } = await import('./args.js');
  const o = parseLiveArgs(argv, 'live');
  if (o.help) {
    process.stdout.write(LIVE_HELP);
    return 0;
  }
  if (o.version) {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`bwtop ${pkg.version}\n`);
    return 0;
  }
  const [{ run }, { realDeps }] = await Promise.all([import('./app.js'), import('./real-deps.js')]);
  const deps = realDeps(o.procRoot);
  let sink: Sink;
  if (o.json) sink = (await import('./json-sink.js')).jsonSink(process.stdout, { allConnections: o.allConnections, stdout: true });
  else {
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      throw new UserError('the interactive screen needs a terminal; use --json for machine-readable output, e.g. bwtop --json --count 5');
    }
    sink = (await import('./screen-sink.js')).screenSink(o.replay === null && o.procRoot === '/proc', o);
  }
  const code = await run(deps, o, sink);
  await drain(process.stdout);
  return code;
}

/**
 * The connections command as one file (`npm run build` bundles it: loading its ~30 modules one by
 * one was a fifth of its run time), or as its modules when only the TypeScript was compiled.
 */
async function loadConnections(): Promise<typeof import('./connections.js')> {
  try {
    // A variable path: the compiler would otherwise look for the bundle's types.
    const bundle = './connections.bundle.js';
    return (await import(bundle)) as typeof import('./connections.js');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return import('./connections.js');
  }
}

async function main(argv: string[]): Promise<number> {
  // The streams are set up on first use only (see CliIo.stdoutFd).
  const io: CliIo = {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    procRoot: '/proc',
    isRoot: process.getuid?.() === 0,
    stdoutFd: 1,
  };
  // The command word may stand before or after options: `bwtop --proc-root X connections`. The
  // connections command's descriptor scan of the live /proc starts first, on a thread of its own,
  // and runs while its modules load: agents run it often, and its start-up time is most of its
  // cost (a scan the command does not take is simply dropped).
  const connections = argv.includes('connections');
  if (connections && !argv.some((a) => a.startsWith('--proc-root'))) startFdScan('/proc');
  const early = connections ? loadConnections() : null;
  early?.catch(() => {}); // a failure to load surfaces below, where it is awaited
  const { command, args } = (early !== null ? await early : await import('./args.js')).splitCommand(argv);
  switch (command) {
    case 'connections':
      return (await (early ?? loadConnections())).connectionsCommand(args, io);
    case 'export':
      return (await import('./export.js')).exportCommand(args, io);
    case 'live':
      return live(args);
  }
}

// What was printed before an error (the intervals of a capture read up to its damage) reaches a
// pipe before the error and the exit: process.exit would drop output still queued for a pipe.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    await drain(process.stdout);
    if (err instanceof UserError) {
      process.stderr.write(`bwtop: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`bwtop: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
