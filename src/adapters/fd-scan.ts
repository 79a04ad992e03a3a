// Every process's socket descriptors read by the native addon in one call (src/native/fd_scan.c):
// for the one-shot `bwtop connections`, where 10,000 readlinks from JavaScript cost most of the
// time that is not Node's start. Null when the addon is not built (the caller reads them one by one).
import { createRequire } from 'node:module';

const ADDON_PATH = '../../../src/native/build/Release/proc_connector.node';

/** (root, pids) -> for each pid its socket count (-1: unreadable), then its inodes. */
export type FdSockets = (root: string, pids: Int32Array) => Float64Array;

/** The processes of a procfs directory (readdir order) and `FdSockets`' list for them. */
export interface FdScanResult {
  pids: Int32Array;
  sockets: Float64Array;
}

/** The addon's functions this module and src/adapters/sock-dump.ts use. */
export interface ScanAddon {
  fdSockets: FdSockets;
  fdScanStart(root: string): object;
  /** Null when the directory cannot be listed. */
  fdScanFinish(scan: object): FdScanResult | null;
  sockDiagDump(family: number, protocol: number, states: number, seq: number, nsPath?: string, nsInode?: number): Buffer;
  renderRows(scan: object, replies: Buffer[], keep: Uint32Array): { sets: Int32Array; rows: object };
  writeRows(
    rows: object,
    replies: Buffer[],
    protos: string[],
    names: string[],
    tails: Array<Buffer | null>,
  ): { text: Buffer; count: number };
}

let addon: ScanAddon | null | undefined;

/** The native addon, or null when it is not built. */
export function scanAddon(): ScanAddon | null {
  if (addon === undefined) {
    try {
      addon = createRequire(import.meta.url)(ADDON_PATH) as ScanAddon;
    } catch {
      addon = null;
    }
  }
  return addon;
}

export function nativeFdSockets(): FdSockets | null {
  return scanAddon()?.fdSockets ?? null;
}

/** A scan of every process running on its own thread; `finish` waits for it. */
export interface FdScan {
  root: string;
  /** The addon's handle of the scan (src/adapters/native-rows.ts joins sockets to it). */
  handle: object;
  finish(): FdScanResult | null;
}

/**
 * The scan started and not yet taken is kept on the addon's exports: the entry and the bundled
 * command (package.json's build) each have a copy of this module, but load the addon once.
 */
type WithStarted = ScanAddon & { started?: FdScan | null };

/**
 * Starts listing and scanning the processes of `root` on a thread of its own (null without the
 * addon). The command's entry starts it before loading the command's modules; the command then
 * takes it with `takeFdScan`.
 */
export function startFdScan(root: string): FdScan | null {
  const a = scanAddon() as WithStarted | null;
  if (a === null || typeof a.fdScanStart !== 'function') return null; // an addon built before it had one
  const handle = a.fdScanStart(root);
  a.started = { root, handle, finish: () => a.fdScanFinish(handle) };
  return a.started;
}

/** The scan started for `root` and not yet taken, else a new one (null without the addon). */
export function takeFdScan(root: string): FdScan | null {
  const a = scanAddon() as WithStarted | null;
  if (a === null) return null;
  const s = a.started ?? null;
  a.started = null;
  if (s !== null && s.root === root) return s;
  const fresh = startFdScan(root);
  a.started = null;
  return fresh;
}
