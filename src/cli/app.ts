// run(deps, options): the live modes over one bundle of OS inputs, so tests drive the whole
// program with replayed packets, a fixture /proc and a headless screen.
import type { Snapshot } from '../core/model.js';
import type { ProcSource, SocketEntry } from '../core/proc/types.js';
import type { TableName } from '../core/engine/socket-index.js';
import type { LiveCapture } from '../adapters/live-capture.js';
import type { LiveOptions } from './args.js';
import { runReplay } from './replay-driver.js';
import { runLive } from './live-driver.js';
import { UserError } from './io.js';
import type { SocketView } from '../core/export/socket-view.js';

/** Where snapshots go: NDJSON lines, the screen, or the exporter. */
export interface Sink {
  update(s: Snapshot): void;
  /** The replayed capture has been read to its end (the screen says so). */
  ended?(): void;
  /** Resolves when the sink wants the program to stop (the user pressed q, the pipe closed). */
  readonly done?: Promise<void>;
  /** After a replay ends, wait for `done` (the screen stays up until q) instead of exiting. */
  readonly holdAfterReplay: boolean;
  close(): void;
  /** Live mode: called once, when the capture is open, with the engine's live socket tables. */
  attachTables?(view: SocketView): void;
}

export interface AppDeps {
  proc: ProcSource;
  upInterfaces(): string[];
  interfaceExists(name: string): boolean;
  isEthernet(name: string): boolean;
  localAddresses(): { addresses: string[]; broadcasts: string[] };
  isLoopback(name: string): boolean;
  openLive(name: string, vlanCapable: boolean, onPacket: (cap: LiveCapture) => void, loopback?: boolean): LiveCapture;
  captureErrorSentence(name: string, err: unknown): string;
  /** The socket tables read off the main thread (live mode); without it they are read in place. */
  readTablesAsync?(names: readonly TableName[]): Promise<SocketEntry[]>;
  readCaptureFile(path: string, onPacket: (buf: Buffer, caplen: number, tsMs: number, linkType: number) => void): void;
  now(): number;
  /** Install handlers for SIGINT/SIGTERM/SIGHUP; returns the uninstaller. */
  onStopSignal(handler: (signal: string) => void): () => void;
  isRoot: boolean;
}

/** Resolves when the program should stop: a stop signal, or the sink is done. */
export interface StopRequest {
  readonly stopped: Promise<void>;
  stop(): void;
}

export async function run(deps: AppDeps, options: LiveOptions, sink: Sink): Promise<number> {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const uninstall = deps.onStopSignal(() => stop());
  void sink.done?.then(() => stop());
  const req: StopRequest = { stopped, stop };
  try {
    if (options.replay !== null) return await runReplay(deps, options, sink, req);
    return await runLive(deps, options, sink, req);
  } finally {
    uninstall();
    sink.close();
  }
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
