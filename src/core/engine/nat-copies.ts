// Copies of a conversation that address translation (NAT) puts on the wire: a container's
// connection MASQUERADEd to the uplink shows again with the host's address, and a published port
// shows with the host's address before DNAT sends it on to the container. Each packet is credited
// once per socket end from the copy that carries that socket's own addresses; the other copies
// go to nobody (neither the host nor unknown) and are counted as NAT copies.
//
// From a conntrack entry with original tuple O (src -> dst) and reply tuple R, whose addresses
// were translated (R is not O reversed), the copies are the flows
//   - local O.dst, remote O.src: the original direction before translation, as seen from where it
//     was addressed; the one who answers is R.src (DNAT), or answers a different address (SNAT);
//   - local R.dst, remote R.src: the translated side, as seen from where replies are addressed;
//     the one who opened it is O.src.
// A copy whose true end (R.src, O.src) is an address of bwtop's own namespace is not one: the
// host's own packets are captured once, after translation, and stay with the host's socket. That
// socket's own tuple is O (O.src is the host's), while the wire shows local R.dst, remote R.src:
// natOrigins maps the latter to the former, so the flow finds its socket (a published port the
// host connects to itself, translated by OUTPUT DNAT; the host's connection SNATed on its way out).
import type { ConntrackEntry } from '../proc/netns-text.js';
import { exactKey } from './socket-index.js';

/** Reads at least this far apart, and further on a busy host (ENTRIES_PER_MS entries per ms of gap). */
export const NAT_READ_GAP_MS = 100;
const ENTRIES_PER_MS = 100;
/** A conntrack entry exists as soon as the first packet passed; read a little after it to be sure. */
const SETTLE_MS = 1;
/** When the table is missing (nf_conntrack not loaded), look again this rarely. */
const ABSENT_RETRY_MS = 10_000;

/** The socket tuple (local, remote) of the host's own connection a translated flow was made from. */
export interface NatOrigin {
  key: string;
  local: string;
  lport: number;
  remote: string;
  rport: number;
}

export class NatCopies {
  private copies = new Set<string>();
  private origins = new Map<string, NatOrigin>();
  private readAtMs = -Infinity;
  private lastEntries = 0;
  private absentUntilMs = -Infinity;
  /** Reads made, for tests and the bench. */
  reads = 0;

  constructor(
    private readonly readText: (() => string | null) | undefined,
    private readonly parse: (text: string) => ConntrackEntry[],
    /** An address of bwtop's own namespace (canonical text). */
    private readonly isOwn: (address: string) => boolean,
  ) {}

  /** Connection tracking can be read at all. */
  available(nowMs: number): boolean {
    return this.readText !== undefined && nowMs >= this.absentUntilMs;
  }

  /**
   * Whether a flow (its join key) that began at `firstSeenMs` is a NAT copy: true, false, or null
   * when the table was not read since and cannot be read yet (rate limit): ask again next pass.
   */
  isCopy(key: string, firstSeenMs: number, nowMs: number): boolean | null {
    const fresh = this.readSince(firstSeenMs, nowMs);
    return fresh === true ? this.copies.has(key) : fresh;
  }

  /**
   * The host's own socket a flow of bwtop's own namespace (its join key) is the translated view
   * of, or null (none, or connection tracking not read since it began: ask again next pass).
   */
  originOf(key: string, firstSeenMs: number, nowMs: number): NatOrigin | null {
    return this.readSince(firstSeenMs, nowMs) === true ? (this.origins.get(key) ?? null) : null;
  }

  /** Whether the table was read after the flow began (reading it now if allowed); false: unreadable, null: not yet. */
  private readSince(firstSeenMs: number, nowMs: number): boolean | null {
    if (!this.available(nowMs)) return false;
    if (this.readAtMs < firstSeenMs + SETTLE_MS) {
      if (nowMs - this.readAtMs < Math.max(NAT_READ_GAP_MS, this.lastEntries / ENTRIES_PER_MS) || nowMs < firstSeenMs + SETTLE_MS)
        return null;
      this.read(nowMs);
      if (!this.available(nowMs)) return false;
    }
    return true;
  }

  private read(nowMs: number): void {
    const text = this.readText!();
    this.reads++;
    if (text === null) {
      this.absentUntilMs = nowMs + ABSENT_RETRY_MS;
      this.copies.clear();
      this.origins.clear();
      return;
    }
    const entries = this.parse(text);
    this.copies = natCopyKeys(entries, this.isOwn);
    this.origins = natOrigins(entries, this.isOwn);
    this.readAtMs = nowMs;
    this.lastEntries = entries.length;
  }
}

/** The join keys of every NAT copy the entries describe (see the rules above). */
export function natCopyKeys(entries: readonly ConntrackEntry[], isOwn: (address: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const { proto, orig: o, reply: r } of entries) {
    if (o.src === r.dst && o.sport === r.dport && o.dst === r.src && o.dport === r.sport) continue; // not translated
    if (!isOwn(r.src)) out.add(exactKey(proto, o.dst, o.dport, o.src, o.sport));
    if (!isOwn(o.src)) out.add(exactKey(proto, r.dst, r.dport, r.src, r.sport));
  }
  return out;
}

/** The wire's join key of each of the host's own translated connections -> its socket's tuple. */
export function natOrigins(entries: readonly ConntrackEntry[], isOwn: (address: string) => boolean): Map<string, NatOrigin> {
  const out = new Map<string, NatOrigin>();
  for (const { proto, orig: o, reply: r } of entries) {
    if (!isOwn(o.src) || !isOwn(r.dst)) continue; // not the host's own, or not seen from the host's side
    const wire = exactKey(proto, r.dst, r.dport, r.src, r.sport);
    const key = exactKey(proto, o.src, o.sport, o.dst, o.dport);
    if (wire !== key) out.set(wire, { key, local: o.src, lport: o.sport, remote: o.dst, rport: o.dport });
  }
  return out;
}
