// Options of `bwtop connections`, parsed without I/O: a mistake comes back as one sentence for
// the CLI to print, never as an exception from here.
import type { SockProto } from '../proc/types.js';
import { normalizeState, type SocketFilter, type StateSelection } from './select.js';

export interface ConnectionsOptions {
  help: boolean;
  json: boolean;
  filter: SocketFilter;
  /** Only sockets held by one of these processes. */
  pids?: ReadonlySet<number>;
  procRoot?: string;
}

export type ParsedConnectionsArgs = { ok: true; options: ConnectionsOptions } | { ok: false; error: string };

export const CONNECTIONS_USAGE = `Usage: bwtop connections [options]

List TCP and UDP sockets with the processes holding them, then exit.
Default: TCP sockets in LISTEN or ESTABLISHED, and every UDP socket.

  --json            print a JSON array, one object per socket
  --all             sockets in every state
  --state LIST      only these states, comma-separated: LISTEN, ESTABLISHED (ESTAB),
                    SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE,
                    CLOSE_WAIT, LAST_ACK, CLOSING, NEW_SYN_RECV, UNCONN (UDP)
  --listening       listening sockets only (TCP LISTEN, unconnected UDP)
  --proto LIST      tcp, udp or tcp,udp (default both)
  -4, -6            IPv4 or IPv6 sockets only
  --pid LIST        only sockets held by these pids (comma-separated)
  --proc-root DIR   read procfs from DIR instead of /proc
  -h, --help        show this help
`;

const fail = (error: string): ParsedConnectionsArgs => ({ ok: false, error });

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function parseConnectionsArgs(args: readonly string[]): ParsedConnectionsArgs {
  let help = false;
  let json = false;
  let all = false;
  let listening = false;
  let states: Set<string> | undefined;
  let protos: Set<SockProto> | undefined;
  const families = new Set<4 | 6>();
  let pids: Set<number> | undefined;
  let procRoot: string | undefined;

  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string | null => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = args[i + 1];
      if (v === undefined) return null;
      i++;
      return v;
    };
    const needValue = (what: string): string | ParsedConnectionsArgs => {
      const v = value();
      return v === null || v === '' ? fail(`${flag} needs ${what}; see bwtop connections --help`) : v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--json':
        json = true;
        break;
      case '--all':
      case '-a':
        all = true;
        break;
      case '--listening':
      case '-l':
        listening = true;
        break;
      case '-4':
        families.add(4);
        break;
      case '-6':
        families.add(6);
        break;
      case '--state': {
        const v = needValue('a comma-separated list of states, e.g. --state LISTEN,ESTABLISHED');
        if (typeof v !== 'string') return v;
        states ??= new Set();
        for (const s of list(v)) {
          const name = normalizeState(s);
          if (name === null) return fail(`unknown socket state "${s}" in --state; use names like LISTEN, ESTABLISHED, TIME_WAIT or UNCONN`);
          states.add(name);
        }
        break;
      }
      case '--proto': {
        const v = needValue('tcp, udp or tcp,udp');
        if (typeof v !== 'string') return v;
        protos ??= new Set();
        for (const p of list(v)) {
          const lower = p.toLowerCase();
          if (lower !== 'tcp' && lower !== 'udp') return fail(`unknown protocol "${p}" in --proto; use tcp, udp or tcp,udp`);
          protos.add(lower);
        }
        break;
      }
      case '--pid': {
        const v = needValue('a process id, e.g. --pid 812');
        if (typeof v !== 'string') return v;
        pids ??= new Set();
        for (const p of list(v)) {
          if (!/^[1-9]\d{0,9}$/.test(p)) return fail(`"${p}" is not a process id; --pid takes numbers like --pid 812 or --pid 812,813`);
          pids.add(Number(p));
        }
        break;
      }
      case '--proc-root': {
        const v = needValue('a directory, e.g. --proc-root /proc');
        if (typeof v !== 'string') return v;
        procRoot = v;
        break;
      }
      default:
        return fail(`unknown option "${raw}" for bwtop connections; see bwtop connections --help`);
    }
  }
  const chosen = [all && '--all', listening && '--listening', states && '--state'].filter(Boolean);
  if (chosen.length > 1) return fail(`${chosen.join(' and ')} both choose states; use only one of them`);
  const sel: StateSelection = all
    ? { kind: 'all' }
    : listening
      ? { kind: 'listening' }
      : states
        ? { kind: 'list', states }
        : { kind: 'default' };
  const filter: SocketFilter = {
    protos: protos ?? new Set<SockProto>(['tcp', 'udp']),
    families: families.size === 0 ? new Set<4 | 6>([4, 6]) : families,
    states: sel,
  };
  const options: ConnectionsOptions = { help, json, filter };
  if (pids !== undefined) options.pids = pids;
  if (procRoot !== undefined) options.procRoot = procRoot;
  return { ok: true, options };
}
