// Parsers for the per-process procfs files and /etc/passwd. All text is untrusted (a process
// chooses its own comm and argv), so each parser tolerates anything and returns null/0 instead
// of throwing.

/** Inode of an fd link target "socket:[123]", or 0 for any other target. */
export function parseSocketLink(target: string): number {
  // "socket:[" is 8 chars; the shortest valid target is "socket:[1]".
  const n = target.length;
  if (n < 10 || n > 24 || !target.startsWith('socket:[') || target.charCodeAt(n - 1) !== 93) return 0;
  let v = 0;
  for (let i = 8; i < n - 1; i++) {
    const d = target.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Field 22 (starttime, clock ticks since boot) of /proc/PID/stat. Field 2 is "(comm)" and comm
 * may hold spaces and ')' itself, so fields are counted from the LAST ')'.
 */
export function parseStatStartTime(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // After ") " come fields 3, 4, ...; field 22 is the 20th of them.
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const raw = fields[19];
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return null;
  return Number(raw);
}

/** comm, ppid (field 4) and start time (field 22) of /proc/PID/stat in one parse. */
export function parseStat(stat: string): { comm: string; ppid: number; startTime: number } | null {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const ppid = fields[1];
  const start = fields[19];
  if (ppid === undefined || start === undefined || !/^\d{1,10}$/.test(ppid) || !/^\d{1,15}$/.test(start)) return null;
  return { comm: stat.slice(open + 1, close), ppid: Number(ppid), startTime: Number(start) };
}

/**
 * Socket inodes listed in /proc/net/unix, netlink or packet: the column headed "Inode" (its
 * position differs per file). Sockets of these kinds never carry a TCP or UDP flow.
 */
export function parseOtherSocketInodes(text: string, into: Set<number>): void {
  const nl = text.indexOf('\n');
  if (nl < 0) return;
  const col = text.slice(0, nl).trim().split(/\s+/).indexOf('Inode');
  if (col < 0) return;
  for (const line of text.slice(nl + 1).split('\n')) {
    const v = line.trim().split(/\s+/)[col];
    if (v !== undefined && /^\d{1,12}$/.test(v)) into.add(Number(v));
  }
}

/** comm from /proc/PID/stat: between the first '(' and the last ')'. */
export function parseStatComm(stat: string): string | null {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  return stat.slice(open + 1, close);
}

/** Real uid (first number of the "Uid:" line) of /proc/PID/status. */
export function parseStatusUid(status: string): number | null {
  const m = /(?:^|\n)Uid:\s*(\d{1,10})(?:\s|$)/.exec(status);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/**
 * /proc/PID/cmdline (argv NUL-separated) as one line, arguments joined by spaces. Trailing NULs
 * are dropped: processes that rewrite their title pad the old argv area with them.
 */
export function parseCmdline(raw: string): string {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0) end--;
  return raw.slice(0, end).replaceAll('\0', ' ');
}

/** comm file text without its trailing newline. */
export function parseComm(raw: string): string {
  return raw.endsWith('\n') ? raw.slice(0, -1) : raw;
}

/** uid -> user name from /etc/passwd text; the first entry for a uid wins, like getpwuid. */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(':');
    const name = parts[0];
    const uidText = parts[2];
    if (name === undefined || name === '' || uidText === undefined || !/^\d{1,10}$/.test(uidText)) continue;
    const uid = Number(uidText);
    if (!names.has(uid)) names.set(uid, name);
  }
  return names;
}

/** Sockets per table as net/sockstat and net/sockstat6 report them (in use, plus TIME_WAIT). */
export interface SockstatCounts {
  tcp: number;
  tcp6: number;
  udp: number;
  udp6: number;
}

/**
 * Socket counts of a net/sockstat or net/sockstat6 text: roughly the rows each socket table will
 * hold. Zeros for what is not recognised.
 */
export function parseSockstat(text: string): SockstatCounts {
  const counts: SockstatCounts = { tcp: 0, tcp6: 0, udp: 0, udp6: 0 };
  const re = /^(TCP6?|UDP6?):(.*)$/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const fields = m[2]!;
    // A number too long to be a count is not one (it would add up to Infinity).
    const inuse = /\binuse (\d{1,12})\b/.exec(fields);
    const tw = /\btw (\d{1,12})\b/.exec(fields);
    const key = m[1]!.toLowerCase() as keyof SockstatCounts;
    counts[key] += Number(inuse?.[1] ?? 0) + Number(tw?.[1] ?? 0);
  }
  return counts;
}
