// The socket tables of every network namespace on the machine, through /proc/PID/net of a process
// in each (Node cannot setns, and a sock_diag socket sees only its own namespace). Namespaces come
// and go while this reads: a process that exits or moves is passed over for the next one.
import { readFileSync, readlinkSync } from 'node:fs';
import { groupNamespaces, netnsLinkInode, type NamespaceGroup } from '../core/connections/namespaces.js';
import type { TableName } from '../core/proc/types.js';

export interface NamespaceDiscovery {
  /** bwtop's own namespace inode, null when unknown (a procfs copy without ns/ links). */
  own: number | null;
  others: NamespaceGroup[];
  /** Processes whose namespace link was refused (another user's, without root). */
  refused: number;
}

function nsOf(root: string, pid: number | 'self'): { inode: number | null; refused: boolean } {
  try {
    return { inode: netnsLinkInode(readlinkSync(`${root}/${pid}/ns/net`)), refused: false };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { inode: null, refused: code === 'EACCES' || code === 'EPERM' };
  }
}

/** Every network namespace a process of `pids` lives in, bwtop's own apart. */
export function discoverNamespaces(root: string, pids: readonly number[]): NamespaceDiscovery {
  const own = nsOf(root, 'self').inode;
  const pairs: Array<[number, number]> = [];
  let refused = 0;
  for (const pid of pids) {
    const ns = nsOf(root, pid);
    if (ns.inode !== null) pairs.push([pid, ns.inode]);
    else if (ns.refused) refused++;
  }
  return { own, others: own === null ? [] : groupNamespaces(pairs, own), refused };
}

/**
 * One table of a foreign namespace, read through the first of its processes still in it; null
 * when none is (the namespace is gone) or the table does not exist there (no IPv6).
 */
export function readNamespaceTable(root: string, group: NamespaceGroup, table: TableName): string | null {
  for (const pid of group.pids) {
    let text: string;
    try {
      text = readFileSync(`${root}/${pid}/net/${table}`, 'latin1');
    } catch {
      continue; // exited since it was seen: try the next one
    }
    // Read through the right namespace only if the pid still lives there (not exited and reused).
    if (nsOf(root, pid).inode === group.inode) return text;
  }
  return null;
}
