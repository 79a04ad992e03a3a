#!/usr/bin/env node
// bwtop's entry: dispatch the command; a user mistake or missing privilege becomes one sentence
// on stderr and a non-zero exit; anything else is a bug, reported after the terminal is restored.
import { readFileSync } from 'node:fs';
import { parseLiveArgs, USAGE } from './args.js';
import { UserError, type CliIo } from './io.js';
import { run, type Sink } from './app.js';
import { realDeps } from './real-deps.js';
import { jsonSink } from './json-sink.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function drain(out: NodeJS.WritableStream): Promise<void> {
  await new Promise<void>((resolve) => out.write('', () => resolve()));
}

async function main(argv: string[]): Promise<number> {
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    procRoot: '/proc',
    isRoot: process.getuid?.() === 0,
  };
  const cmd = argv[0];
  if (cmd === 'connections') {
    const { connectionsCommand } = await import('./connections.js');
    return connectionsCommand(argv.slice(1), io);
  }
  if (cmd === 'export') {
    const { exportCommand } = await import('./export.js');
    return exportCommand(argv.slice(1), io);
  }
  const o = parseLiveArgs(argv, 'live');
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (o.version) {
    process.stdout.write(`bwtop ${version()}\n`);
    return 0;
  }
  let sink: Sink;
  if (o.json) sink = jsonSink(process.stdout);
  else {
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      throw new UserError('the interactive screen needs a terminal; use --json for machine-readable output, e.g. bwtop --json --count 5');
    }
    const { screenSink } = await import('./screen-sink.js');
    sink = screenSink(o.procRoot);
  }
  const code = await run(realDeps(o.procRoot), o, sink);
  await drain(process.stdout);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UserError) {
      process.stderr.write(`bwtop: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`bwtop: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
