// --json: one line per refresh on stdout. A closed pipe (bwtop --json | head) ends the program
// quietly instead of with an EPIPE error. Each line is written into one reused buffer. Process
// stdout (a file, pipe, socket or terminal) hands a chunk to the kernel within write() unless the
// kernel cannot take it yet, which its writableLength then says: only then does the line stay with
// the stream and the next one go to a new buffer. Any other stream gets a copy of each line.
import type { Snapshot } from '../core/model.js';
import type { Sink } from './app.js';
import { writeSnapshot } from './json-output.js';
import { JsonWriter } from './json-writer.js';

export interface JsonSinkOptions {
  allConnections?: boolean;
  /** `out` is process.stdout (see above). */
  stdout?: boolean;
}

export function jsonSink(out: NodeJS.WritableStream & { writableLength?: number }, options: JsonSinkOptions = {}): Sink {
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
      if (!options.stdout) {
        out.write(Buffer.from(w.bytes()));
        return;
      }
      out.write(w.bytes());
      if (out.writableLength !== 0) w.detach();
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
