// Live capture on one interface: promiscuous mode off, a 256-byte snap length, a BPF filter for
// IP, and the kernel's ring delivering packets with at most ~1 ms of delay (so a connection that
// lives a few ms is seen while its process still exists). `onPacket` runs synchronously for each
// packet with the session's reused buffers; it must not keep them.
import { pcapBinding, type NativeSession } from './pcap-binding.js';

export const SNAP_LENGTH = 256;
/** The capture buffer when the caller names none (the command line's default is the caller's). */
const BUFFER_BYTES = 8 * 1024 * 1024;
const DELIVERY_TIMEOUT_MS = 1;

export interface LiveCapture {
  readonly name: string;
  readonly linkTypeName: string;
  readonly buf: Buffer;
  readonly header: Buffer;
  /** Packets dropped by the kernel or the interface since the capture opened. */
  dropped(): number;
  close(): void;
}

/**
 * Ethernet devices may carry VLAN-tagged frames, which "ip or ip6" alone would not pass; all
 * tagged frames pass (the `vlan` keyword shifts offsets for what follows it, so it stays last and
 * alone) and the decoder skips the non-IP ones.
 */
export function bpfFilter(vlanCapable: boolean): string {
  return vlanCapable ? 'ip or ip6 or vlan' : 'ip or ip6';
}

/**
 * Connection openings only (TCP SYN without ACK, IPv4 and IPv6 without extension headers). The
 * kernel retires a capture block only on a timer tick (4 ms at HZ=250), later than a connection
 * to a local server may live; this second, tiny capture in immediate mode wakes bwtop at each
 * SYN so the young process behind it is read while it still holds its socket. SYNs are few, so
 * a wake-up per packet costs little here.
 */
export const SYN_FILTER = '(ip and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn) or (ip6 and ip6[6] == 6 and ip6[53] & 0x12 == 0x02)';
const SYN_BUFFER_BYTES = 1 << 20;

export interface CaptureShape {
  filter: string;
  /** Deliver each packet at once (no block timer). */
  immediate: boolean;
}

export function openLive(
  name: string,
  vlanCapable: boolean,
  onPacket: (cap: LiveCapture) => void,
  loopback = false,
  bufferBytes = BUFFER_BYTES,
  shape?: CaptureShape,
): LiveCapture {
  const session: NativeSession = new (pcapBinding().PcapSession)();
  const buf = Buffer.alloc(SNAP_LENGTH);
  const header = Buffer.alloc(16);
  let closed = false;
  let lastDropped = 0;
  const cap: LiveCapture = {
    name,
    linkTypeName: '',
    buf,
    header,
    dropped() {
      if (closed) return lastDropped;
      const s = session.stats();
      // The kernel hands each loopback packet to the capture twice (as sent, then as received;
      // libpcap keeps the received copy), so a lost loopback packet is counted twice. (Filtering
      // the sent copy out in BPF with "inbound" loses some received copies too: measured.)
      lastDropped = loopback ? Math.round((s.ps_drop + s.ps_ifdrop) / 2) : s.ps_drop + s.ps_ifdrop;
      return lastDropped;
    },
    close() {
      if (closed) return;
      closed = true;
      // close() only breaks libpcap's loop; the next dispatch sees that, releases the handle and
      // stops the poll watcher (which would otherwise keep the process alive).
      session.close();
      session.dispatch(buf, header);
    },
  };
  const ready = (): void => onPacket(cap);
  (cap as { linkTypeName: string }).linkTypeName = session.open_live(
    name,
    shape?.filter ?? bpfFilter(vlanCapable),
    bufferBytes,
    SNAP_LENGTH,
    '',
    ready,
    false,
    shape?.immediate ? 0 : DELIVERY_TIMEOUT_MS,
    ignoreWarning,
    false,
  );
  session.read_callback = () => {
    if (!closed) session.dispatch(buf, header);
  };
  session.start_polling();
  process.nextTick(session.read_callback);
  return cap;
}

/** libpcap's open warnings (pcap_lookupnet on an interface without IPv4) are harmless. */
function ignoreWarning(): void {}

/** Turn libpcap's open errors into one sentence a user can act on. */
export function captureErrorSentence(name: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/permission|not permitted|Operation not permitted/i.test(msg)) {
    return (
      `cannot capture on ${name}: permission denied; run bwtop as root (sudo bwtop) ` +
      `or grant the capabilities listed under "Privileges" in the README`
    );
  }
  if (/No such device|doesn't exist|not exist/i.test(msg)) {
    return `cannot capture on ${name}: no such interface; list interfaces with "ip -br link" and pass one with -i`;
  }
  if (/not up|is down/i.test(msg)) return `cannot capture on ${name}: the interface is down; bring it up or choose another with -i`;
  return `cannot capture on ${name}: ${msg.split('\n')[0]}`;
}

/** The connection-opening watcher of one interface (see SYN_FILTER). */
export function openSynWatch(name: string, onPacket: (cap: LiveCapture) => void): LiveCapture {
  return openLive(name, false, onPacket, false, SYN_BUFFER_BYTES, { filter: SYN_FILTER, immediate: true });
}
