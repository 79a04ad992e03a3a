// What the process events' own reader tells of young programs (src/native/young_sockets.c): it
// reads a program's descriptors right after its exec and for its first 100 ms, faster than this
// thread could, and reports each TCP or UDP socket that appears and when it was last seen. That
// is evidence as from a read of the process's descriptors (process-census.ts): the socket is its
// own (it was not there at the exec), and it is inet (the reader asked the socket's protocol).
import type { RawIdentity } from '../netlink/proc-events.js';
import { parseCmdline, parseStat } from '../proc/procText.js';
import type { OwnerFinder } from './owner-finder.js';

/** What the reader saw of one socket (sawSocket). */
export interface SocketSighting {
  pid: number;
  inode: number;
  /** Inode of the namespace it was seen in (0: unknown, then it proves nothing). */
  netns: number;
  proto: 'tcp' | 'udp' | null;
  /** Found by a first read that came late after the exec: its own only if its parent does not hold it. */
  atExec: boolean;
  /** Seen at; or, with goneAtMs, last seen at. */
  atMs: number;
  /** When it was found gone (null: it appeared). */
  goneAtMs: number | null;
}

/** A young program's TCP or UDP socket appeared, or went. */
export function sawSocket(owners: OwnerFinder, s: SocketSighting): void {
  const census = owners.census;
  if (!census.isFollowed(s.pid)) return;
  if (s.goneAtMs !== null) {
    census.letGo(s.pid, s.inode, s.atMs);
    return;
  }
  if (s.netns === 0 || s.proto === null) return;
  if (s.atExec && inheritedOrUnknown(owners, s.pid, s.inode, s.atMs)) return;
  census.gainedInet(s.pid, s.inode, s.atMs, s.netns === owners.ownNetnsInode ? 0 : s.netns, s.proto);
  owners.addHolding(s.pid, s.inode);
  if (census.needsName(s.pid)) owners.onYoungRead(s.pid, s.atMs);
}

/** Its identity as the reader read it at `atMs`, when its first socket was seen (young-identity.ts). */
export function sawIdentity(owners: OwnerFinder, pid: number, raw: RawIdentity, netns: number, atMs: number): void {
  const stat = parseStat(raw.stat);
  if (stat === null || netns === 0 || !owners.census.isFollowed(pid)) return;
  const user = owners.proc.userName?.(raw.uid) ?? String(raw.uid);
  const info = {
    pid,
    startTime: stat.startTime,
    name: stat.comm,
    cmdline: parseCmdline(raw.cmdline),
    uid: raw.uid,
    user,
    ppid: stat.ppid,
    exe: raw.exe,
  };
  owners.census.identified(pid, info, `net:[${netns}]`, atMs);
}

/** Whether its parent holds the socket too (read now), or the parent cannot be read: proves nothing. */
function inheritedOrUnknown(owners: OwnerFinder, pid: number, inode: number, nowMs: number): boolean {
  const ppid = owners.census.parentOf(pid);
  return ppid <= 0 || !owners.scanPid(ppid, nowMs) || owners.holds(ppid, inode);
}
