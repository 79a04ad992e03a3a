// Socket tables dumped over sock_diag by the native addon (src/native/sock_dump.c) in one call
// each, for the one-shot `bwtop connections`: bwtop's own network namespace, or another one
// entered through a process's /proc/PID/ns/net. The reply datagrams are decoded by the same code
// as the engine's dumps. Null when the addon is not built.
import { SOCKET_TABLES, type SocketEntry, type SocketTable, type TableName } from '../core/proc/types.js';
import { AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, forEachSockDiagRow, refusedSockDiag } from '../core/netlink/sock-diag.js';
import { scanAddon } from './fd-scan.js';
import { errnoName } from './netlink-raw.js';

/** Another network namespace: its file (/proc/PID/ns/net) and the inode it must have. */
export interface NamespaceFile {
  path: string;
  inode: number;
}

/** A table as dumped: its reply datagrams, and its rows decoded on each call of `forEach`. */
export interface DumpedTable {
  table: SocketTable;
  reply: Buffer;
  /** Hands each row to `visit`, one reused row object. */
  forEach(visit: (row: SocketEntry) => void): void;
}

/**
 * Dumps `table` in `states` (bit n = TCP state number n) now; throws refusedSockDiag's sentence
 * when the kernel or the namespace refuses.
 */
export type TableDump = (table: TableName, states: number) => DumpedTable;

export function nativeTableDump(ns?: NamespaceFile): TableDump | null {
  const a = scanAddon();
  if (a === null || typeof a.sockDiagDump !== 'function') return null;
  let seq = (Math.random() * 0x7fffffff) >>> 0;
  return (table, states) => {
    const t = SOCKET_TABLES.find((x) => x.name === table)!;
    seq = (seq + 1) >>> 0;
    const mySeq = seq;
    const family = t.family === 4 ? AF_INET : AF_INET6;
    const proto = t.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
    let reply: Buffer;
    try {
      reply =
        ns === undefined
          ? a.sockDiagDump(family, proto, states >>> 0, mySeq)
          : a.sockDiagDump(family, proto, states >>> 0, mySeq, ns.path, ns.inode);
    } catch (err) {
      const e = err as Error & { step?: string; errno?: number };
      // ENOENT as the answer means the kernel has no diag handler for the protocol (no tcp_diag/udp_diag).
      throw refusedSockDiag(e.step === 'answer' ? `the kernel answered ${errnoName(e.errno ?? 0)} to a ${table} dump` : e.message);
    }
    return {
      table: t,
      reply,
      forEach: (visit) => {
        forEachSockDiagRow(reply, mySeq, t.proto, visit);
      },
    };
  };
}
