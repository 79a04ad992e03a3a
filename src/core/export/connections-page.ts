// GET /connections: the `connections --json` array, answered from the exporter's live tables.
// The query speaks the command's flags (`?listening`, `?state=LISTEN,ESTABLISHED`, `?proto=tcp`,
// `?all`, `?4`, `?6`, `?pid=812`), parsed by the command's own parser so both accept the same.
import { connectionsOptions, type ConnectionsWords } from '../connections/args.js';
import { JsonListing } from '../connections/json.js';
import { stateSelected } from '../connections/select.js';
import type { SocketView } from './socket-view.js';

export type ConnectionsAnswer = { status: 200; body: Buffer[] } | { status: 400; error: string };

const FLAGS = { listening: 'listening', all: 'all', '4': 'ipv4', '6': 'ipv6' } as const;
const LISTS = { state: 'states', proto: 'protos', pid: 'pids' } as const;

/** The query's parameters as the command's options, or a sentence naming the one not understood. */
export function queryWords(query: URLSearchParams): ConnectionsWords | string {
  const w = {
    help: false,
    json: true,
    all: false,
    listening: false,
    ipv4: false,
    ipv6: false,
    states: [] as string[],
    protos: [] as string[],
    pids: [] as string[],
  };
  for (const [name, value] of query) {
    if (Object.hasOwn(LISTS, name)) {
      w[LISTS[name as keyof typeof LISTS]].push(value);
    } else if (Object.hasOwn(FLAGS, name)) {
      if (value !== '' && value !== '1' && value !== 'true') {
        if (value === '0' || value === 'false') continue;
        return `parameter "${name}" takes no value (or 1 or 0), not "${value}"`;
      }
      w[FLAGS[name as keyof typeof FLAGS]] = true;
    } else {
      return `unknown parameter "${name}"; /connections takes listening, all, state, proto, pid, 4 and 6`;
    }
  }
  return w;
}

export function connectionsPage(view: SocketView, query: URLSearchParams): ConnectionsAnswer {
  const words = queryWords(query);
  if (typeof words === 'string') return { status: 400, error: words };
  const parsed = connectionsOptions(words);
  if (!parsed.ok) {
    // The command's sentences speak of flags; on the page they are parameters.
    return { status: 400, error: parsed.error.replace(/--(\w+)/g, '$1') };
  }
  const { filter, pids } = parsed.options;
  const listing = new JsonListing(
    (pid) => view.process(pid),
    (pid) => view.containerOf(pid),
  );
  listing.namespace(view.namespace());
  for (const e of view.entries()) {
    if (!filter.protos.has(e.proto) || !filter.families.has(e.family) || !stateSelected(filter.states, e.proto, e.state)) continue;
    const holders = view.holders(e.inode);
    if (pids !== undefined && !holders.some((p) => pids.has(p))) continue;
    listing.add(e, holders);
  }
  return { status: 200, body: listing.finish() };
}

/** Answers kept for the current version of the view: a query repeated before it changes costs nothing. */
const KEPT_ANSWERS = 16;

/**
 * connectionsPage with the answers of the view's current version kept (by query text): monitoring
 * agents poll the same queries, and the tables change only once per refresh.
 */
export class ConnectionsPages {
  private version = '';
  private readonly answers = new Map<string, ConnectionsAnswer>();
  /** Whether the last answer was a kept one (for the server-timing header). */
  kept = false;

  constructor(private readonly view: SocketView) {}

  answer(query: URLSearchParams): ConnectionsAnswer {
    const version = this.view.version();
    if (version !== this.version) {
      this.version = version;
      this.answers.clear();
    }
    const key = query.toString();
    let a = this.answers.get(key);
    this.kept = a !== undefined;
    if (a === undefined) {
      a = connectionsPage(this.view, query);
      if (this.answers.size >= KEPT_ANSWERS) this.answers.clear();
      this.answers.set(key, a);
    }
    return a;
  }
}
