// Netlink sockets for the kernel's socket tables (NETLINK_SOCK_DIAG) and process events
// (NETLINK_CONNECTOR), through the `netlink` package's RawNetlinkSocket. The package (a native
// addon) is loaded on first use, so commands that never open one pay nothing for it. Requests
// and messages are built and decoded by the pure modules in src/core/netlink/.
import { SOCKET_TABLES, type SocketEntry, type SocketTable, type TableName } from '../core/proc/types.js';
import {
  ALL_STATES,
  NETLINK_SOCK_DIAG,
  forEachSockDiagRow,
  refusedSockDiag,
  sockDiagDumpRequest,
  sockDiagLookupRequest,
  sockDiagMatches,
} from '../core/netlink/sock-diag.js';
import { errnoName, loadRawSocket, type RawSocket } from './netlink-raw.js';

export type { ProcEvent } from '../core/netlink/proc-events.js';
export { openProcEvents, type ProcEventSource } from './netlink-events.js';

const TABLES = Object.fromEntries(SOCKET_TABLES.map((t) => [t.name, t])) as Record<TableName, SocketTable>;

export interface SockDiag {
  /** Every socket of these tables in these states (bitmask of TCP state numbers, 1<<state; default all). */
  dump(tables: readonly TableName[], states?: number): Promise<SocketEntry[]>;
  /**
   * Like dump, but hands each socket to `visit` as it is decoded, reusing ONE row object (copy
   * what you keep): no object per socket, for callers that filter or format on the fly.
   */
  forEach(tables: readonly TableName[], visit: (row: SocketEntry) => void, states?: number): Promise<void>;
  /** The one socket with this exact 5-tuple (local/remote address text as SocketEntry writes it), or null. */
  lookup(table: TableName, localAddr: string, localPort: number, remoteAddr: string, remotePort: number): Promise<SocketEntry | null>;
  close(): void;
}

export { refusedSockDiag };

/** The kernel's largest dump datagram (it caps its guess of the reader's buffer at 32 KiB). */
const DUMP_DATAGRAM = 32768;

/** One request in flight: its sequence number, how to take its datagrams, how to finish. */
interface Pending {
  seq: number;
  onMessage(msg: Buffer): void;
  fail(err: Error): void;
}

/** Throws an Error whose message is one sentence (what, why, what to do) when the kernel or privileges refuse. */
export function openSockDiag(): SockDiag {
  let sock: RawSocket;
  try {
    // One read per datagram into a 32 KiB buffer (no peeking for the size first): the kernel sizes
    // the next dump datagram by the reader's last buffer, so a large one means few datagrams.
    sock = new (loadRawSocket())(NETLINK_SOCK_DIAG, { messagePeeking: false, msgBufferSize: DUMP_DATAGRAM });
  } catch (err) {
    throw refusedSockDiag((err as Error).message);
  }
  sock.unref(); // ref'd only while a request is in flight, so an idle one never holds a program open
  let seq = (Math.random() * 0x7fffffff) >>> 0;
  let current: Pending | null = null;
  let closed = false;
  // The kernel runs one dump per socket at a time, so requests take turns.
  const queue: Array<() => void> = [];
  const next = () => {
    current = null;
    const start = queue.shift();
    if (start !== undefined) start();
    else if (!closed) sock.unref();
  };
  sock.on('message', (msg) => current?.onMessage(msg));
  sock.on('error', (err) => current?.fail(refusedSockDiag(err.message)));

  /** Sends `req` and feeds its reply datagrams to `take` until it reports done. */
  const run = (makeReq: (seq: number) => Buffer, take: (msg: Buffer, seq: number) => { done: boolean; errno: number }) =>
    new Promise<number>((resolve, reject) => {
      const start = () => {
        if (closed) return reject(new Error('the socket-table netlink socket is closed'));
        seq = (seq + 1) >>> 0;
        const mySeq = seq;
        const p: Pending = {
          seq: mySeq,
          onMessage: (msg) => {
            let st: { done: boolean; errno: number };
            try {
              st = take(msg, mySeq);
            } catch (err) {
              p.fail(err as Error);
              return;
            }
            if (st.done) {
              next();
              resolve(st.errno);
            }
          },
          fail: (err) => {
            next();
            reject(err);
          },
        };
        current = p;
        sock.ref();
        sock.send(makeReq(mySeq), { port: 0 }, (err) => {
          if (err !== undefined && current === p) p.fail(refusedSockDiag(err.message));
        });
      };
      if (current === null && queue.length === 0) start();
      else queue.push(start);
    });

  const forEach = async (tables: readonly TableName[], visit: (row: SocketEntry) => void, states = ALL_STATES) => {
    for (const name of tables) {
      const t = TABLES[name];
      const errno = await run(
        (s) => sockDiagDumpRequest(s, t.proto, t.family, states),
        (msg, s) => forEachSockDiagRow(msg, s, t.proto, visit),
      );
      // ENOENT here means the kernel has no diag handler for the protocol (no tcp_diag/udp_diag):
      // the whole source is unusable, not an empty table.
      if (errno !== 0) throw refusedSockDiag(`the kernel answered ${errnoName(errno)} to a ${name} dump`);
    }
  };

  return {
    forEach,
    async dump(tables, states = ALL_STATES) {
      const out: SocketEntry[] = [];
      await forEach(tables, (r) => out.push({ ...r }), states);
      return out;
    },
    async lookup(table, localAddr, localPort, remoteAddr, remotePort) {
      const t = TABLES[table];
      const probe = sockDiagLookupRequest(0, t.proto, t.family, localAddr, localPort, remoteAddr, remotePort);
      if (probe === null) return null; // not an address of this table's family: no such socket
      let found: SocketEntry | null = null;
      const errno = await run(
        (s) => {
          probe.writeUInt32LE(s, 8);
          return probe;
        },
        (msg, s) => {
          const st = forEachSockDiagRow(msg, s, t.proto, (r) => {
            if (sockDiagMatches(r, localAddr, localPort, remoteAddr, remotePort)) found = { ...r };
          });
          // A lookup is answered by one socket message, or by an error (ENOENT: none).
          return { done: st.done || st.messages > 0, errno: st.errno };
        },
      );
      // ENOENT: no socket has this 5-tuple.
      if (errno !== 0 && errno !== 2) throw refusedSockDiag(`the kernel answered ${errnoName(errno)} to a ${table} lookup`);
      return found;
    },
    close() {
      if (closed) return;
      closed = true;
      const p = current;
      queue.length = 0;
      sock.close();
      p?.fail(new Error('the socket-table netlink socket was closed'));
    },
  };
}
