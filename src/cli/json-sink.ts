// --json: one line per refresh on stdout. A closed pipe (bwtop --json | head) ends the program
// quietly instead of with an EPIPE error. Each line is written into one reused buffer and handed
// to the stream as a copy of its bytes (memory outside the JavaScript heap, freed with the chunk):
// a stream may keep a chunk after write() returns.
import type { Snapshot } from '../core/model.js';
import type { Sink } from './app.js';
import { writeSnapshot } from './json-output.js';
import { JsonWriter } from './json-writer.js';

export function jsonSink(out: NodeJS.WritableStream, options: { allConnections?: boolean } = {}): Sink {
  const all = options.allConnections === true;
  const w = new JsonWriter();
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
      if (!open) return;
      w.reset();
      writeSnapshot(w, s, all);
      w.raw('\n');
      out.write(Buffer.from(w.bytes()));
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
