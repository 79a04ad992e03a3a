// Reads a pcap/pcapng file through the `pcap` package's native binding directly, skipping its
// per-packet JS objects: libpcap copies each record into one reused Buffer and calls back, and we
// hand (buffer, caplen, timestamp, link type) to the caller synchronously. libpcap reads the file
// record by record, so a large capture is never held in memory.

import { statSync } from 'node:fs';
import { linkTypeFromPcapName } from '../core/decode/link-types.js';
import { pcapBinding, type NativeSession } from './pcap-binding.js';

/** Called per packet with the reused buffer (valid only during the call). Return false to stop. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler may return nothing (void) or false to stop
export type CapturedPacketHandler = (buf: Buffer, caplen: number, tsMs: number, linkType: number) => void | boolean;

export interface CaptureFileOptions {
  /** Bytes of each packet to copy out; longer packets are cut (their caplen says so). Default 65536. */
  snapLen?: number;
}

export interface CaptureReadResult {
  /** Packets delivered to the handler. */
  packets: number;
  /** True when the handler returned false before the end of the file. */
  stopped: boolean;
}

/** An opened capture file: its link type is known before any packet is read. */
export class CaptureFile {
  /** LINK_* number of the file's frames. */
  readonly linkType: number;
  /** The binding's text for it, e.g. "LINKTYPE_ETHERNET" or "Unknown linktype 276". */
  readonly linkTypeName: string;
  private readonly session: NativeSession;
  private readonly buf: Buffer;
  private readonly header = Buffer.alloc(16);
  private handler: CapturedPacketHandler | undefined;
  private delivered = 0;
  private stopped = false;
  private failure: unknown;
  private closed = false;

  constructor(
    readonly path: string,
    options: CaptureFileOptions = {},
  ) {
    checkReadable(path);
    this.session = new (pcapBinding().PcapSession)();
    this.buf = Buffer.alloc(options.snapLen ?? 65536);
    try {
      this.linkTypeName = this.session.open_offline(path, '', 0, this.buf.length, '', this.onReady, false, 0, ignore, false);
    } catch (err) {
      throw new Error(`Cannot read capture file ${path}: ${reason(err)}; it must be a pcap or pcapng file such as tcpdump -w writes.`);
    }
    this.linkType = linkTypeFromPcapName(this.linkTypeName);
    if (this.linkType < 0) {
      this.close();
      throw new Error(
        `Cannot decode capture file ${path}: its link layer (${this.linkTypeName}) is not Ethernet, Linux cooked, ` +
          `raw IP or BSD loopback; record it on such an interface (tcpdump -i any works everywhere).`,
      );
    }
  }

  /** Reads every remaining packet synchronously, then closes the file. */
  read(onPacket: CapturedPacketHandler): CaptureReadResult {
    if (this.closed) throw new Error(`Capture file ${this.path} was already read; open it again to read it once more.`);
    this.handler = onPacket;
    // The binding loops inside dispatch() until libpcap returns <= 0: 0 at the end of the file,
    // -1 on a read error, -2 after close() (handler stopped or failed). Loop anyway in case a
    // binding version returns after a batch.
    let status: number;
    do status = this.session.dispatch(this.buf, this.header);
    while (status > 0);
    this.handler = undefined;
    if (status === -2) this.closed = true; // the handler stopped or failed: the binding freed the handle
    this.close();
    if (this.failure !== undefined) throw this.failure;
    if (status === -1) {
      throw new Error(
        `Capture file ${this.path} is truncated or corrupt after ${this.delivered} packets; ` +
          `the packets before that point were read, record the capture again for the rest.`,
      );
    }
    return { packets: this.delivered, stopped: this.stopped };
  }

  /** Releases the file; safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // close() only sets libpcap's break flag; the next dispatch sees it and frees the handle.
    this.session.close();
    this.session.dispatch(this.buf, this.header);
  }

  // An arrow property so the binding can call it without a bound copy per packet.
  private readonly onReady = (): void => {
    const handler = this.handler;
    if (handler === undefined || this.stopped || this.failure !== undefined) return;
    const h = this.header;
    const tsMs = h.readUInt32LE(0) * 1000 + h.readUInt32LE(4) / 1000;
    const caplen = Math.min(h.readUInt32LE(8), this.buf.length);
    this.delivered++;
    try {
      if (handler(this.buf, caplen, tsMs, this.linkType) === false) {
        this.stopped = true;
        this.session.close();
      }
    } catch (err) {
      // An exception thrown back into the native callback would be fatal to the process: keep it
      // and rethrow once dispatch() has returned.
      this.failure = err;
      this.session.close();
    }
  };
}

/** Opens a capture file (throws an Error with a one-sentence message when it cannot). */
export function openCaptureFile(path: string, options?: CaptureFileOptions): CaptureFile {
  return new CaptureFile(path, options);
}

/** Reads a whole capture file, calling onPacket for each packet in order. */
export function readCaptureFile(path: string, onPacket: CapturedPacketHandler, options?: CaptureFileOptions): CaptureReadResult {
  return new CaptureFile(path, options).read(onPacket);
}

function checkReadable(path: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : reason(err);
    throw new Error(`Cannot read capture file ${path}: ${why}; give the path of a readable .pcap or .pcapng file.`);
  }
  if (isDir) throw new Error(`Cannot read capture file ${path}: it is a directory; give the path of a .pcap or .pcapng file.`);
}

function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/[.\s]+$/, '').replace(/;/g, ',');
}

function ignore(): void {}
