// Everything /connections can list, written once per refresh on the engine's thread and handed
// to the thread that serves HTTP (connections-page.ts answers from it there): every namespace's
// rows as their JSON texts back to back, with what the query parameters select by (table,
// state, namespace, holders) in typed arrays, so the whole of it moves between threads as a few
// buffers instead of an object per socket.
import { ALL_TABLES } from '../engine/socket-index.js';
import { SOCKET_TABLES } from '../proc/types.js';
import { RowTexts } from './row-texts.js';
import type { SocketView, ViewSpace } from './socket-view.js';

/** A namespace the rows list, and when its tables were read (the view's clock; 0: unknown). */
export interface AnswerSpace {
  inode: number | null;
  readMs: number;
}

export interface ConnectionRows {
  /**
   * Each row's JSON text (as `connections --json` writes it) after ",\n", back to back in
   * listing order: consecutive rows of an answer are one piece of it, written as they are.
   */
  texts: Uint8Array;
  /** Where row i (its ",\n" and text) ends in `texts` (it starts where row i-1's ends). */
  ends: Uint32Array;
  /** Row i's table: its index in SOCKET_TABLES. */
  tables: Uint8Array;
  /** Row i's state: its index in `states`. */
  stateOf: Uint8Array;
  states: string[];
  /** Row i's namespace: its index in `spaces` (0: the exporter's own). */
  spaceOf: Uint32Array;
  spaces: AnswerSpace[];
  /** Row i's holders (ascending) are holders[holderEnds[i-1] .. holderEnds[i]). */
  holderEnds: Uint32Array;
  holders: Int32Array;
}

/** The buffers of `rows`, for a transfer list: moved to the other thread, not copied. */
export function rowBuffers(rows: ConnectionRows): ArrayBuffer[] {
  return [rows.texts, rows.ends, rows.tables, rows.stateOf, rows.spaceOf, rows.holderEnds, rows.holders].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/** What comes before each row in `texts` (the first row of an answer goes without it). */
export const BETWEEN = Buffer.from(',\n');
const TABLE_INDEX = new Map(SOCKET_TABLES.map((t, i) => [t.name, i]));

/** Writes the rows of a view, keeping each socket's text between writes (row-texts.ts). */
export class RowsWriter {
  private readonly texts: RowTexts;
  private generations = '';

  constructor(private readonly view: SocketView) {
    this.texts = new RowTexts(
      (pid) => view.process(pid),
      (pid) => view.containerOf(pid),
    );
  }

  /** Rows written, not kept, since made (for tests). */
  get written(): number {
    return this.texts.written;
  }

  /** Every namespace's rows as last read, the exporter's own first; in each, tcp, tcp6, udp, udp6. */
  write(): ConnectionRows {
    const spaces = this.view.spaces(true);
    this.forgetGone(spaces);
    let n = 0;
    for (const s of spaces) for (const t of ALL_TABLES) n += s.rows(t).length;
    const ends = new Uint32Array(n);
    const tables = new Uint8Array(n);
    const stateOf = new Uint8Array(n);
    const spaceOf = new Uint32Array(n);
    const holderEnds = new Uint32Array(n);
    const parts: Buffer[] = [];
    const holders: number[] = [];
    const states: string[] = [];
    const stateIndex = new Map<string, number>();
    let i = 0;
    let length = 0;
    spaces.forEach((space, si) => {
      for (const t of ALL_TABLES) {
        for (const e of space.rows(t)) {
          const hs = this.view.holders(e.inode);
          const text = this.texts.text(e, hs, space.ns);
          parts.push(text);
          length += text.length + BETWEEN.length;
          ends[i] = length;
          tables[i] = TABLE_INDEX.get(t)!;
          let st = stateIndex.get(e.state);
          if (st === undefined) {
            st = states.push(e.state) - 1;
            stateIndex.set(e.state, st);
          }
          stateOf[i] = st;
          spaceOf[i] = si;
          for (const pid of hs) holders.push(pid);
          holderEnds[i] = holders.length;
          i++;
        }
      }
    });
    // Its own buffer (never a slice of Node's shared pool): it is moved to the serving thread.
    const texts = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      texts.set(BETWEEN, at);
      texts.set(p, at + BETWEEN.length);
      at += BETWEEN.length + p.length;
    }
    return {
      texts,
      ends,
      tables,
      stateOf,
      states,
      spaceOf,
      spaces: spaces.map((s) => ({ inode: s.ns.inode, readMs: s.readMs })),
      holderEnds,
      holders: Int32Array.from(holders),
    };
  }

  /** After a read of the tables: the kept texts of sockets no longer in any are dropped. */
  private forgetGone(spaces: readonly ViewSpace[]): void {
    const generations = spaces.map((s) => `${s.ns.inode}:${s.generation}`).join(' ');
    if (generations === this.generations) return;
    this.generations = generations;
    const live = new Set<number>();
    for (const s of spaces) for (const t of ALL_TABLES) for (const e of s.rows(t)) live.add(e.inode);
    this.texts.retain((ino) => live.has(ino));
  }
}
