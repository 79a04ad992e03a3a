// A JSON text written straight into one reused byte buffer: no object per value and no multi-MB
// string per line (a string that large is born in V8's old generation and stays until a full
// collection; 10,000 connections make a 2-3 MB line every refresh). The output is what
// JSON.stringify writes for the same values: plain strings are copied as they are, any other
// string goes through JSON.stringify itself; integers are written digit by digit.

/** Printable ASCII without '"' and '\': the strings JSON.stringify leaves as they are. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * Takes the bytes written so far; true when it keeps them (a stream that could not send them yet),
 * so the writer must go on in a buffer of its own.
 */
export type JsonFlush = (bytes: Buffer) => boolean;

const CHUNK = 1 << 16;

export class JsonWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private len = 0;

  /**
   * With `flush`, what is written goes out in chunks of at most 64 KiB (besides single values
   * larger than that), so the buffer stays small whatever the line's length.
   */
  constructor(private readonly onFlush?: JsonFlush) {}

  reset(): void {
    this.len = 0;
  }

  /** Raw JSON syntax or a key: ASCII only, written as given. */
  raw(text: string): this {
    this.room(text.length);
    this.len += this.buf.write(text, this.len, 'latin1');
    return this;
  }

  str(value: string): this {
    if (PLAIN.test(value)) {
      this.room(value.length + 2);
      const b = this.buf;
      b[this.len++] = 0x22;
      this.len += b.write(value, this.len, 'latin1');
      b[this.len++] = 0x22;
      return this;
    }
    const quoted = JSON.stringify(value);
    this.room(3 * quoted.length);
    this.len += this.buf.write(quoted, this.len, 'utf8');
    return this;
  }

  strOrNull(value: string | null): this {
    return value === null ? this.raw('null') : this.str(value);
  }

  num(n: number): this {
    if (!Number.isSafeInteger(n)) return this.raw(JSON.stringify(n)); // fractions, NaN (null), 1e21
    this.room(17);
    const b = this.buf;
    if (n < 0) {
      b[this.len++] = 0x2d;
      n = -n;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let i = this.len + digits;
    this.len = i;
    do {
      b[--i] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    return this;
  }

  numOrNull(n: number | null): this {
    return n === null ? this.raw('null') : this.num(n);
  }

  bool(b: boolean): this {
    return this.raw(b ? 'true' : 'false');
  }

  /** The text so far (a view of the reused buffer: valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  text(): string {
    return this.buf.toString('utf8', 0, this.len);
  }

  /** Hands what is written to `onFlush` (see the constructor). */
  flush(): void {
    if (this.len === 0 || !this.onFlush) return;
    const kept = this.onFlush(this.bytes());
    this.buf = kept ? Buffer.allocUnsafe(CHUNK) : this.buf;
    this.len = 0;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    if (this.onFlush) {
      this.flush();
      if (n <= this.buf.length) return;
    }
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }
}
