// What the exporter's engine thread and its HTTP thread (export-http-thread.ts) tell each other.
import type { ConnectionRows } from '../core/export/connection-rows.js';
import type { Reply } from './http-server.js';

/** What the HTTP thread is started with. */
export interface HttpThreadStart {
  host: string;
  port: number;
  /** Serve /connections (else it is 404 like any other path). */
  connections: boolean;
}

/** From the engine's thread. */
export type ToHttpThread =
  /** Rows as of the last read of the tables; the next come after the next refresh. */
  | { kind: 'rows'; rows: ConnectionRows }
  /** No tables to answer from: not read yet (503), or none at all (a replay: 404). */
  | { kind: 'unavailable'; reply: Reply }
  /** No rows follow until asked again (nobody asked for ROWS_QUIET_MS). */
  | { kind: 'paused' }
  | { kind: 'metrics'; id: number; reply: Reply }
  | { kind: 'close' };

/** From the HTTP thread. */
export type FromHttpThread =
  | { kind: 'listening'; address: string }
  | { kind: 'failed'; message: string }
  /** Someone asked for /connections: send rows now if none are coming, and keep them coming. */
  | { kind: 'want' }
  | { kind: 'metrics'; id: number };

/**
 * Rows are written after each refresh only while /connections is asked for: a quarter of an
 * hour after the last request they stop (an exporter nobody asks spends nothing on them), and
 * the first request after that waits for rows written at once.
 */
export const ROWS_QUIET_MS = 15 * 60_000;
/** While rows come, the HTTP thread says it is still asked at most this often (< ROWS_QUIET_MS). */
export const WANT_EVERY_MS = 60_000;
