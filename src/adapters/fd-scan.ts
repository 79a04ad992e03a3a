// Every process's socket descriptors read by the native addon in one call (src/native/fd_scan.c):
// for the one-shot `bwtop connections`, where 10,000 readlinks from JavaScript cost most of the
// time that is not Node's start. Null when the addon is not built (the caller reads them one by one).
import { createRequire } from 'node:module';

const ADDON_PATH = '../../../src/native/build/Release/proc_connector.node';

/** (root, pids) -> for each pid its socket count (-1: unreadable), then its inodes. */
export type FdSockets = (root: string, pids: Int32Array) => Float64Array;

export function nativeFdSockets(): FdSockets | null {
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as { fdSockets?: FdSockets };
    return addon.fdSockets ?? null;
  } catch {
    return null;
  }
}
