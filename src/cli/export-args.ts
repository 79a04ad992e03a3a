// `bwtop export`'s arguments: the live modes' options plus its own (export-options.ts).
import { COMMANDS, EXPORT_SPEC, parseLiveArgs, type LiveOptions } from './args.js';
import { parseOptions } from './option-parser.js';
import { UserError } from './io.js';

export interface ExportOptions extends LiveOptions {
  /** Per-process series labelled by pid, besides the per-program ones. */
  perPid: boolean;
  /** Serve /connections (socket list with command lines); on unless --no-connections. */
  connections: boolean;
}

export function parseExportArgs(args: string[]): ExportOptions {
  const own = parseOptions(EXPORT_SPEC, args, COMMANDS);
  return { ...parseLiveArgs(args, 'export'), perPid: own.has('per-pid'), connections: !own.has('no-connections') };
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UserError(`invalid --listen "${text}": give HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9816 or [::1]:9816`);
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
