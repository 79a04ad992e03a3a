// GET /connections: the `connections --json` array, answered from the exporter's live tables of
// every network namespace. The query speaks the command's flags (`?listening`,
// `?state=LISTEN,ESTABLISHED`, `?proto=tcp`, `?all`, `?4`, `?6`, `?pid=812`, `?netns=self`),
// parsed by the command's own parser so both accept the same.
import { connectionsOptions, type ConnectionsWords } from '../connections/args.js';
import { stateSelected } from '../connections/select.js';
import { ALL_TABLES } from '../engine/socket-index.js';
import { SOCKET_TABLES } from '../proc/types.js';
import { RowTexts } from './row-texts.js';
import type { SocketView } from './socket-view.js';

/** A namespace an answer lists, and when its tables were read (the view's clock; 0: unknown). */
export interface AnswerSpace {
  inode: number | null;
  readMs: number;
}

export type ConnectionsAnswer = { status: 200; body: Buffer; spaces: AnswerSpace[] } | { status: 400; error: string };

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
    netns: undefined as string | undefined,
  };
  for (const [name, value] of query) {
    if (name === 'netns') {
      w.netns = value;
    } else if (Object.hasOwn(LISTS, name)) {
      w[LISTS[name as keyof typeof LISTS]].push(value);
    } else if (Object.hasOwn(FLAGS, name)) {
      if (value !== '' && value !== '1' && value !== 'true') {
        if (value === '0' || value === 'false') continue;
        return `parameter "${name}" takes no value (or 1 or 0), not "${value}"`;
      }
      w[FLAGS[name as keyof typeof FLAGS]] = true;
    } else {
      return `unknown parameter "${name}"; /connections takes listening, all, state, proto, pid, netns, 4 and 6`;
    }
  }
  const { netns, ...rest } = w;
  return netns === undefined ? rest : { ...rest, netns };
}

/** Builds answers for a view, keeping each socket's text between them (row-texts.ts). */
export class PageBuilder {
  private readonly rows: RowTexts;
  private generations = '';

  constructor(private readonly view: SocketView) {
    this.rows = new RowTexts(
      (pid) => view.process(pid),
      (pid) => view.containerOf(pid),
    );
  }

  /** Rows written, not kept, since made (for tests and server-timing). */
  get written(): number {
    return this.rows.written;
  }

  /** The answer to a query; `listed` is told each socket inode it lists. */
  answer(query: URLSearchParams, listed?: (inode: number) => void): ConnectionsAnswer {
    const words = queryWords(query);
    if (typeof words === 'string') return { status: 400, error: words };
    const parsed = connectionsOptions(words);
    if (!parsed.ok) {
      // The command's sentences speak of flags; on the page they are parameters.
      return { status: 400, error: parsed.error.replace(/--(\w+) (self|all|\d)/g, '$1=$2').replace(/--(\w+)/g, '$1') };
    }
    const { filter, pids, netns } = parsed.options;
    const spaces = this.view.spaces(netns === 'all');
    this.forgetGone(spaces);
    const tables = SOCKET_TABLES.filter((t) => filter.protos.has(t.proto) && filter.families.has(t.family)).map((t) => t.name);
    const parts: Buffer[] = [];
    let length = 0;
    for (const space of spaces) {
      for (const t of tables) {
        for (const e of space.rows(t)) {
          if (!stateSelected(filter.states, e.proto, e.state)) continue;
          const holders = this.view.holders(e.inode);
          if (pids !== undefined && !holders.some((p) => pids.has(p))) continue;
          const text = this.rows.text(e, holders, space.ns);
          parts.push(text);
          length += text.length;
          if (listed !== undefined && e.inode !== 0) listed(e.inode);
        }
      }
    }
    return { status: 200, body: joinRows(parts, length), spaces: spaces.map((s) => ({ inode: s.ns.inode, readMs: s.readMs })) };
  }

  /** After a read of the tables: the kept texts of sockets no longer in any are dropped. */
  private forgetGone(spaces: ReturnType<SocketView['spaces']>): void {
    const generations = spaces.map((s) => `${s.ns.inode}:${s.generation}`).join(' ');
    if (generations === this.generations) return;
    this.generations = generations;
    const live = new Set<number>();
    for (const s of spaces) for (const t of ALL_TABLES) for (const e of s.rows(t)) live.add(e.inode);
    this.rows.retain((ino) => live.has(ino));
  }
}

const OPEN = Buffer.from('[\n');
const BETWEEN = Buffer.from(',\n');
const CLOSE = Buffer.from('\n]\n');
const EMPTY = Buffer.from('[]\n');

/** The array, one element per line (as `connections --json` writes it), in one Buffer. */
function joinRows(parts: readonly Buffer[], length: number): Buffer {
  if (parts.length === 0) return EMPTY;
  const out = Buffer.allocUnsafe(OPEN.length + length + BETWEEN.length * (parts.length - 1) + CLOSE.length);
  let at = 0;
  out.set(OPEN, at);
  at += OPEN.length;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) {
      out.set(BETWEEN, at);
      at += BETWEEN.length;
    }
    out.set(parts[i]!, at);
    at += parts[i]!.length;
  }
  out.set(CLOSE, at);
  return out;
}

/** Answers kept for the current tables: a query repeated before they change costs nothing. */
const KEPT_ANSWERS = 16;

/**
 * Answers kept by query text until the tables are read again (each refresh) or the holders of
 * a socket they list change: monitoring agents poll the same queries. Holders of other sockets
 * (a client's own connection to the exporter) leave them valid.
 */
export class ConnectionsPages {
  private readonly builder: PageBuilder;
  private generations = '';
  private readonly answers = new Map<string, ConnectionsAnswer>();
  /** Socket inodes the kept answers list. */
  private listed = new Set<number>();
  /** Whether the last answer was a kept one (for the server-timing header). */
  kept = false;

  constructor(private readonly view: SocketView) {
    this.builder = new PageBuilder(view);
  }

  answer(query: URLSearchParams): ConnectionsAnswer {
    const generations = this.view
      .spaces(true)
      .map((s) => `${s.ns.inode}:${s.generation}`)
      .join(' ');
    const changed = this.view.holdersChanged();
    if (generations !== this.generations || changed === null || [...changed].some((ino) => this.listed.has(ino))) {
      this.generations = generations;
      this.answers.clear();
      this.listed = new Set();
    }
    const key = query.toString();
    let a = this.answers.get(key);
    this.kept = a !== undefined;
    if (a === undefined) {
      if (this.answers.size >= KEPT_ANSWERS) {
        this.answers.clear();
        this.listed = new Set();
      }
      const listed = this.listed;
      a = this.builder.answer(query, (ino) => listed.add(ino));
      this.answers.set(key, a);
    }
    return a;
  }
}
