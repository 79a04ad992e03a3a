// bwtop's commands and their options: one spec per command (its own --help is made from it), the
// command word found wherever it stands, and the live modes' values checked into LiveOptions.
import { findCommand, helpText, parseOptions, type CommandSpec, type OptionSpec, type ParsedOptions } from './option-parser.js';
import { UserError } from './io.js';
import { exportCaptureOptions, EXPORT_INTRO, EXPORT_OPTIONS } from './export-options.js';

export interface LiveOptions {
  interfaces: string[]; // empty: every interface that is up
  delayMs: number;
  count: number; // 0: run until stopped
  replay: string | null;
  procRoot: string;
  json: boolean;
  /** --json lists every socket a process holds, not only those that carried traffic. */
  allConnections: boolean;
  help: boolean;
  version: boolean;
  /** export only */
  listen: string | null;
  /** The kernel's capture buffer of each interface, in bytes. */
  bufferBytes: number;
  /** screen only: clicks and the wheel (--no-mouse), remembered settings (--no-config) */
  mouse: boolean;
  config: boolean;
}

const MIB = 1024 * 1024;
/**
 * Each interface's capture buffer. The kernel fills it while bwtop is busy (a refresh, a full
 * descriptor scan, garbage collection, drawing), and all of it is resident from the moment the
 * capture opens (libpcap maps the whole ring), idle or not. On lo each packet is in it twice (as
 * sent and as received). A 100,000 packets/s flood on lo (`npm run bench -- flood`: --json, the
 * screen, the screen at twice the rate, a terminal that stops reading for 3 s): with 4 MiB the
 * screen runs dropped 2,065 and 1,183 of 400,000 and 800,000 packets; with 8 MiB and 32 MiB none.
 */
export const DEFAULT_BUFFER_MIB = 8;

// Options every live mode (screen, --json, export) reads packets and /proc with.
const CAPTURE_OPTIONS: Record<string, OptionSpec> = {
  interface: {
    short: 'i',
    value: 'NAME',
    multiple: true,
    needs: 'an interface name, e.g. -i eth0',
    help: 'capture on NAME (repeatable; default: every interface that is up)',
  },
  delay: { short: 'd', value: 'SECONDS', needs: 'seconds, e.g. -d 0.5', help: 'refresh interval (default 1; fractions allowed)' },
  count: { value: 'N', needs: 'a number of refreshes, e.g. --count 5', help: 'exit after N refreshes' },
  replay: {
    value: 'FILE',
    needs: 'a capture file, e.g. --replay capture.pcap',
    help:
      'read packets from a pcap/pcapng file instead of capturing live\n' +
      '(packet time is the clock; every interval is printed, then exit)',
  },
  'proc-root': { value: 'DIR', needs: 'a directory, e.g. --proc-root /proc', help: 'read procfs from DIR instead of /proc' },
  buffer: {
    value: 'MIB',
    needs: 'a size in MiB, e.g. --buffer 32',
    help:
      `kernel capture buffer per interface in MiB (default ${DEFAULT_BUFFER_MIB}): packets ` +
      `wait\nthere while bwtop is busy (a full one drops them); all of it counts in bwtop's memory`,
  },
};

const HELP_OPTION: OptionSpec = { short: 'h', help: 'this help' };

export const LIVE_SPEC: CommandSpec = {
  name: '',
  intro: `Usage: bwtop [options]                        the interactive screen
       bwtop --json [options]                 one JSON object per refresh (NDJSON)
       bwtop connections [options]            sockets and their processes, once
       bwtop export [--listen HOST:PORT] ...  Prometheus exporter

Which process is using the network, and through which connections.
`,
  options: {
    ...CAPTURE_OPTIONS,
    json: { help: 'no screen: print one JSON object per refresh on stdout' },
    'all-connections': { help: 'with --json: list every socket a process holds, not only\nthose that carried traffic in the rate window' },
    'no-mouse': { help: 'screen: leave the mouse to the terminal (text selection)' },
    'no-config': { help: 'screen: neither read nor save ~/.config/bwtop/config.json' },
    help: HELP_OPTION,
    version: { short: 'V', help: 'print the version' },
  },
  outro: `Each command has its own options: bwtop connections --help, bwtop export --help.
Capturing needs root (or the capabilities the README lists).
`,
};

export const EXPORT_SPEC: CommandSpec = {
  name: 'export',
  intro: EXPORT_INTRO,
  options: { ...EXPORT_OPTIONS, ...CAPTURE_OPTIONS, ...exportCaptureOptions(CAPTURE_OPTIONS), help: HELP_OPTION },
};

