// Options of the live modes (screen, --json, export), as the contract lists them.
import { UserError } from './io.js';

export interface LiveOptions {
  interfaces: string[]; // empty: every interface that is up
  delayMs: number;
  count: number; // 0: run until stopped
  replay: string | null;
  procRoot: string;
  json: boolean;
  help: boolean;
  version: boolean;
  /** export only */
  listen: string | null;
}

export const USAGE = `usage: bwtop [options]                      the interactive screen
       bwtop --json [options]               one JSON object per refresh (NDJSON)
       bwtop connections [--json] [filters] sockets and their processes, once
       bwtop export [--listen HOST:PORT]    Prometheus exporter

options:
  -i, --interface NAME   capture on NAME (repeatable; default: every interface that is up)
  -d, --delay SECONDS    refresh interval (default 1; fractions allowed)
      --count N          exit after N refreshes
      --replay FILE      read packets from a capture file instead of capturing live
      --proc-root DIR    read procfs from DIR instead of /proc
      --json             no screen: print one JSON object per refresh
  -h, --help             this text
  -V, --version          print the version
`;

function value(args: string[], i: number, flag: string): string {
  const v = args[i + 1];
  if (v === undefined || (v.startsWith('-') && v.length > 1 && !/^-\d/.test(v))) {
    throw new UserError(`option ${flag} needs a value; see bwtop --help`);
  }
  return v;
}

export function parseLiveArgs(args: string[], mode: 'live' | 'export'): LiveOptions {
  const o: LiveOptions = {
    interfaces: [], delayMs: 1000, count: 0, replay: null, procRoot: '/proc', json: false,
    help: false, version: false, listen: null,
  };
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(args, i, a);
      i++;
      return v;
    };
    switch (a) {
      case '-i':
      case '--interface':
        o.interfaces.push(take());
        break;
      case '-d':
      case '--delay': {
        const v = take();
        const s = Number(v);
        if (!Number.isFinite(s) || s < 0.05 || s > 3600) {
          throw new UserError(`invalid delay "${v}": give seconds between 0.05 and 3600, e.g. -d 0.5`);
        }
        o.delayMs = Math.round(s * 1000);
        break;
      }
      case '--count': {
        const v = take();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UserError(`invalid count "${v}": give a whole number of refreshes, 1 or more`);
        o.count = n;
        break;
      }
      case '--replay':
        o.replay = take();
        break;
      case '--proc-root':
        o.procRoot = take();
        break;
      case '--json':
        if (mode === 'export') throw new UserError('export has no --json option; it serves Prometheus text');
        o.json = true;
        break;
      case '--listen':
        if (mode !== 'export') throw new UserError('--listen belongs to "bwtop export"; see bwtop --help');
        o.listen = take();
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '-V':
      case '--version':
        o.version = true;
        break;
      default:
        throw new UserError(
          a.startsWith('-') ? `unknown option ${a}; see bwtop --help` : `unknown command "${a}"; commands are connections and export, see bwtop --help`,
        );
    }
  }
  return o;
}
