// Netlink sockets for the kernel's socket tables (NETLINK_SOCK_DIAG) and process events
// (NETLINK_CONNECTOR), through the `netlink` package's RawNetlinkSocket. The package (a native
// addon) is loaded on first use, so commands that never open one pay nothing for it. Requests
// and messages are built and decoded by the pure modules in src/core/netlink/.
import { existsSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SocketEntry } from '../core/proc/types.js';
import type { TableName } from '../core/engine/socket-index.js';
import {
  ALL_STATES,
  NETLINK_SOCK_DIAG,
  SOCKET_TABLES,
  forEachSockDiagRow,
  sockDiagDumpRequest,
  sockDiagLookupRequest,
  sockDiagMatches,
} from '../core/netlink/sock-diag.js';
import {
  CN_IDX_PROC,
  NETLINK_CONNECTOR,
  parseProcEvents,
  procEventAcks,
  procEventsSubscribe,
  type ProcEvent,
} from '../core/netlink/proc-events.js';

export type { ProcEvent } from '../core/netlink/proc-events.js';

/** The part of the package's RawNetlinkSocket used here. */
interface RawSocket {
  on(event: 'message', listener: (msg: Buffer) => void): void;
  on(event: 'error', listener: (err: Error & { code?: string; errno?: number }) => void): void;
  send(msg: Uint8Array, options: { port?: number }, callback: (err?: Error & { code?: string }) => void): void;
  close(): void;
  ref(): void;
  unref(): void;
  setRecvBufferSize(size: number): void;
  getRecvBufferSize(): number;
}
type RawSocketClass = new (protocol: number, options?: { localGroups?: number }) => RawSocket;

let rawClass: RawSocketClass | null = null;

function loadRawSocket(): RawSocketClass {
  if (rawClass === null) {
    // The raw layer alone: the package's index also loads its route, wifi and wireguard modules.
    const mod = createRequire(import.meta.url)('netlink/dist/raw.js') as { RawNetlinkSocket: RawSocketClass };
    rawClass = mod.RawNetlinkSocket;
  }
  return rawClass;
}

const TABLES = Object.fromEntries(SOCKET_TABLES.map((t) => [t.name, t])) as Record<TableName, (typeof SOCKET_TABLES)[number]>;

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

function errnoName(errno: number): string {
  const names: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 22: 'EINVAL', 93: 'EPROTONOSUPPORT', 97: 'EAFNOSUPPORT' };
  return names[errno] ?? `errno ${errno}`;
}

function refusedSockDiag(why: string): Error {
  return new Error(
    `cannot read the socket tables over netlink (sock_diag): ${why}; load the kernel's inet_diag, tcp_diag and udp_diag support or use the /proc/net tables instead`,
  );
}

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
    sock = new (loadRawSocket())(NETLINK_SOCK_DIAG);
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

export interface ProcEventSource {
  close(): void;
}

/** Receive buffer asked for the events socket: a burst of forks must not overflow it (capped by net.core.rmem_max). */
const EVENTS_RCVBUF = 8 << 20;

/** How long the kernel has to acknowledge the subscription before it counts as refused. */
const ACK_TIMEOUT_MS = 2000;

function refusedEvents(why: string): Error {
  return new Error(
    `cannot subscribe to the kernel's process events: ${why}; run bwtop as root in the host's namespaces (without them it falls back to polling /proc)`,
  );
}

// The initial user and pid namespaces have fixed inode numbers (PROC_USER_INIT_INO,
// PROC_PID_INIT_INO, since Linux 3.8); the initial network namespace's number is not fixed, but
// only it has the connector's /proc/net/connector (and /proc/self/net is the reader's own).
const INIT_NS: Record<'user' | 'pid', string> = { user: 'user:[4026531837]', pid: 'pid:[4026531836]' };

/** Why the connector will not answer this process, or null when it should. */
function outsideInitialNamespaces(): string | null {
  let sawProc = false;
  for (const kind of ['user', 'pid'] as const) {
    let link: string;
    try {
      link = readlinkSync(`/proc/self/ns/${kind}`);
    } catch {
      continue; // no /proc: let the kernel decide
    }
    sawProc = true;
    if (link !== INIT_NS[kind]) return `this process is not in the initial ${kind} namespace (it is in ${link}), and the kernel sends them only there`;
  }
  if (sawProc && !existsSync('/proc/self/net/connector')) {
    return 'this process is not in the initial network namespace (no /proc/net/connector here), and the kernel sends them only there';
  }
  return null;
}

/**
 * Subscribe to process events. onEvent is called synchronously for each event as it arrives;
 * onLost(reason) when events were lost (ENOBUFS under a burst), the socket failed, or the kernel
 * did not acknowledge the subscription (then no events will come). Throws a one-sentence Error
 * when refused (not root / no CAP_NET_ADMIN / not in the initial network, user and pid namespaces:
 * the connector answers only there).
 */
export function openProcEvents(onEvent: (e: ProcEvent) => void, onLost: (reason: string) => void): ProcEventSource {
  const outside = outsideInitialNamespaces();
  if (outside !== null) throw refusedEvents(outside);
  let sock: RawSocket;
  try {
    sock = new (loadRawSocket())(NETLINK_CONNECTOR, { localGroups: CN_IDX_PROC });
  } catch (err) {
    const e = err as Error & { code?: string };
    const why =
      e.code === 'EPERM' || e.code === 'EACCES'
        ? 'listening to them needs root (CAP_NET_ADMIN)'
        : `the kernel refused the netlink connector socket (${e.message})`;
    throw refusedEvents(why);
  }
  sock.unref();
  try {
    sock.setRecvBufferSize(EVENTS_RCVBUF);
  } catch {
    // keep the default size: a smaller buffer only loses events sooner, and onLost says when
  }
  let closed = false;
  let acked = false;
  const subscribeTag = ((Math.random() * 0x7fffffff) >>> 0) | 1;
  const lost = (reason: string) => {
    if (!closed) onLost(reason);
  };
  // An unhandled 'error' event would crash the process: every error becomes onLost.
  sock.on('error', (err) => {
    if (err.code === 'ENOBUFS') lost('process events were lost: the kernel dropped some under a burst (ENOBUFS)');
    else lost(`the process events socket failed: ${err.message}`);
  });
  sock.on('message', (msg) => {
    if (!acked) {
      for (const a of procEventAcks(msg)) {
        if (a.tag !== subscribeTag) continue;
        acked = true;
        clearTimeout(ackTimer);
        if (a.err !== 0) lost(`the kernel refused the process events subscription (${errnoName(a.err)})`);
      }
    }
    for (const e of parseProcEvents(msg)) if (e.kind !== 'none') onEvent(e);
  });
  const ackTimer = setTimeout(() => {
    if (!acked) lost('the kernel did not acknowledge the process events subscription, so no events will come');
  }, ACK_TIMEOUT_MS);
  ackTimer.unref();
  sock.send(procEventsSubscribe('listen', subscribeTag), { port: 0 }, (err) => {
    if (err !== undefined) lost(`the process events subscription was refused (${err.message})`);
  });
  return {
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(ackTimer);
      // Unsubscribe first: the kernel counts listeners and keeps building events while any remain.
      // The send happens synchronously when nothing else is queued; its callback is dropped by close.
      try {
        sock.send(procEventsSubscribe('ignore'), { port: 0 }, () => {});
      } catch {
        // closing anyway
      }
      sock.close();
    },
  };
}