/** Checked by connections-args.ts; here so every command's options are known when finding the command. */
export const CONNECTIONS_SPEC: CommandSpec = {
  name: 'connections',
  intro: `Usage: bwtop connections [options]

List TCP and UDP sockets with the processes holding them, then exit.
Default: TCP sockets in LISTEN or ESTABLISHED, and every UDP socket.
`,
  options: {
    json: { help: 'print a JSON array, one object per socket' },
    all: { short: 'a', help: 'sockets in every state' },
    state: {
      value: 'LIST',
      multiple: true,
      needs: 'a comma-separated list of states, e.g. --state LISTEN,ESTABLISHED',
      help:
        'only these states, comma-separated: LISTEN, ESTABLISHED (ESTAB),\n' +
        'SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE,\n' +
        'CLOSE_WAIT, LAST_ACK, CLOSING, NEW_SYN_RECV, UNCONN (UDP)',
    },
    listening: { short: 'l', help: 'listening sockets only (TCP LISTEN, unconnected UDP)' },
    proto: { value: 'LIST', multiple: true, needs: 'tcp, udp or tcp,udp', help: 'tcp, udp or tcp,udp (default both)' },
    ipv4: { short: '4', help: 'IPv4 sockets only' },
    ipv6: { short: '6', help: 'IPv6 sockets only' },
    pid: {
      value: 'LIST',
      multiple: true,
      needs: 'a process id, e.g. --pid 812',
      help: 'only sockets held by these pids (comma-separated)',
    },
    netns: {
      value: 'WHICH',
      needs: 'self or all, e.g. --netns self',
      help: "self: only bwtop's own network namespace; all (default): every\nnamespace, containers too (needs root)",
    },
    'proc-root': CAPTURE_OPTIONS['proc-root']!,
    help: HELP_OPTION,
  },
};

export const COMMANDS: readonly CommandSpec[] = [LIVE_SPEC, CONNECTIONS_SPEC, EXPORT_SPEC];
export const LIVE_HELP = helpText(LIVE_SPEC);
export const EXPORT_HELP = helpText(EXPORT_SPEC);

export type CommandName = 'live' | 'connections' | 'export';

/** The command (wherever its word stands in argv) and the arguments without that word. */
export function splitCommand(argv: string[]): { command: CommandName; args: string[] } {
  const { command, args } = findCommand(argv, COMMANDS);
  return { command: command.name === '' ? 'live' : (command.name as CommandName), args };
}

/** A positive number in plain decimal; negatives and words get a sentence of their own. */
function positive(text: string, what: string, example: string): number {
  if (text.startsWith('-')) throw new UserError(`invalid ${what} "${text}": it cannot be negative; ${example}`);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new UserError(`invalid ${what} "${text}": not a number; ${example}`);
  return Number(text);
}

function liveValues(p: ParsedOptions): LiveOptions {
  const o: LiveOptions = {
    interfaces: p.all('interface'),
    delayMs: 1000,
    count: 0,
    replay: p.last('replay') ?? null,
    procRoot: p.last('proc-root') ?? '/proc',
    json: p.has('json'),
    allConnections: p.has('all-connections'),
    help: p.has('help'),
    version: p.has('version'),
    listen: p.last('listen') ?? null,
    mouse: !p.has('no-mouse'),
    config: !p.has('no-config'),
    bufferBytes: DEFAULT_BUFFER_MIB * MIB,
  };
  const buffer = p.last('buffer');
  if (buffer !== undefined) {
    const mib = positive(buffer, 'buffer size', 'give MiB between 1 and 1024, e.g. --buffer 32');
    if (!Number.isInteger(mib) || mib < 1 || mib > 1024) {
      throw new UserError(`invalid buffer size "${buffer}": give a whole number of MiB between 1 and 1024, e.g. --buffer 32`);
    }
    o.bufferBytes = mib * MIB;
  }
  const delay = p.last('delay');
  if (delay !== undefined) {
    const s = positive(delay, 'delay', 'give seconds between 0.05 and 3600, e.g. -d 0.5');
    if (s < 0.05 || s > 3600) throw new UserError(`invalid delay "${delay}": give seconds between 0.05 and 3600, e.g. -d 0.5`);
    o.delayMs = Math.round(s * 1000);
  }
  const count = p.last('count');
  if (count !== undefined) {
    const n = positive(count, 'count', 'give a whole number of refreshes, 1 or more, e.g. --count 5');
    if (!Number.isInteger(n) || n < 1) {
      throw new UserError(`invalid count "${count}": give a whole number of refreshes, 1 or more, e.g. --count 5`);
    }
    o.count = n;
  }
  return o;
}

/** Options of the screen and --json (mode 'live') or of `bwtop export`, without the command word. */
export function parseLiveArgs(args: string[], mode: 'live' | 'export'): LiveOptions {
  const spec = mode === 'export' ? EXPORT_SPEC : LIVE_SPEC;
  return liveValues(parseOptions(spec, args, COMMANDS));
}
