// The real OS behind AppDeps.
import { existsSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { openProcRoot } from '../adapters/procfs.js';
import { withPlacement } from '../adapters/placement.js';
import { captureErrorSentence, openLive, openSynWatch } from '../adapters/live-capture.js';
import { interfaceExists, isEthernet, isLoopback, localAddresses, upInterfaces } from '../adapters/interfaces.js';
import { readCaptureFile } from '../adapters/capture-file.js';
import { readSocketTablesAsync } from '../adapters/socket-tables-async.js';
import { openProcEvents, openSockDiag } from '../adapters/netlink.js';
import { keepHeapNearLiveSet } from '../adapters/heap-limit.js';
import type { ProcEvent } from '../core/netlink/proc-events.js';
import { watchLinks } from '../adapters/link-watch.js';
import { readTunnelDevices } from '../adapters/tunnel-links.js';
import type { AppDeps, ProcEventHandlers } from './deps.js';
import { UserError } from './io.js';

/** A kernel process event as the engine takes it: processes only, on the packets' clock. */
export function deliverProcEvent(e: ProcEvent, h: Pick<ProcEventHandlers, 'born' | 'exited' | 'socket' | 'identity'>): void {
  if (e.kind === 'none' || e.kind === 'comm') return;
  // The kernel's own time of the event (CLOCK_MONOTONIC, as hrtime) on the wall clock packets
  // are stamped with: events may reach us milliseconds late under load.
  const atMs = Date.now() - (Number(process.hrtime.bigint()) / 1e6 - e.monoMs);
  // Threads (pid != tgid) are not processes: their forks and exits say nothing here.
  if (e.kind === 'fork' && e.childPid === e.childTgid) h.born(e.childTgid, e.parentTgid, false, atMs);
  else if (e.kind === 'exec' && e.pid === e.tgid) h.born(e.tgid, 0, true, atMs);
  else if (e.kind === 'exit' && e.pid === e.tgid) h.exited(e.tgid, atMs);
  else if (e.kind === 'socket')
    h.socket?.({
      pid: e.pid,
      inode: e.inode,
      netns: e.netns,
      proto: e.proto,
      atExec: e.atExec,
      atMs,
      goneAtMs: e.goneAfterMs === null ? null : atMs + e.goneAfterMs,
    });
  else if (e.kind === 'identity') h.identity?.(e.pid, e.identity, e.netns, atMs);
}

export function realDeps(procRoot: string): AppDeps {
  if (procRoot !== '/proc' && !existsSync(`${procRoot}/net`)) {
    throw new UserError(`--proc-root ${procRoot} has no net/ directory; give a procfs copy such as fixtures/proc/loopback-mix`);
  }
  return {
    proc: withPlacement(openProcRoot(procRoot)),
    upInterfaces,
    interfaceExists,
    isEthernet,
    isLoopback,
    localAddresses,
    readTablesAsync: (names) => readSocketTablesAsync(procRoot, names),
    openLive,
    openSynWatch,
    captureErrorSentence,
    keepHeapNearLiveSet,
    openSockDiag: procRoot === '/proc' ? openSockDiag : undefined,
    watchLinks: procRoot === '/proc' ? (changed) => watchLinks(() => changed()) : undefined,
    readTunnels: procRoot === '/proc' ? readTunnelDevices : undefined,
    // Only the live /proc has events to match: a procfs copy is replayed with polling.
    openProcEvents:
      procRoot === '/proc'
        ? (h) =>
            openProcEvents(
              (e) => deliverProcEvent(e, h),
              (reason) => h.lost(reason, !reason.includes('ENOBUFS')),
            )
        : undefined,
    readCaptureFile(path, onPacket) {
      try {
        readCaptureFile(path, onPacket);
      } catch (err) {
        // The reader's message is already a sentence naming the file; bwtop's own style is lower case.
        const m = (err as Error).message.replace(/\.$/, '');
        throw new UserError(m.charAt(0).toLowerCase() + m.slice(1), 1);
      }
    },
    now: () => Date.now(),
    timers: {
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    raisePriority() {
      try {
        // nice -10, as atop does for the same reason; a user can renice it back.
        setPriority(0, Math.min(getPriority(0), -10));
      } catch {
        // not root: the default priority
      }
    },
    warn: (line) => process.stderr.write(`${line}\n`),
    onStopSignal(handler) {
      const sigs = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      const fn = (s: NodeJS.Signals): void => handler(s);
      for (const s of sigs) process.on(s, fn);
      return () => {
        for (const s of sigs) process.off(s, fn);
      };
    },
    isRoot: process.getuid?.() === 0,
  };
}
