// Network namespaces for `bwtop connections`: which exist (grouped from each process's
// /proc/PID/ns/net link), and what to call the one a socket lives in. Node cannot enter another
// namespace, so each foreign namespace's tables are read through a process living in it.

/** A network namespace other than bwtop's own, and the processes seen in it (ascending). */
export interface NamespaceGroup {
  inode: number;
  pids: number[];
}

/** The namespace the rows that follow belong to, as a listing writes it. */
export interface SocketNamespace {
  /** Namespace inode; null when unknown (a procfs copy without ns/ links). */
  inode: number | null;
  /** Its name when its sockets' holders do not give one: a container, or an `ip netns` name. */
  container: string | null;
  /** Not bwtop's own namespace. */
  foreign: boolean;
}

/** "net:[4026531840]" -> 4026531840; null for anything else. */
export function netnsLinkInode(link: string | null): number | null {
  const m = link === null ? null : /^net:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : null;
}

/** Groups (pid, namespace) pairs into the namespaces other than `own`, by inode ascending. */
export function groupNamespaces(pairs: ReadonlyArray<readonly [number, number]>, own: number | null): NamespaceGroup[] {
  const byInode = new Map<number, number[]>();
  for (const [pid, inode] of pairs) {
    if (inode === own) continue;
    const pids = byInode.get(inode);
    if (pids) pids.push(pid);
    else byInode.set(inode, [pid]);
  }
  return [...byInode].sort((a, b) => a[0] - b[0]).map(([inode, pids]) => ({ inode, pids: pids.sort((a, b) => a - b) }));
}

/**
 * The container a socket is listed with: that of its first holder in a container (a
 * host-network container's sockets live in the host's namespace), else the namespace's own.
 */
export function socketContainer(
  holders: readonly number[],
  containerOf: (pid: number) => string | null,
  ns: SocketNamespace,
): string | null {
  for (const pid of holders) {
    const c = containerOf(pid);
    if (c !== null) return c;
  }
  return ns.container;
}
