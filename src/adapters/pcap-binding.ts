// The `pcap` package's native binding, used directly: its JS wrapper allocates an object per
// packet, which the hot path must not do.
import { createRequire } from 'node:module';

/** Opens a device (open_live) or a capture file (open_offline): the same arguments for both. */
type OpenSession = (
  source: string,
  filter: string,
  bufferSize: number,
  snapLen: number,
  outfile: string,
  onPacket: () => void,
  monitor: boolean,
  timeoutMs: number,
  warn: (msg: string) => void,
  promisc: boolean,
) => string;

export interface NativeSession {
  open_live: OpenSession;
  open_offline: OpenSession;
  dispatch(buf: Buffer, header: Buffer): number;
  start_polling(): void;
  stats(): { ps_recv: number; ps_drop: number; ps_ifdrop: number };
  close(): void;
  read_callback?: () => void;
}

interface Binding {
  PcapSession: new () => NativeSession;
  lib_version(): string;
}

let binding: Binding | null = null;

/** Load the binding, or throw one sentence saying how to get it built. */
export function pcapBinding(): Binding {
  if (binding) return binding;
  const require = createRequire(import.meta.url);
  try {
    binding = require('pcap/build/Release/pcap_binding.node') as Binding;
  } catch (e) {
    throw new Error(
      `the pcap native addon is not built (${(e as Error).message.split('\n')[0]}); install the libpcap ` +
        'headers (Debian/Ubuntu: apt-get install libpcap-dev) and run npm ci again',
    );
  }
  return binding;
}
