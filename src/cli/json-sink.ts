// --json: one line per refresh on stdout. A closed pipe (bwtop --json | head) ends the program
// quietly instead of with an EPIPE error. Each line is written in chunks of at most 64 KiB from
// one reused buffer (a line with 10,000 connections is megabytes). Process stdout (a file, pipe,
// socket or terminal) hands a chunk to the kernel within write() unless the kernel cannot take it
// yet, which its writableLength then says: only then does the chunk stay with the stream and the
// writer go on in a new buffer. Any other stream gets a copy of each chunk.
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
  let pipeClosed: () => void = () => {};
  const done = new Promise<void>((resolve) => (pipeClosed = resolve));
  let open = true;
  const w = new JsonWriter((chunk) => {
    if (!open) return false;
    if (!options.stdout) {
      out.write(Buffer.from(chunk));
      return false;
    }
    out.write(chunk);
    return out.writableLength !== 0;
  });
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
      w.flush();
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
