// The kernel's process events (fork, exec, comm, exit) over the NETLINK_CONNECTOR socket of the
// `netlink` package; the messages are built and decoded by src/core/netlink/proc-events.ts.
import { existsSync, readlinkSync } from 'node:fs';
import {
  CN_IDX_PROC,
  NETLINK_CONNECTOR,
  parseProcEvents,
  procEventAcks,
  procEventsSubscribe,
  type ProcEvent,
} from '../core/netlink/proc-events.js';
import { errnoName, loadRawSocket, type RawSocket } from './netlink-raw.js';

export interface ProcEventSource {
  close(): void;
}

/** Receive buffer asked for the events socket by default: a burst of forks must not overflow it (capped by net.core.rmem_max). */
const EVENTS_RCVBUF = 8 << 20;

/** How long the kernel has to acknowledge the subscription before it counts as refused. */
const ACK_TIMEOUT_MS = 2000;

function refusedEvents(why: string): Error {
  return new Error(
    `cannot subscribe to the kernel's process events: ${why}; ` +
      `run bwtop as root in the host's namespaces (without them it falls back to polling /proc)`,
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
    if (link !== INIT_NS[kind])
      return `this process is not in the initial ${kind} namespace (it is in ${link}), and the kernel sends them only there`;
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
export function openProcEvents(
  onEvent: (e: ProcEvent) => void,
  onLost: (reason: string) => void,
  options: { receiveBufferBytes?: number } = {},
): ProcEventSource {
  const outside = outsideInitialNamespaces();
  if (outside !== null) throw refusedEvents(outside);
  let sock: RawSocket;
  try {
    // Events are small (76 bytes): a fixed buffer saves the size-peeking read per event.
    sock = new (loadRawSocket())(NETLINK_CONNECTOR, { localGroups: CN_IDX_PROC, messagePeeking: false, msgBufferSize: 4096 });
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
    sock.setRecvBufferSize(options.receiveBufferBytes ?? EVENTS_RCVBUF);
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
