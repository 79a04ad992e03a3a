// `connections --json`: the contract's array, one element per line so it also greps well.
// Written straight into one Buffer, row by row: at tens of thousands of sockets this is several
// times faster than building objects for JSON.stringify or joining a large array of strings.
// Every string is escaped to pure ASCII (\uXXXX beyond it), so each line can be written as latin1.
import { formatEndpoint } from '../proc/address.js';
import type { ProcessInfo, SocketEntry } from '../proc/types.js';
import type { ListingSink } from './listing.js';
import { socketContainer, type SocketNamespace } from './namespaces.js';

/** JSON string literal in ASCII: controls, DEL, C1 and everything non-ASCII as \uXXXX. */
export function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Buffer#latin1Write is the encoding-specific writer Buffer#write dispatches to; calling it
// directly skips the dispatch, which shows at 10^4 rows. Fall back if a runtime lacks it.
type Latin1Writable = Buffer & { latin1Write(text: string, offset: number): number };
const writeLatin1: (buf: Latin1Writable, text: string, at: number) => number =
  typeof (Buffer.prototype as Partial<Latin1Writable>).latin1Write === 'function'
    ? (buf, text, at) => buf.latin1Write(text, at)
    : (buf, text, at) => buf.write(text, at, 'latin1');

/** Output goes into chunks of this size; a full chunk is kept as is (no copying to grow). */
const CHUNK = 1 << 20;

/** Latin1 text and raw bytes appended into a list of large chunks, never copied to grow. */
class ByteWriter {
  readonly done: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK) as Latin1Writable;
  used = 0;

  private room(n: number): Latin1Writable {
    if (this.used + n > this.buf.length) {
      this.done.push(this.buf.subarray(0, this.used));
      this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n)) as Latin1Writable;
      this.used = 0;
    }
    return this.buf;
  }

  text(t: string): void {
    const buf = this.room(t.length); // may start a new chunk: `used` is read after
    this.used += writeLatin1(buf, t, this.used);
  }

  /** Bytes [start, end) of `src`. */
  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const buf = this.room(end - start);
    // TypedArray#set is one builtin; Buffer#copy runs several JavaScript checks per call.
    buf.set(start === 0 && end === src.length ? src : src.subarray(start, end), this.used);
    this.used += end - start;
  }

  /** All of `src`, kept as it is (a chunk of its own) when it is large. */
  whole(src: Buffer): void {
    if (src.length < CHUNK >> 4) {
      this.bytes(src);
      return;
    }
    this.done.push(this.buf.subarray(0, this.used), src);
    this.buf = this.buf.subarray(this.used) as Latin1Writable; // the rest of the chunk goes on
    this.used = 0;
  }

  finish(): Buffer[] {
    this.done.push(this.buf.subarray(0, this.used));
    return this.done;
  }
}

/** One socket's JSON object up to the opening of its processes array. */
export function jsonSocketHead(row: SocketEntry): string {
  return (
    '{"proto":"' +
    row.proto +
    '","family":' +
    row.family +
    ',"local":"' +
    formatEndpoint(row.localAddr, row.localPort) +
    '","remote":"' +
    formatEndpoint(row.remoteAddr, row.remotePort) +
    '","state":"' +
    row.state +
    '","inode":' +
    row.inode +
    ',"uid":' +
    row.uid +
    ',"processes":['
  );
}

/** The end of a socket's object: closes its processes, then its namespace and container. */
export function jsonRowEnd(netns: number | null, container: string | null): string {
  return '],"netns":' + netns + ',"container":' + (container === null ? 'null' : jsonString(container)) + '}';
}

/** A holder's object in a socket's processes array. */
export function jsonProcess(p: ProcessInfo): string {
  return (
    '{"pid":' +
    p.pid +
    ',"name":' +
    jsonString(p.name) +
    ',"user":' +
    jsonString(p.user) +
    ',"uid":' +
    p.uid +
    ',"cmdline":' +
    jsonString(p.cmdline) +
    '}'
  );
}

export class JsonListing implements ListingSink {
  private readonly out = new ByteWriter();
  private count = 0;
  /** pid -> its JSON object text, or null when the process is gone. */
  private readonly fragments = new Map<number, string | null>();

  private ns: SocketNamespace = { inode: null, container: null, foreign: false };
  /** Row endings of the current namespace by container ('' for null): one per name, not per row. */
  private ends = new Map<string, string>();
  /**
   * Everything after a row's `"processes":[` for a single holder (most sockets), by pid, in the
   * current namespace: a process holding thousands of sockets costs one lookup per row.
   */
  private tails = new Map<number, Buffer>();

  constructor(
    private readonly lookup: (pid: number) => ProcessInfo | null,
    private readonly containerOf: (pid: number) => string | null = () => null,
  ) {}

  namespace(ns: SocketNamespace): void {
    this.ns = ns;
    this.ends = new Map();
    this.tails = new Map();
  }

  private rowEnd(holders: readonly number[]): string {
    const c = socketContainer(holders, this.containerOf, this.ns);
    let end = this.ends.get(c ?? '');
    if (end === undefined) {
      end = jsonRowEnd(this.ns.inode, c);
      this.ends.set(c ?? '', end);
    }
    return end;
  }

  private fragment(pid: number): string | null {
    let f = this.fragments.get(pid);
    if (f === undefined) {
      const p = this.lookup(pid);
      f = p === null ? null : jsonProcess(p);
      this.fragments.set(pid, f);
    }
    return f;
  }

  /** The processes of a row, then the rest of its object. */
  private tail(holders: readonly number[]): string {
    let text = '';
    for (const pid of holders) {
      const f = this.fragment(pid);
      if (f === null) continue;
      text += text === '' ? f : ',' + f;
    }
    return text + this.rowEnd(holders);
  }

  /**
   * Everything after a row's `"processes":[` for these holders in the current namespace, as
   * latin1 bytes (kept per pid for a single holder).
   */
  tailBytes(holders: readonly number[]): Buffer {
    if (holders.length !== 1) return Buffer.from(this.tail(holders), 'latin1');
    const pid = holders[0]!;
    let t = this.tails.get(pid);
    if (t === undefined) {
      t = Buffer.from(this.tail(holders), 'latin1');
      this.tails.set(pid, t);
    }
    return t;
  }

  /** `count` rows already written (src/native/render_rows.c), joined by ",\n". */
  addRendered(text: Buffer, count: number): void {
    if (count === 0) return;
    this.out.text(this.count === 0 ? '[\n' : ',\n');
    this.count += count;
    this.out.whole(text);
  }

  add(row: SocketEntry, holders: readonly number[]): void {
    this.out.text((this.count++ === 0 ? '[\n' : ',\n') + jsonSocketHead(row));
    if (holders.length !== 1) this.out.text(this.tail(holders));
    else this.out.bytes(this.tailBytes(holders));
  }

  /** The whole document, in order. */
  finish(): Buffer[] {
    this.out.text(this.count === 0 ? '[]\n' : '\n]\n');
    return this.out.finish();
  }
}
