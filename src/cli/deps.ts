// What the live modes take from the outside world, in one bundle (so tests drive the whole
// program with replayed packets, a fixture /proc, fake process events and a headless screen),
// and where their output goes.
import type { TunnelDevice } from '../core/netlink/tunnel-links.js';
import type { RawIdentity } from '../core/netlink/proc-events.js';
import type { SocketSighting } from '../core/engine/young-sockets.js';
import type { Snapshot } from '../core/model.js';
import type { ProcSource, SocketEntry } from '../core/proc/types.js';
import type { TableName } from '../core/engine/socket-index.js';
import type { LoopTimers } from '../core/engine/live-loop.js';
import type { LiveCapture } from '../adapters/live-capture.js';
import type { LiveOptions } from './args.js';
import type { SocketView } from '../core/export/socket-view.js';
import type { SocketNeed } from '../core/engine/table-plan.js';
import { UserError } from './io.js';

/** Where snapshots go: NDJSON lines, the screen, or the exporter. */
export interface Sink {
  update(s: Snapshot): void;
  /** The replayed capture has been read to its end (the screen says so). */
  ended?(): void;
  /** Resolves when the sink wants the program to stop (the user pressed q, the pipe closed). */
  readonly done?: Promise<void>;
  /** After a replay ends, wait for `done` (the screen stays up until q) instead of exiting. */
  readonly holdAfterReplay: boolean;
  /** Which processes need every socket they hold listed (default: all that have rows). */
  wantsSockets?(pid: number): boolean;
  /** How fresh the socket tables must be for this refresh (see table-plan.ts; default 'fresh'). */
  socketNeed?(): SocketNeed;
  /** Every namespace's sockets are listed with their holders (see TableSources.everyNamespace). */
  everyNamespace?(): boolean;
  close(): void;
  /** Live mode: called once, when the capture is open, with the engine's live socket tables. */
  attachTables?(view: SocketView): void;
}

/** Kernel process events, mapped to what the engine needs (threads already filtered out). */
export interface ProcEventHandlers {
  /** `atMs`: when the kernel says it happened, on the packets' clock. */
  born(pid: number, ppid: number, exec: boolean, atMs: number): void;
  exited(pid: number, atMs: number): void;
  /**
   * A young program was seen holding a new TCP or UDP socket, or was found without it (read by
   * the events' own thread right after the exec, src/native/young_sockets.c; young-sockets.ts).
   */
  socket?(s: SocketSighting): void;
  /** A young program's identity, read by the same reader when its first socket was seen. */
  identity?(pid: number, identity: RawIdentity, netns: number, atMs: number): void;
  /** Events were lost (a burst overflowed the socket), or, `fatal`, no more will come. */
  lost(reason: string, fatal: boolean): void;
}

export interface ProcEvents {
  close(): void;
}

export interface LinkWatch {
  close(): void;
}

/** What the live modes use of a netlink sock_diag socket. */
export interface SocketDiag {
  /** `states`: a bitmask of TCP states (1 << state); every state by default. */
  dump(tables: readonly TableName[], states?: number): Promise<SocketEntry[]>;
  /** Like dump, handing each row to `visit` in ONE reused object (optional: test doubles may lack it). */
  forEach?(tables: readonly TableName[], visit: (row: SocketEntry) => void): Promise<void>;
  lookup(table: TableName, localAddr: string, localPort: number, remoteAddr: string, remotePort: number): Promise<SocketEntry | null>;
  close(): void;
}

export interface AppDeps {
  proc: ProcSource;
  upInterfaces(): string[];
  interfaceExists(name: string): boolean;
  isEthernet(name: string): boolean;
  localAddresses(): { addresses: string[]; broadcasts: string[] };
  isLoopback(name: string): boolean;
  /** `bufferBytes`: the kernel's capture buffer (--buffer). */
  openLive(name: string, vlanCapable: boolean, onPacket: (cap: LiveCapture) => void, loopback?: boolean, bufferBytes?: number): LiveCapture;
  /** A capture of connection openings only, delivered at once; absent in tests and replays. */
  openSynWatch?(name: string, onPacket: (cap: LiveCapture) => void): LiveCapture;
  captureErrorSentence(name: string, err: unknown): string;
  /** The socket tables read off the main thread (live mode); without it they are read in place. */
  readTablesAsync?(names: readonly TableName[]): Promise<SocketEntry[]>;
  /** Socket tables over netlink (sock_diag); throws a one-sentence Error when refused. */
  openSockDiag?(): SocketDiag;
  /** A live capture runs for days: keep the JavaScript heap near what is live (heap-limit.ts). */
  keepHeapNearLiveSet?(): void;
  /** Calls `changed` when interfaces appear, go up or down, or vanish; throws when the kernel refuses. */
  watchLinks?(changed: () => void): LinkWatch;
  /** The VXLAN and WireGuard devices of bwtop's own namespace with their ports (never throws). */
  readTunnels?(): Promise<TunnelDevice[]>;
  /** Subscribe to kernel process events; throws a one-sentence Error when refused. */
  openProcEvents?(handlers: ProcEventHandlers): ProcEvents;
  readCaptureFile(path: string, onPacket: (buf: Buffer, caplen: number, tsMs: number, linkType: number) => void): void;
  /**
   * Replay: process events recorded with the capture, on the packets' clock. Called with each
   * packet's time (and each interval's end), it delivers in order every event not delivered yet
   * up to that time. Absent: none were recorded (the replay polls as before).
   */
  replayProcEvents?(untilMs: number, handlers: ProcEventHandlers): void;
  /** The clock and timers of the live schedule (node:test mock timers in tests). */
  timers: LoopTimers;
  now(): number;
  /**
   * Raise bwtop's own scheduling priority (root only; ignored elsewhere): on a busy host a
   * process that lives a few milliseconds must be read while it still holds its socket.
   */
  raisePriority?(): void;
  /** A one-line notice for stderr (before the screen starts). */
  warn?(line: string): void;
  /** Install handlers for SIGINT/SIGTERM/SIGHUP; returns the uninstaller. */
  onStopSignal(handler: (signal: string) => void): () => void;
  isRoot: boolean;
}

/** Resolves when the program should stop: a stop signal, or the sink is done. */
export interface StopRequest {
  readonly stopped: Promise<void>;
  stop(): void;
}

export function checkInterfaces(deps: AppDeps, options: LiveOptions): string[] {
  const names = options.interfaces.length > 0 ? [...new Set(options.interfaces)] : deps.upInterfaces();
  for (const n of names) {
    if (n !== 'any' && !deps.interfaceExists(n)) {
      throw new UserError(`cannot capture on ${n}: no such interface; list interfaces with "ip -br link" and pass one with -i`);
    }
  }
  if (names.length === 0) throw new UserError('no network interface is up; bring one up or name one with -i');
  return names;
}
