// Options of `bwtop connections`, checked without I/O: the command line is split into words by
// the CLI; here the words become a socket filter, or one sentence saying what is wrong.
import type { SockProto } from '../proc/types.js';
import { normalizeState, type SocketFilter, type StateSelection } from './select.js';

export interface ConnectionsOptions {
  help: boolean;
  json: boolean;
  filter: SocketFilter;
  /** Only sockets held by one of these processes. */
  pids?: ReadonlySet<number>;
  procRoot?: string;
  /** 'all': every network namespace (the default); 'self': bwtop's own only. */
  netns: 'all' | 'self';
}

/** The options as given: flags, and every value of a list option in the order given. */
export interface ConnectionsWords {
  help: boolean;
  json: boolean;
  all: boolean;
  listening: boolean;
  ipv4: boolean;
  ipv6: boolean;
  states: readonly string[];
  protos: readonly string[];
  pids: readonly string[];
  procRoot?: string;
  netns?: string;
}

export type ParsedConnectionsArgs = { ok: true; options: ConnectionsOptions } | { ok: false; error: string };

const fail = (error: string): ParsedConnectionsArgs => ({ ok: false, error });

function items(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function connectionsOptions(w: ConnectionsWords): ParsedConnectionsArgs {
  let states: Set<string> | undefined;
  if (w.states.length > 0) {
    states = new Set();
    for (const s of items(w.states)) {
      const name = normalizeState(s);
      if (name === null) return fail(`unknown socket state "${s}" in --state; use names like LISTEN, ESTABLISHED, TIME_WAIT or UNCONN`);
      states.add(name);
    }
  }
  let protos: Set<SockProto> | undefined;
  if (w.protos.length > 0) {
    protos = new Set();
    for (const p of items(w.protos)) {
      const lower = p.toLowerCase();
      if (lower !== 'tcp' && lower !== 'udp') return fail(`unknown protocol "${p}" in --proto; use tcp, udp or tcp,udp`);
      protos.add(lower);
    }
  }
  let pids: Set<number> | undefined;
  if (w.pids.length > 0) {
    pids = new Set();
    for (const p of items(w.pids)) {
      if (p.startsWith('-')) {
        return fail(`"${p}" is not a process id: process ids are not negative; use numbers like --pid 812 or --pid 812,813`);
      }
      if (!/^[1-9]\d{0,9}$/.test(p)) return fail(`"${p}" is not a process id; --pid takes numbers like --pid 812 or --pid 812,813`);
      pids.add(Number(p));
    }
  }
  const chosen = [w.all && '--all', w.listening && '--listening', states && '--state'].filter(Boolean);
  if (chosen.length > 1) return fail(`${chosen.join(' and ')} both choose states; use only one of them`);
  const sel: StateSelection = w.all
    ? { kind: 'all' }
    : w.listening
      ? { kind: 'listening' }
      : states
        ? { kind: 'list', states }
        : { kind: 'default' };
  const families = new Set<4 | 6>();
  if (w.ipv4) families.add(4);
  if (w.ipv6) families.add(6);
  const filter: SocketFilter = {
    protos: protos ?? new Set<SockProto>(['tcp', 'udp']),
    families: families.size === 0 ? new Set<4 | 6>([4, 6]) : families,
    states: sel,
  };
  if (w.netns !== undefined && w.netns !== 'self' && w.netns !== 'all') {
    return fail(
      `unknown namespace choice "${w.netns}" in --netns; use --netns self for bwtop's own network namespace only, or --netns all`,
    );
  }
  const options: ConnectionsOptions = { help: w.help, json: w.json, filter, netns: w.netns === 'self' ? 'self' : 'all' };
  if (pids !== undefined) options.pids = pids;
  if (w.procRoot !== undefined) options.procRoot = w.procRoot;
  return { ok: true, options };
}
