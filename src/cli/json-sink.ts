// --json: one line per refresh on stdout. A closed pipe (bwtop --json | head) ends the program
// quietly instead of with an EPIPE error.
import type { Snapshot } from '../core/model.js';
import type { Sink } from './app.js';
import { snapshotJson, snapshotJsonAllConnections } from './json-output.js';

export function jsonSink(out: NodeJS.WritableStream, options: { allConnections?: boolean } = {}): Sink {
  const format = options.allConnections ? snapshotJsonAllConnections : snapshotJson;
  let pipeClosed: () => void = () => {};
  const done = new Promise<void>((resolve) => (pipeClosed = resolve));
  let open = true;
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    open = false;
    pipeClosed();
  });
  return {
    update(s: Snapshot) {
      if (open) out.write(format(s) + '\n');
    },
    done,
    // Idle sockets are printed only with --all-connections: the engine need not list them otherwise.
    wantsSockets: () => options.allConnections === true,
    // Every socket on every line with --all-connections; otherwise only the flows' own.
    socketNeed: () => (options.allConnections ? 'fresh' : 'none'),
    holdAfterReplay: false,
    close() {},
  };
}
