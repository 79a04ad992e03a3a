// Which sockets `bwtop connections` lists, decided on the table rows alone (before any owner
// lookup, so filtered-out sockets cost nothing more).
import { SOCKET_TABLES, type SockProto, type SocketTable } from '../proc/types.js';
import { TCP_STATES } from '../proc/netTable.js';

/** Every state name a table row can carry (TCP's, plus UDP's UNCONN). */
export const STATE_NAMES: readonly string[] = [...TCP_STATES.slice(1), 'UNCONN'];

// ss spellings users already know.
const ALIASES: Record<string, string> = { ESTAB: 'ESTABLISHED', LISTENING: 'LISTEN', CLOSED: 'CLOSE' };

/** Canonical state name for user text ("estab", "time-wait", "TIME_WAIT"), or null if unknown. */
export function normalizeState(text: string): string | null {
  const up = text.trim().toUpperCase().replaceAll('-', '_');
  const name = ALIASES[up] ?? up;
  return STATE_NAMES.includes(name) ? name : null;
}

export type StateSelection =
  | { kind: 'default' } // TCP LISTEN + ESTABLISHED, every UDP socket (the contract's default)
  | { kind: 'all' }
  | { kind: 'listening' } // like `ss -l`: TCP LISTEN, UDP UNCONN
  | { kind: 'list'; states: ReadonlySet<string> };

export interface SocketFilter {
  protos: ReadonlySet<SockProto>;
  families: ReadonlySet<4 | 6>;
  states: StateSelection;
}

export function stateSelected(sel: StateSelection, proto: SockProto, state: string): boolean {
  switch (sel.kind) {
    case 'all':
      return true;
    case 'default':
      return proto === 'udp' || state === 'LISTEN' || state === 'ESTABLISHED';
    case 'listening':
      return proto === 'tcp' ? state === 'LISTEN' : state === 'UNCONN';
    case 'list':
      return sel.states.has(state);
  }
}

/** The tables worth reading for a filter, in output order. */
export function selectedTables(filter: SocketFilter): SocketTable[] {
  return SOCKET_TABLES.filter((t) => filter.protos.has(t.proto) && filter.families.has(t.family));
}

/** TCP_LISTEN, TCP_ESTABLISHED and TCP_CLOSE (an unconnected UDP socket's UNCONN) as numbers. */
const LISTEN = 10;
const ESTABLISHED = 1;
const CLOSE = 7;

/**
 * The kernel-side state filter for a sock_diag dump (bit n = state number n): what
 * stateSelected would keep, so the kernel does not send what would be dropped.
 */
export function stateMask(sel: StateSelection, proto: SockProto): number {
  switch (sel.kind) {
    case 'all':
      return 0xffffffff;
    case 'default':
      return proto === 'udp' ? 0xffffffff : (1 << LISTEN) | (1 << ESTABLISHED);
    case 'listening':
      return 1 << (proto === 'tcp' ? LISTEN : CLOSE);
    case 'list': {
      let mask = 0;
      for (const name of sel.states) {
        const n = name === 'UNCONN' ? (proto === 'udp' ? CLOSE : -1) : TCP_STATES.indexOf(name);
        if (n > 0) mask |= 1 << n;
      }
      return mask >>> 0;
    }
  }
}
