// The owner of a flow whose socket vanished before a table read could tie it to a holder: the
// young process seen holding exactly its socket, else the one that fits (process-census.ts);
// several that all run one program give the program entry.
import { PROTO_TCP } from '../packet.js';
import type { Flow } from './flow.js';
import { flowKey, flowProtoName, flowTables } from './flow-text.js';
import type { OwnerFinder } from './owner-finder.js';
import { type ProcessCensus, tieKey } from './process-census.js';
import type { ProcessEntry } from './process-entry.js';
import type { ProcessRegistry } from './process-registry.js';
import type { SocketTables } from './socket-index.js';

export interface VanishedContext {
  readonly owners: OwnerFinder;
  readonly registry: ProcessRegistry;
  /** The socket tables of the flow's namespace. */
  tablesOf(f: Flow): SocketTables | null;
}

/**
 * Name a young process just seen holding a socket of its own: read now, or, when it is gone
 * already, from the identity read just before that read of its descriptors (young-identity.ts).
 */
export function nameYoung(census: ProcessCensus, registry: ProcessRegistry, pid: number, nowMs: number): void {
  let e = registry.readNow(pid, nowMs);
  let atMs = nowMs;
  if (e === null) {
    const id = census.identityOf(pid);
    if (id === null) return;
    e = registry.enter(id.info, id.netnsLink);
    atMs = id.atMs;
    registry.markExited(e, Math.min(nowMs, census.exitedAt(pid)));
  }
  census.named(pid, e.startTime, atMs);
}

/**
 * The entry of a socket's holder under its program's name: read again now, or, when it is gone,
 * as named after its last exec (a young process) or when first read (one that was there before).
 * Null: it cannot be named (its bytes go to nobody's row).
 */
export function holderEntry(census: ProcessCensus, registry: ProcessRegistry, pid: number, nowMs: number): ProcessEntry | null {
  const e = registry.byPid(pid, nowMs);
  if (e === null) return null;
  if (registry.refresh(e)) {
    if (census.isFollowed(pid)) census.named(pid, e.startTime, nowMs);
    return e;
  }
  return !census.isFollowed(pid) || census.nameCurrent(pid, e.startTime) ? e : null;
}

/** undefined: nobody fits (yet); null: the evidence does not decide. */
export function vanishedSocketOwner(c: VanishedContext, f: Flow, scanned: Set<number>, nowMs: number): ProcessEntry | null | undefined {
  const key = f.netns === 0 ? flowKey(f) : `${f.netns}|${flowKey(f)}`;
  const portKey = tieKey('', flowProtoName(f), 0, f.lport, f.netns);
  const held = (pid: number, inode: number): boolean => {
    if (!scanned.has(pid)) {
      scanned.add(pid);
      c.owners.scanPid(pid, nowMs);
    }
    return c.owners.holds(pid, inode);
  };
  const { proven, fitting } = c.owners.census.candidates(f.firstSeenMs, key, portKey, held, f.netns, flowProtoName(f));
  const pids = proven.size > 0 ? proven : fitting;
  // On loopback the other end is local too: the server this flow talks to also accepted (and
  // closed) a socket just then, but it is the peer, not the owner.
  if (f.proto === PROTO_TCP && proven.size === 0) {
    const peer = c.tablesOf(f)?.findBound(flowTables(f), 'tcp', f.family, f.remoteAddrText, f.rport);
    if (peer && peer.entry.state === 'LISTEN') for (const p of c.owners.holdersOf(peer.entry.inode)) pids.delete(p);
  }
  if (pids.size === 0) return undefined;
  const members: ProcessEntry[] = [];
  for (const pid of pids) {
    let e = c.registry.lastOf(pid);
    if (!e || !c.owners.census.nameCurrent(pid, e.startTime)) {
      // Never named, or named before an exec seen since (`ip netns exec` becomes curl): only a
      // read while it still runs names it; gone, its bytes cannot go to a row.
      e = c.owners.census.isAlive(pid) ? (c.registry.readNow(pid, nowMs) ?? undefined) : undefined;
      if (!e || !c.owners.census.sameProcess(pid, e.startTime)) return null;
      c.owners.census.named(pid, e.startTime, nowMs);
    } else if (!e.exitedAtMs) c.registry.refresh(e);
    members.push(e);
  }
  if (members.length === 1) return members[0]!;
  const program = members[0]!.programKey;
  return members.every((m) => m.programKey === program) ? c.registry.program(members) : null;
}
