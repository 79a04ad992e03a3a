// The engine's side of the exporter's HTTP thread (src/adapters/export-http-thread.ts): starts
// it, answers its /metrics requests, and hands it the /connections rows after each refresh
// while someone asks for them.
import { Worker } from 'node:worker_threads';
import type { Reply } from '../adapters/http-server.js';
import { ROWS_QUIET_MS, type FromHttpThread, type HttpThreadStart, type ToHttpThread } from '../adapters/export-thread-messages.js';
import { rowBuffers, type ConnectionRows } from '../core/export/connection-rows.js';

export interface ExportServerHooks {
  metrics(): Promise<Reply>;
  /** The /connections rows as of the last refresh, or the reply when there are no tables. */
  rows(): ConnectionRows | Reply;
  now(): number;
}

export interface ExportServer {
  readonly address: string;
  /** After each refresh: new rows go to the HTTP thread if /connections is being asked for. */
  refreshed(): void;
  /** Resolves with a sentence if the HTTP thread stops by itself (it should never). */
  readonly broken: Promise<string>;
  close(): Promise<void>;
}

/** Starts the HTTP thread and waits until it listens; rejects with listenErrorSentence's sentence. */
export function startExportServer(start: HttpThreadStart, hooks: ExportServerHooks): Promise<ExportServer> {
  const thread = new Worker(new URL('../adapters/export-http-thread.js', import.meta.url), { workerData: start });
  const tell = (m: ToHttpThread, transfer: ArrayBuffer[] = []): void => thread.postMessage(m, transfer);
  let sending = false;
  let wantedMs = -Infinity;
  let closing = false;
  const send = (): void => {
    const r = hooks.rows();
    if ('texts' in r) {
      tell({ kind: 'rows', rows: r }, rowBuffers(r));
    } else {
      sending = false; // asked again by the next request
      tell({ kind: 'unavailable', reply: r });
    }
  };
  const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
  let brokenWith: (why: string) => void = () => {};
  const broken = new Promise<string>((resolve) => (brokenWith = resolve));
  thread.on('error', (err) => brokenWith(`the HTTP server stopped: ${err.message}`));
  void exited.then(() => {
    if (!closing) brokenWith('the HTTP server stopped');
  });

  return new Promise<ExportServer>((resolve, reject) => {
    thread.on('message', (m: FromHttpThread) => {
      switch (m.kind) {
        case 'listening':
          resolve({
            address: m.address,
            refreshed() {
              if (!sending) return;
              if (hooks.now() - wantedMs > ROWS_QUIET_MS) {
                sending = false;
                tell({ kind: 'paused' });
              } else send();
            },
            broken,
            async close() {
              closing = true;
              tell({ kind: 'close' });
              await exited;
            },
          });
          return;
        case 'failed':
          closing = true;
          reject(new Error(m.message));
          return;
        case 'want':
          wantedMs = hooks.now();
          if (!sending) {
            sending = true;
            send();
          }
          return;
        case 'metrics':
          hooks.metrics().then(
            (reply) => tell({ kind: 'metrics', id: m.id, reply }),
            (err: Error) =>
              tell({
                kind: 'metrics',
                id: m.id,
                reply: { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `internal error: ${err.message}\n` },
              }),
          );
          return;
      }
    });
    void exited.then(() => reject(new Error('the HTTP server stopped before listening')));
  });
}
