// Each listed socket's JSON text, kept between answers of /connections: a socket whose row,
// holders and holders' details are the same as at its last answer is not written again, so
// building an answer of 10,000 sockets is mostly copying kept bytes. The text is exactly what
// `connections --json` writes for the socket (json.ts), in latin1 (it is pure ASCII).
import { jsonProcess, jsonRowEnd, jsonSocketHead } from '../connections/json.js';
import { socketContainer, type SocketNamespace } from '../connections/namespaces.js';
import type { ProcessInfo, SocketEntry } from '../proc/types.js';

interface Kept {
  state: string;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  netns: number | null;
  holders: readonly number[];
  /** The holders' objects the text was written with (same strings while their details are). */
  procs: readonly (string | null)[];
  container: string | null;
  text: Buffer;
}

/** Sockets kept beyond those of the last answers are dropped (all of them) past this. */
const KEPT_MAX = 262_144;
const NO_PROCS: readonly (string | null)[] = [];

export class RowTexts {
  private readonly kept = new Map<number, Kept>();
  /** pid -> the details its object was written from, and the object's text (null: gone). */
  private readonly procs = new Map<number, { info: ProcessInfo | null; text: string | null }>();
  /** Rows written (not kept) since made, for tests. */
  written = 0;

  constructor(
    private readonly lookup: (pid: number) => ProcessInfo | null,
    private readonly containerOf: (pid: number) => string | null,
  ) {}

  /** A holder's object text; the same string while the details it was written from are. */
  private proc(pid: number): string | null {
    const info = this.lookup(pid);
    const p = this.procs.get(pid);
    if (p !== undefined && p.info === info) return p.text;
    const text = info === null ? null : jsonProcess(info);
    // Details read again but unchanged keep the old string: rows written with it stay valid.
    const same = p !== undefined && p.text === text;
    if (this.procs.size >= KEPT_MAX) this.procs.clear();
    this.procs.set(pid, { info, text: same ? p.text : text });
    return same ? p.text : text;
  }

  /** The socket's JSON object, from the kept text when nothing it shows has changed. */
  text(e: SocketEntry, holders: readonly number[], ns: SocketNamespace): Buffer {
    const procs = holders.length === 0 ? NO_PROCS : holders.map((pid) => this.proc(pid));
    const container = socketContainer(holders, this.containerOf, ns);
    const k = e.inode === 0 ? undefined : this.kept.get(e.inode);
    if (
      k !== undefined &&
      k.state === e.state &&
      k.localPort === e.localPort &&
      k.remotePort === e.remotePort &&
      k.localAddr === e.localAddr &&
      k.remoteAddr === e.remoteAddr &&
      k.netns === ns.inode &&
      k.container === container &&
      same(k.holders, holders) &&
      same(k.procs, procs)
    ) {
      return k.text;
    }
    let body = '';
    for (const p of procs) if (p !== null) body += body === '' ? p : ',' + p;
    const text = Buffer.from(jsonSocketHead(e) + body + jsonRowEnd(ns.inode, container), 'latin1');
    this.written++;
    if (e.inode !== 0) {
      if (this.kept.size >= KEPT_MAX) this.kept.clear();
      const { state, localAddr, localPort, remoteAddr, remotePort } = e;
      this.kept.set(e.inode, {
        state,
        localAddr,
        localPort,
        remoteAddr,
        remotePort,
        netns: ns.inode,
        holders,
        procs,
        container,
        text,
      });
    }
    return text;
  }

  /** Forget sockets not among `live` (those of the last answer), so the map stays bounded. */
  retain(live: (inode: number) => boolean): void {
    for (const ino of this.kept.keys()) if (!live(ino)) this.kept.delete(ino);
  }
}

function same<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
