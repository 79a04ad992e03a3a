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
  // connections command's modules load while the words are split: agents run it often, and its
  // start-up time is most of its cost.
  const early = argv.includes('connections') ? import('./connections.js') : null;
  // Its descriptor scan of the live /proc starts now, on a thread of its own, and runs while
  // the modules load (a scan the command does not take is simply dropped).
  if (early !== null && !argv.some((a) => a.startsWith('--proc-root'))) startFdScan('/proc');
  early?.catch(() => {}); // a failure to load surfaces below, where it is awaited
  const { command, args } = (await import('./args.js')).splitCommand(argv);
  switch (command) {
    case 'connections':
      return (await (early ?? import('./connections.js'))).connectionsCommand(args, io);
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
