// Interfaces appearing, going up or down, and disappearing, as the kernel announces them
// (rtnetlink's link group over the `netlink` package's raw socket): nothing is polled.
import { NETLINK_ROUTE, RTMGRP_LINK, parseLinkEvents, type LinkEvent } from '../core/netlink/link-events.js';
import { loadRawSocket } from './netlink-raw.js';

export interface LinkWatch {
  close(): void;
}

/**
 * Calls `onChange` with the events of each notification. Throws a one-sentence Error when the
 * kernel refuses the socket; a socket error later ends the watch (`onChange` is then not called).
 */
export function watchLinks(onChange: (events: LinkEvent[]) => void): LinkWatch {
  let sock: ReturnType<typeof openSocket>;
  try {
    sock = openSocket();
  } catch (err) {
    throw new Error(`cannot follow interfaces appearing and disappearing: ${(err as Error).message}`);
  }
  // The watch must not keep bwtop running by itself.
  sock.unref();
  let closed = false;
  sock.on('message', (msg: Buffer) => {
    if (closed) return;
    const { events } = parseLinkEvents(msg);
    if (events.length > 0) onChange(events);
  });
  sock.on('error', () => {
    // ENOBUFS after a burst of link changes: announce a change, the receiver re-reads the links.
    if (!closed) onChange([]);
  });
  return {
    close() {
      if (closed) return;
      closed = true;
      sock.close();
    },
  };
}

function openSocket() {
  return new (loadRawSocket())(NETLINK_ROUTE, { localGroups: RTMGRP_LINK });
}
