// The `netlink` package's raw socket, loaded on first use: it is a native addon, and commands
// that never open a netlink socket should not pay for loading it.
import { createRequire } from 'node:module';

/** The part of the package's RawNetlinkSocket used here. */
export interface RawSocket {
  on(event: 'message', listener: (msg: Buffer) => void): void;
  on(event: 'error', listener: (err: Error & { code?: string; errno?: number }) => void): void;
  send(msg: Uint8Array, options: { port?: number }, callback: (err?: Error & { code?: string }) => void): void;
  close(): void;
  ref(): void;
  unref(): void;
  setRecvBufferSize(size: number): void;
  getRecvBufferSize(): number;
}
type RawSocketClass = new (
  protocol: number,
  options?: { localGroups?: number; messagePeeking?: boolean; msgBufferSize?: number },
) => RawSocket;

let rawClass: RawSocketClass | null = null;

export function loadRawSocket(): RawSocketClass {
  if (rawClass === null) {
    // The raw layer alone: the package's index also loads its route, wifi and wireguard modules.
    const mod = createRequire(import.meta.url)('netlink/dist/raw.js') as { RawNetlinkSocket: RawSocketClass };
    rawClass = mod.RawNetlinkSocket;
  }
  return rawClass;
}

/** The name of an errno the kernel answers with, for messages. */
export function errnoName(errno: number): string {
  const names: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 22: 'EINVAL', 93: 'EPROTONOSUPPORT', 97: 'EAFNOSUPPORT' };
  return names[errno] ?? `errno ${errno}`;
}
