// The real OS behind AppDeps.
import { ProcFs } from '../adapters/procfs.js';
import { captureErrorSentence, openLive } from '../adapters/live-capture.js';
import { interfaceExists, isEthernet, localAddresses, upInterfaces } from '../adapters/interfaces.js';
import { readCaptureFile } from '../adapters/capture-file.js';
import type { AppDeps } from './app.js';
import { UserError } from './io.js';

export function realDeps(procRoot: string): AppDeps {
  return {
    proc: new ProcFs(procRoot),
    upInterfaces,
    interfaceExists,
    isEthernet,
    localAddresses,
    openLive,
    captureErrorSentence,
    readCaptureFile(path, onPacket) {
      try {
        readCaptureFile(path, onPacket);
      } catch (err) {
        throw new UserError(`cannot replay ${path}: ${(err as Error).message}`, 1);
      }
    },
    now: () => Date.now(),
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
