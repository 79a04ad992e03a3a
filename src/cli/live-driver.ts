// Live capture: one pcap session per interface feeding one decoder and engine, kernel process
// events feeding the same engine, and the engine's schedule (src/core/engine/live-loop.ts) run
// on real timers. This file only forwards what happens.
import { Engine } from '../core/engine/engine.js';
import { LiveLoop } from '../core/engine/live-loop.js';
import { readSocketTables } from '../core/engine/tables.js';
import { checkInterfaces, type AppDeps, type LinkWatch, type ProcEvents, type Sink, type SocketDiag, type StopRequest } from './deps.js';
import type { LiveOptions } from './args.js';
import { CaptureSet } from './capture-set.js';
import { refreshLocalAddresses } from './engine-setup.js';
import { engineSocketView } from '../core/export/socket-view.js';
import { LISTEN_ONLY } from '../core/netlink/sock-diag.js';

/** Creating a veth pair announces each end several times within a few milliseconds. */
const LINK_SETTLE_MS = 50;

export async function runLive(deps: AppDeps, o: LiveOptions, sink: Sink, req: StopRequest): Promise<number> {
  const names = checkInterfaces(deps, o);
  deps.keepHeapNearLiveSet?.();
  const engine: Engine = new Engine({
    proc: deps.proc,
    readTables: (t) => readSocketTables(deps.proc, t),
    interfaces: names,
    intervalMs: o.delayMs,
    onPending: (f) => loop.newFlow(f),
    onStranger: () => loop.stranger(),
  });
  // Two netlink sockets: the kernel answers one request per socket at a time, and a new flow's
  // look-up must not wait behind a dump of every table.
  const [dumps, lookups] = [openDiag(deps, engine), openDiag(deps, engine)];
  let links: LinkWatch | null = null;
  const loop = new LiveLoop(engine, deps.timers, {
    delayMs: o.delayMs,
    count: o.count,
    readTables: (t) => (dumps ? dumps.dump(t) : deps.readTablesAsync ? deps.readTablesAsync(t) : readSocketTables(deps.proc, t)),
    lookup: lookups ? (t, la, lp, ra, rp) => lookups.lookup(t, la, lp, ra, rp) : undefined,
    forEachTableRow: dumps?.forEach ? (t, visit) => dumps.forEach!([t], visit) : undefined,
    readListeners: dumps ? (t) => dumps.dump(t, LISTEN_ONLY) : undefined,
    socketNeed: sink.socketNeed?.bind(sink),
    everyNamespace: sink.everyNamespace?.bind(sink),
    refreshLocal: () => {
      // Without link events, interfaces are checked at each refresh (a directory of /sys).
      if (deps.watchLinks && !links) {
        captures.reconcile();
        readTunnels();
      }
      refreshLocalAddresses(deps, engine);
    },
    dropped: () => captures.dropped(),
    emit: (s) => sink.update(s),
    wantsSockets: sink.wantsSockets?.bind(sink),
    done: () => req.stop(),
  });
  const captures = new CaptureSet(deps, engine, loop, o.interfaces, o.bufferBytes);
  // Tunnel devices: read at start and whenever links change (tunnels.ts).
  const readTunnels = (): void => {
    // A refused read leaves the last list (tunnels' datagrams then stay unknown), never ends bwtop.
    deps.readTunnels?.().then(
      (t) => engine.resolver.tunnels.set(t),
      () => {},
    );
  };
  let events: ProcEvents | null = null;
  try {
    captures.openAll(names);
    readTunnels();
    links = watchLinks(deps, captures, readTunnels);
    deps.raisePriority?.();
    sink.attachTables?.(engineSocketView(engine, deps.proc, deps.now));
    events = openEvents(deps, engine, loop);
    await loop.start();
    await req.stopped;
  } finally {
    loop.stop();
    links?.close();
    events?.close();
    dumps?.close();
    lookups?.close();
    captures.close();
  }
  return 0;
}

/** Link events bring the captures in step with the interfaces; a burst of them is handled once. */
function watchLinks(deps: AppDeps, captures: CaptureSet, linksChanged: () => void): LinkWatch | null {
  if (!deps.watchLinks) return null;
  let timer: unknown = null;
  try {
    const w = deps.watchLinks(() => {
      timer ??= deps.timers.setTimeout(() => {
        timer = null;
        captures.reconcile();
        linksChanged();
      }, LINK_SETTLE_MS);
    });
    return {
      close() {
        if (timer !== null) deps.timers.clearTimeout(timer);
        w.close();
      },
    };
  } catch {
    return null; // checked at each refresh instead
  }
}

/** A sock_diag socket, or null with the /proc/net tables as the fallback (said once). */
function openDiag(deps: AppDeps, engine: Engine): SocketDiag | null {
  if (!deps.openSockDiag) return null;
  try {
    return deps.openSockDiag();
  } catch (err) {
    if (!engine.tablesNote) {
      engine.tablesNote = `socket tables read from /proc/net: ${err instanceof Error ? err.message : String(err)}`;
      deps.warn?.(`bwtop: ${engine.tablesNote}`);
    }
    return null;
  }
}

/** Kernel process events when the kernel and our privileges allow, else polling (said once). */
function openEvents(deps: AppDeps, engine: Engine, loop: LiveLoop): ProcEvents | null {
  if (!deps.openProcEvents) return null;
  try {
    const ev = deps.openProcEvents({
      born: (pid, ppid, _exec, atMs) => engine.processBorn(pid, ppid, atMs),
      exited: (pid, atMs) => engine.processExited(pid, atMs),
      socket: (s) => engine.processSocket(s),
      identity: (pid, identity, netns, atMs) => engine.processIdentity(pid, identity, netns, atMs),
      lost: (reason, fatal) => {
        if (fatal) engine.resolver.owners.eventsActive = false;
        engine.ownership = { mode: fatal ? 'polling' : 'events', note: `${reason}; every process was read again` };
        loop.eventsLost();
      },
    });
    engine.resolver.owners.eventsActive = true;
    engine.ownership = { mode: 'events', note: null };
    return ev;
  } catch (err) {
    engine.ownership = { mode: 'polling', note: 'no process events: short-lived processes may be missed' };
    deps.warn?.(`bwtop: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}
