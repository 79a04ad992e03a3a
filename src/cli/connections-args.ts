// `bwtop connections` options: split by util.parseArgs (the spec in args.ts), checked by the
// pure validation in core/connections/args.ts.
import { connectionsOptions, type ConnectionsOptions } from '../core/connections/args.js';
import { COMMANDS, CONNECTIONS_SPEC } from './args.js';
import { helpText, parseOptions } from './option-parser.js';
import { UserError } from './io.js';

export const CONNECTIONS_HELP = helpText(CONNECTIONS_SPEC);

/** The options of `bwtop connections` (arguments without the command word); a mistake throws a UserError. */
export function parseConnectionsArgs(args: string[]): ConnectionsOptions {
  const p = parseOptions(CONNECTIONS_SPEC, args, COMMANDS);
  const words = {
    help: p.has('help'),
    json: p.has('json'),
    all: p.has('all'),
    listening: p.has('listening'),
    ipv4: p.has('ipv4'),
    ipv6: p.has('ipv6'),
    states: p.all('state'),
    protos: p.all('proto'),
    pids: p.all('pid'),
  };
  const procRoot = p.last('proc-root');
  const netns = p.last('netns');
  const parsed = connectionsOptions({
    ...words,
    ...(procRoot === undefined ? {} : { procRoot }),
    ...(netns === undefined ? {} : { netns }),
  });
  if (!parsed.ok) throw new UserError(parsed.error);
  return parsed.options;
}
