// The network namespaces other than bwtop's own: which exist, the addresses local to each (so a
// packet seen on a veth or a bridge is known to be sent or received by a socket in there) and
// each one's socket tables. Node cannot enter another namespace, and a netlink socket sees only
// its own, so everything is read through /proc/<a process in it>/net/*, after which the process
// is checked to still live there (a pid reused meanwhile is not believed).
//
// Discovery is driven by events, not a poll timer: a process born (fork or exec event) has its
// namespace link read at the next pass, and a packet with no local end at all (a namespace not
// known yet, or an address added since) allows a full re-read of every process's link and every
// namespace's addresses, at most once per FULL_GAP_MS.
import type { ProcSource } from '../proc/types.js';
import { parseFibTrieLocal, parseIfInet6 } from '../proc/netns-text.js';
import { ForeignAddresses, type NamespaceAddress } from './foreign-addresses.js';
import { netnsInode } from './process-entry.js';
import { SocketTables } from './socket-index.js';
import { readSocketTables } from './tables.js';

/** Full re-reads (every process's namespace link, every namespace's addresses) at most this often. */
export const FULL_GAP_MS = 5000;
/** Processes remembered per namespace to read it through (the next is used when one exits). */
const PIDS_PER_NETNS = 4;
/** Births waiting for their namespace to be read; beyond this a full re-read is due instead. */
const MAX_BORN = 4096;

export interface ForeignNetns {
  inode: number;
  pids: number[];
  addresses: string[];
  tables: SocketTables;
}

export class NetnsRegistry {
  readonly addresses = new ForeignAddresses();
  private readonly spaces = new Map<number, ForeignNetns>();
  /** bwtop's own namespace; null when unknown (a procfs copy): then no other one is looked for. */
  readonly own: number | null;
  private born = new Set<number>();
  private fullDue = true;
  private lastFullMs = -Infinity;
  /** Packets with no local end since the last pass: an unknown namespace, or new addresses. */
  strangers = 0;
  /** Discoveries made, for tests and the bench. */
  fullReads = 0;
  /**
   * A full re-read also at least this often (Infinity: only when due): without process events,
   * while every namespace's sockets are listed, nothing else tells of a namespace made since.
   */
  rescanMs = Infinity;

  constructor(private readonly proc: ProcSource) {
    this.own = proc.readPidNet ? netnsInode(proc.readNetNs('self')) : null;
  }

  get enabled(): boolean {
    return this.own !== null;
  }

  get count(): number {
    return this.spaces.size;
  }

  /** The namespace of a flow (0: bwtop's own), null when not known (gone). */
  get(inode: number): ForeignNetns | null {
    return this.spaces.get(inode) ?? null;
  }

  all(): IterableIterator<ForeignNetns> {
    return this.spaces.values();
  }

  /** A process was born or exec'd: its namespace is read at the next watch(). */
  noteBorn(pid: number): void {
    if (!this.enabled) return;
    if (this.born.size >= MAX_BORN) {
      this.born.clear();
      this.fullDue = true;
    }
    this.born.add(pid);
  }

  /**
   * Read what events and packets made due: the namespaces of new processes, and after packets
   * with no local end a full re-read (rate-limited). Returns true when the address set changed.
   */
  watch(nowMs: number): boolean {
    if (!this.enabled) return false;
    let changed = false;
    if (this.strangers > 0 && nowMs - this.lastFullMs >= FULL_GAP_MS) this.fullDue = true;
    if (nowMs - this.lastFullMs >= this.rescanMs) this.fullDue = true;
    this.strangers = 0;
    if (this.fullDue) {
      this.fullDue = false;
      this.lastFullMs = nowMs;
      this.born.clear();
      this.fullReads++;
      changed = this.discover(this.proc.listPids() ?? [], true);
    } else if (this.born.size > 0) {
      const pids = [...this.born];
      this.born.clear();
      changed = this.discover(pids, false);
    }
    if (changed) this.rebuild();
    return changed;
  }

  /** Read the namespaces of `pids`; a full pass also re-reads known namespaces and drops gone ones. */
  private discover(pids: readonly number[], full: boolean): boolean {
    let changed = false;
    const seen = new Set<number>();
    for (const pid of pids) {
      const inode = netnsInode(this.proc.readNetNs(pid));
      if (inode === null || inode === this.own) continue;
      let ns = this.spaces.get(inode);
      const fresh = ns === undefined;
      if (ns === undefined) {
        const made: ForeignNetns = {
          inode,
          pids: [],
          addresses: [],
          tables: new SocketTables((names) => readSocketTables(this.through(made), names)),
        };
        ns = made;
        this.spaces.set(inode, ns);
      }
      if (!ns.pids.includes(pid)) {
        if (ns.pids.length >= PIDS_PER_NETNS) ns.pids.shift();
        ns.pids.push(pid);
      }
      // Addresses of a new namespace at once; of a known one once per full pass (they may change).
      if (fresh || (full && !seen.has(inode))) changed = this.readAddresses(ns) || changed;
      seen.add(inode);
    }
    if (full) {
      for (const [inode] of this.spaces) {
        if (!seen.has(inode)) {
          this.spaces.delete(inode);
          changed = true;
        }
      }
    }
    return changed;
  }

  /** Re-read a namespace's addresses; true when they changed. */
  private readAddresses(ns: ForeignNetns): boolean {
    const v4 = this.read(ns, 'fib_trie');
    const v6 = this.read(ns, 'if_inet6');
    const list = [...(v4 === null ? [] : parseFibTrieLocal(v4)), ...(v6 === null ? [] : parseIfInet6(v6))].sort();
    if (list.join(' ') === ns.addresses.join(' ')) return false;
    ns.addresses = list;
    return true;
  }

  /** /proc/<pid>/net/<file> through a process still in the namespace; null when none is. */
  read(ns: ForeignNetns, file: string): string | null {
    while (ns.pids.length > 0) {
      const pid = ns.pids[0]!;
      const text = this.proc.readPidNet!(pid, file);
      if (text !== null && netnsInode(this.proc.readNetNs(pid)) === ns.inode) return text;
      if (text !== null || this.proc.readStartTime(pid) === null)
        ns.pids.shift(); // moved or gone
      else return null; // the process is there but has no such file (no IPv6)
    }
    this.fullDue = true; // nobody left in it: it may be gone, or lived in by others
    return null;
  }

  private through(ns: ForeignNetns): Pick<ProcSource, 'readNetTable'> {
    return { readNetTable: (name) => this.read(ns, name) };
  }

  /** A process exited: it can no longer be read through. */
  exited(pid: number): void {
    for (const ns of this.spaces.values()) {
      const i = ns.pids.indexOf(pid);
      if (i >= 0 && ns.pids.length > 1) ns.pids.splice(i, 1);
    }
  }

  private rebuild(): void {
    const list: NamespaceAddress[] = [];
    for (const ns of this.spaces.values()) for (const address of ns.addresses) list.push({ address, netns: ns.inode });
    this.addresses.set(list);
  }
}
