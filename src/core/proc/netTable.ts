// Parser for /proc/net/{tcp,tcp6,udp,udp6}. Hot on busy hosts (tens of thousands of lines per
// refresh), so it walks the text by char codes instead of splitting lines into arrays, and reuses
// address strings it has already built. Bad lines are skipped and counted, never thrown on.
import { AddressTexts, ipv4TextOfHostWord, ipv6FromHostHex } from './address.js';
import type { SockProto, SocketEntry } from './types.js';

/** Counters a caller may pass to learn how many lines were skipped as malformed. */
export interface NetTableCounts {
  bad: number;
}

/** TCP state names by the kernel's number (include/net/tcp_states.h). */
export const TCP_STATES: readonly string[] = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

/** State name for a state number the way ss names it: UDP's 07 (TCP_CLOSE) is UNCONN. */
export function stateName(proto: SockProto, code: number): string {
  if (proto === 'udp' && code === 7) return 'UNCONN';
  return TCP_STATES[code] ?? `UNKNOWN_${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

const ipv6Texts = new AddressTexts<string>();

function ipv4Text(hex: string): string {
  return ipv4TextOfHostWord(parseInt(hex, 16));
}

function ipv6Text(hex: string): string {
  // The pattern already guarantees 32 hex digits.
  return ipv6Texts.get(hex) ?? ipv6Texts.keep(hex, ipv6FromHostHex(hex, 0) ?? '::');
}

// One line: "sl: LOCAL:PORT REMOTE:PORT ST TX:RX TR:WHEN RETRNSMT UID TIMEOUT INODE ...".
// A sticky regular expression per line: the regex engine is native code, which beats walking
// the characters in JavaScript on a cold start (a one-shot command parses its tables once).
// Whitespace classes exclude '\n', so a match never runs into the next line.
function linePattern(hexLen: number): RegExp {
  const ep = `([0-9A-Fa-f]{${hexLen}}):([0-9A-Fa-f]{4})`;
  const sp = '[ \\t]+';
  return new RegExp(
    `[ \\t]*\\d+:${sp}${ep}${sp}${ep}${sp}([0-9A-Fa-f]{2})` +
      `${sp}\\S+${sp}\\S+${sp}\\S+${sp}(\\d{1,15})${sp}\\S+${sp}(\\d{1,15})(?![^ \\t\\r\\n])`,
    'y',
  );
}
const LINE4 = linePattern(8);
const LINE6 = linePattern(32);
const HEADER = /[ \t]*sl[ \t]/y;
const BLANK = /[ \t\r]*(?:\n|$)/y;

/**
 * Calls `visit` for each valid row of one /proc/net/{tcp,tcp6,udp,udp6} text, handing it the SAME
 * row object every time (overwritten in place: copy what you keep). For callers that filter or
 * format on the fly without allocating an object per socket. `family` says which table it is
 * (4: 8-digit addresses, 6: 32-digit). Returns how many lines were malformed and skipped.
 */
export function forEachNetRow(text: string, proto: SockProto, family: 4 | 6, visit: (row: SocketEntry) => void): number {
  const row: SocketEntry = {
    proto,
    family,
    localAddr: '',
    localPort: 0,
    remoteAddr: '',
    remotePort: 0,
    state: '',
    uid: 0,
    inode: 0,
  };
  const line = family === 4 ? LINE4 : LINE6;
  const addrText = family === 4 ? ipv4Text : ipv6Text;
  let bad = 0;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    line.lastIndex = pos;
    const m = line.exec(text);
    const lineStart = pos;
    pos = eol + 1;
    if (m === null) {
      HEADER.lastIndex = lineStart;
      BLANK.lastIndex = lineStart;
      if (!HEADER.test(text) && !BLANK.test(text)) bad++;
      continue;
    }
    row.localAddr = addrText(m[1]!);
    row.localPort = parseInt(m[2]!, 16);
    row.remoteAddr = addrText(m[3]!);
    row.remotePort = parseInt(m[4]!, 16);
    row.state = stateName(proto, parseInt(m[5]!, 16));
    row.uid = +m[6]!;
    row.inode = +m[7]!;
    visit(row);
  }
  return bad;
}

/**
 * Decodes one /proc/net/{tcp,tcp6,udp,udp6} text. `family` says which table it is (4: 8-digit
 * addresses, 6: 32-digit). Lines that do not parse are skipped and counted in `counts.bad`.
 */
export function parseNetTable(text: string, proto: SockProto, family: 4 | 6, counts?: NetTableCounts): SocketEntry[] {
  const out: SocketEntry[] = [];
  const bad = forEachNetRow(text, proto, family, (r) => out.push({ ...r }));
  if (counts !== undefined) counts.bad += bad;
  return out;
}
