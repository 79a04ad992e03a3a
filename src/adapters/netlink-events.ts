// The kernel's process events (fork, exec, comm, exit) from the NETLINK_CONNECTOR socket, read by
// the thread of src/native/proc_connector.c; the messages are built and decoded by
// src/core/netlink/proc-events.ts.
import { existsSync, readlinkSync } from 'node:fs';
import { parseProcEvents, procEventAcks, procEventsSubscribe, type ProcEvent } from '../core/netlink/proc-events.js';
import { createRequire } from 'node:module';
import { errnoName } from './netlink-raw.js';

/** The reader thread of src/native/proc_connector.c. */
interface NativeReader {
  open(
    receiveBufferBytes: number,
    subscribe: Buffer,
    onBatch: (data: Buffer | null, lost: number, errno: number) => void,
    startDelayMs: number,
  ): unknown;
  close(handle: unknown, unsubscribe: Buffer): void;
}

const READER_PATH = '../../../src/native/build/Release/proc_connector.node';
let reader: NativeReader | string | null = null;

/** The native reader, or why it cannot be loaded (loaded on first use: most commands never need it). */
function loadReader(): NativeReader | string {
  if (reader === null) {
    try {
      reader = createRequire(import.meta.url)(READER_PATH) as NativeReader;
    } catch (err) {
      reader = `bwtop's process events reader is not built (${(err as Error).message.split('\n')[0]}; npm ci builds it)`;
    }
  }
  return reader;
}

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
  options: { receiveBufferBytes?: number; startDelayMs?: number } = {},
): ProcEventSource {
  const outside = outsideInitialNamespaces();
  if (outside !== null) throw refusedEvents(outside);
  const native = loadReader();
  if (typeof native === 'string') throw refusedEvents(native);
  let closed = false;
  let acked = false;
  const subscribeTag = ((Math.random() * 0x7fffffff) >>> 0) | 1;
  const lost = (reason: string) => {
    if (!closed) onLost(reason);
  };
  const onBatch = (data: Buffer | null, lostCount: number, errno: number) => {
    if (closed) return;
    if (data !== null) {
      if (!acked) {
        for (const a of procEventAcks(data)) {
          if (a.tag !== subscribeTag) continue;
          acked = true;
          clearTimeout(ackTimer);
          if (a.err !== 0) lost(`the kernel refused the process events subscription (${errnoName(a.err)})`);
        }
      }
      for (const e of parseProcEvents(data)) if (e.kind !== 'none') onEvent(e);
    }
    if (lostCount > 0) lost('process events were lost: the kernel dropped some under a burst (ENOBUFS)');
    if (errno !== 0) lost(`the process events socket failed (${errnoName(errno)}), so no more events will come`);
  };
  let handle: unknown;
  try {
    handle = native.open(
      options.receiveBufferBytes ?? EVENTS_RCVBUF,
      procEventsSubscribe('listen', subscribeTag),
      onBatch,
      options.startDelayMs ?? 0,
    );
  } catch (err) {
    const e = err as Error & { errno?: number };
    const why =
      e.errno === 1 || e.errno === 13
        ? 'listening to them needs root (CAP_NET_ADMIN)'
        : `the kernel refused the netlink connector socket (${e.message})`;
    throw refusedEvents(why);
  }
  const ackTimer = setTimeout(() => {
    if (!acked) lost('the kernel did not acknowledge the process events subscription, so no events will come');
  }, ACK_TIMEOUT_MS);
  ackTimer.unref();
  return {
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(ackTimer);
      native.close(handle, procEventsSubscribe('ignore'));
    },
  };
}
