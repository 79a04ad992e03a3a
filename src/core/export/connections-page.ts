// GET /connections: the `connections --json` array, answered from the rows of every network
// namespace the engine's thread last wrote (connection-rows.ts), on the thread that serves HTTP.
// The query speaks the command's flags (`?listening`, `?state=LISTEN,ESTABLISHED`, `?proto=tcp`,
// `?all`, `?4`, `?6`, `?pid=812`, `?netns=self`), parsed by the command's own parser so both
// accept the same.
import { connectionsOptions, type ConnectionsWords } from '../connections/args.js';
import { stateSelected } from '../connections/select.js';
import { SOCKET_TABLES } from '../proc/types.js';
import { BETWEEN, type AnswerSpace, type ConnectionRows } from './connection-rows.js';

export type { AnswerSpace } from './connection-rows.js';

/**
 * An answer's body is pieces of the rows' texts as they are (copying 3 MB into a new buffer costs
 * more than the whole answer otherwise: fresh memory is paged in), `length` bytes in all.
 */
export type ConnectionsAnswer =
  | { status: 200; body: readonly Uint8Array[]; length: number; spaces: AnswerSpace[] }
  | { status: 400; error: string };

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

/** Answers kept per set of rows: monitoring agents poll the same few queries. */
const KEPT_ANSWERS = 16;

/**
 * Answers from one set of rows (a new set comes each refresh), each kept by query text for as
 * long as that set is served.
 */
export class ConnectionsPages {
  private readonly answers = new Map<string, ConnectionsAnswer>();
  /** Whether the last answer was a kept one (for the server-timing header). */
  kept = false;

  constructor(readonly rows: ConnectionRows) {}

  answer(query: URLSearchParams): ConnectionsAnswer {
    const key = query.toString();
    let a = this.answers.get(key);
    this.kept = a !== undefined;
    if (a === undefined) {
      if (this.answers.size >= KEPT_ANSWERS) this.answers.clear();
      a = answerFrom(this.rows, query);
      this.answers.set(key, a);
    }
    return a;
  }
}

/** The answer to a query, from the rows as written. */
export function answerFrom(rows: ConnectionRows, query: URLSearchParams): ConnectionsAnswer {
  const words = queryWords(query);
  if (typeof words === 'string') return { status: 400, error: words };
  const parsed = connectionsOptions(words);
  if (!parsed.ok) {
    // The command's sentences speak of flags; on the page they are parameters.
    return { status: 400, error: parsed.error.replace(/--(\w+) (self|all|\d)/g, '$1=$2').replace(/--(\w+)/g, '$1') };
  }
  const { filter, pids, netns } = parsed.options;
  const tableOk = SOCKET_TABLES.map((t) => filter.protos.has(t.proto) && filter.families.has(t.family));
  // Whether state s is selected in table t: rows.states.length entries per table.
  const S = rows.states.length;
  const stateOk = SOCKET_TABLES.flatMap((t) => rows.states.map((st) => stateSelected(filter.states, t.proto, st)));
  const { ends, tables, stateOf, spaceOf, holderEnds, holders, texts } = rows;
  // Runs of consecutive rows, as [start, end) byte ranges of `texts` (each row with its ",\n").
  const runs: number[] = [];
  let length = 0;
  for (let i = 0; i < ends.length; i++) {
    if (netns === 'self' && spaceOf[i] !== 0) continue;
    const t = tables[i]!;
    if (!tableOk[t] || !stateOk[t * S + stateOf[i]!]) continue;
    if (pids !== undefined) {
      let held = false;
      for (let h = i === 0 ? 0 : holderEnds[i - 1]!; h < holderEnds[i]! && !held; h++) held = pids.has(holders[h]!);
      if (!held) continue;
    }
    const from = i === 0 ? 0 : ends[i - 1]!;
    if (runs.length > 0 && runs[runs.length - 1] === from) runs[runs.length - 1] = ends[i]!;
    else runs.push(from, ends[i]!);
    length += ends[i]! - from;
  }
  const spaces = netns === 'self' ? rows.spaces.slice(0, 1) : rows.spaces;
  return { status: 200, ...arrayOf(texts, runs, length), spaces };
}

const OPEN = Buffer.from('[\n');
const CLOSE = Buffer.from('\n]\n');
const EMPTY = Buffer.from('[]\n');

/** The rows of `runs` as an array, one element per line (as `connections --json` writes it). */
function arrayOf(texts: Uint8Array, runs: readonly number[], length: number): { body: Uint8Array[]; length: number } {
  if (runs.length === 0) return { body: [EMPTY], length: EMPTY.length };
  // The first row goes without its ",\n".
  const body = [OPEN, texts.subarray(runs[0]! + BETWEEN.length, runs[1]!)];
  for (let k = 2; k < runs.length; k += 2) body.push(texts.subarray(runs[k]!, runs[k + 1]!));
  body.push(CLOSE);
  return { body, length: OPEN.length + length - BETWEEN.length + CLOSE.length };
}
