// The live captures, one per interface (with its connection-opening watcher), kept in step with the
// host: an interface that is deleted or goes down has its capture closed and is reported as lost
// (the others go on); one that appears or comes back up is captured without a restart — any that
// is up when capturing the default set, only the named ones with -i.
import { PacketDecoder } from '../core/decode/decoder.js';
import { linkTypeFromPcapName } from '../core/decode/link-types.js';
import type { Engine } from '../core/engine/engine.js';
import type { LiveLoop } from '../core/engine/live-loop.js';
import { DECODED_PORTS } from '../core/packet.js';
import type { LiveCapture } from '../adapters/live-capture.js';
import type { AppDeps } from './deps.js';
import { UserError } from './io.js';

export class CaptureSet {
  /** Open captures by interface: the main one first, then its watcher if any. */
  private readonly open = new Map<string, LiveCapture[]>();
  private readonly decoder = new PacketDecoder();
  private readonly synDecoder = new PacketDecoder();
  private readonly linkTypes: number[] = [];
  /** Drops of captures closed since start, so the count never goes back. */
  private droppedClosed = 0;

  constructor(
    private readonly deps: AppDeps,
    private readonly engine: Engine,
    private readonly loop: LiveLoop,
    /** The interfaces named with -i; empty for the default set. */
    private readonly named: readonly string[],
    /** Each main capture's buffer (--buffer). */
    private readonly bufferBytes?: number,
  ) {}

  /** At start: each interface, or a UserError for the first that cannot be captured (then none stays open). */
  openAll(names: readonly string[]): void {
    try {
      for (const name of names) this.openOne(name);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  dropped(): number {
    let sum = this.droppedClosed;
    for (const caps of this.open.values()) sum += caps[0]!.dropped();
    return sum;
  }

  /** Brings the captures in line with the interfaces as they are now (after a link event). */
  reconcile(): void {
    const up = new Set(this.deps.upInterfaces());
    for (const [name, caps] of this.open) {
      // "any" is libpcap's capture of every interface, not an interface that can go away.
      if (up.has(name) || name === 'any') continue;
      this.closeOne(name, caps);
      this.engine.interfaceLost(name, this.deps.interfaceExists(name) ? 'down' : 'deleted');
    }
    const wanted = this.named.length > 0 ? this.named.filter((n) => up.has(n)) : [...up].sort();
    for (const name of wanted) {
      if (this.open.has(name)) continue;
      try {
        this.openOne(name);
      } catch (err) {
        this.engine.interfaceLost(name, err instanceof Error ? err.message : String(err));
      }
    }
  }

  close(): void {
    for (const [name, caps] of this.open) this.closeOne(name, caps);
  }

  private closeOne(name: string, caps: LiveCapture[]): void {
    this.droppedClosed += caps[0]!.dropped();
    for (const c of caps) {
      try {
        c.close();
      } catch {
        // the interface is gone: its handle may already be dead
      }
    }
    this.open.delete(name);
  }

  private openOne(name: string): void {
    const idx = this.engine.interfaceIndex(name);
    const { decoder, engine, linkTypes } = this;
    // libpcap writes the header words in host byte order; a typed view reads them without
    // Buffer's per-call bounds checks (measurably cheaper per packet).
    let hw: Uint32Array | null = null;
    let cap: LiveCapture;
    try {
      cap = this.deps.openLive(
        name,
        this.deps.isEthernet(name),
        (c) => {
          hw ??= new Uint32Array(c.header.buffer, c.header.byteOffset, 4);
          const ts = hw[0]! * 1000 + hw[1]! / 1000;
          const r = decoder.decode(c.buf, hw[2]!, linkTypes[idx]!, ts);
          engine.packet(decoder.out, r, idx, ts);
        },
        this.deps.isLoopback(name),
        this.bufferBytes,
      );
    } catch (err) {
      throw new UserError(this.deps.captureErrorSentence(name, err), this.deps.isRoot ? 1 : 77);
    }
    const lt = linkTypeFromPcapName(cap.linkTypeName);
    if (lt < 0) {
      cap.close();
      throw new UserError(`cannot decode ${name}: its link type (${cap.linkTypeName}) is not supported; choose other interfaces with -i`);
    }
    linkTypes[idx] = lt;
    const caps = [cap];
    this.open.set(name, caps);
    const syn = this.openSynWatch(name);
    if (syn) caps.push(syn);
  }

  /** Best effort: without the watcher, openings are seen when the main capture delivers them. */
  private openSynWatch(name: string): LiveCapture | null {
    if (!this.deps.openSynWatch) return null;
    const { synDecoder: decoder, loop } = this;
    try {
      let hw: Uint32Array | null = null;
      let linkType = -1;
      const cap = this.deps.openSynWatch(name, (c) => {
        hw ??= new Uint32Array(c.header.buffer, c.header.byteOffset, 4);
        const ts = hw[0]! * 1000 + hw[1]! / 1000;
        if (decoder.decode(c.buf, hw[2]!, linkType, ts) === DECODED_PORTS) loop.opening(decoder.out);
      });
      linkType = linkTypeFromPcapName(cap.linkTypeName);
      if (linkType < 0) {
        cap.close();
        return null;
      }
      loop.synWatched = true;
      return cap;
    } catch {
      return null;
    }
  }
}
