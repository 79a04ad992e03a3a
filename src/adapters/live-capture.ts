// Live capture on one interface: promiscuous mode off, a 256-byte snap length, a BPF filter for
// IP, and the kernel's ring delivering packets with at most ~1 ms of delay (so a connection that
// lives a few ms is seen while its process still exists). `onPacket` runs synchronously for each
// packet with the session's reused buffers; it must not keep them.
import { pcapBinding, type NativeSession } from './pcap-binding.js';

export const SNAP_LENGTH = 256;
const BUFFER_BYTES = 32 * 1024 * 1024;
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

export function openLive(name: string, vlanCapable: boolean, onPacket: (cap: LiveCapture) => void, loopback = false): LiveCapture {
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
  let warning = '';
  (cap as { linkTypeName: string }).linkTypeName = session.open_live(
    name, bpfFilter(vlanCapable), BUFFER_BYTES, SNAP_LENGTH, '', ready, false, DELIVERY_TIMEOUT_MS,
    (w: string) => (warning = w), false,
  );
  void warning; // pcap_lookupnet complains about interfaces without IPv4; harmless
  session.read_callback = () => {
    if (!closed) session.dispatch(buf, header);
  };
  session.start_polling();
  process.nextTick(session.read_callback);
  return cap;
}

/** Turn libpcap's open errors into one sentence a user can act on. */
export function captureErrorSentence(name: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/permission|not permitted|Operation not permitted/i.test(msg)) {
    return `cannot capture on ${name}: permission denied; run bwtop as root (sudo bwtop) or grant the capabilities listed under "Privileges" in the README`;
  }
  if (/No such device|doesn't exist|not exist/i.test(msg)) {
    return `cannot capture on ${name}: no such interface; list interfaces with "ip -br link" and pass one with -i`;
  }
  if (/not up|is down/i.test(msg)) return `cannot capture on ${name}: the interface is down; bring it up or choose another with -i`;
  return `cannot capture on ${name}: ${msg.split('\n')[0]}`;
}
