// Live capture: one pcap session per interface feeding one decoder and engine, kernel process
// events feeding the same engine, and the engine's schedule (src/core/engine/live-loop.ts) run
// on real timers. This file only forwards what happens.
import { PacketDecoder } from '../core/decode/decoder.js';
import { DECODED_PORTS } from '../core/packet.js';
import { linkTypeFromPcapName } from '../core/decode/link-types.js';
import { Engine } from '../core/engine/engine.js';
import { LiveLoop } from '../core/engine/live-loop.js';
import { readSocketTables } from '../core/engine/tables.js';
import type { LiveCapture } from '../adapters/live-capture.js';
import { checkInterfaces, type AppDeps, type ProcEvents, type Sink, type SocketDiag, type StopRequest } from './deps.js';
import type { LiveOptions } from './args.js';
import { UserError } from './io.js';
import { refreshLocalAddresses } from './engine-setup.js';
import { engineSocketView } from '../core/export/socket-view.js';
import { LISTEN_ONLY } from '../core/netlink/sock-diag.js';

export async function runLive(deps: AppDeps, o: LiveOptions, sink: Sink, req: StopRequest): Promise<number> {
  const names = checkInterfaces(deps, o);
  const captures: LiveCapture[] = [];
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
  const loop = new LiveLoop(engine, deps.timers, {
    delayMs: o.delayMs,
    count: o.count,
    readTables: (t) => (dumps ? dumps.dump(t) : deps.readTablesAsync ? deps.readTablesAsync(t) : readSocketTables(deps.proc, t)),
    lookup: lookups ? (t, la, lp, ra, rp) => lookups.lookup(t, la, lp, ra, rp) : undefined,
    readListeners: dumps ? (t) => dumps.dump(t, LISTEN_ONLY) : undefined,
    socketNeed: sink.socketNeed?.bind(sink),
    refreshLocal: () => refreshLocalAddresses(deps, engine),
    dropped: () => captures.reduce((sum, c) => sum + c.dropped(), 0),
    emit: (s) => sink.update(s),
    wantsSockets: sink.wantsSockets?.bind(sink),
    done: () => req.stop(),
  });
  let events: ProcEvents | null = null;
  try {
    openCaptures(deps, names, engine, captures, o.bufferBytes);
    deps.raisePriority?.();
    sink.attachTables?.(engineSocketView(engine, deps.proc, deps.now));
    openSynWatches(deps, names, loop, captures);
    events = openEvents(deps, engine, loop);
    await loop.start();
    await req.stopped;
  } finally {
    loop.stop();
    events?.close();
    dumps?.close();
    lookups?.close();
    for (const c of captures) c.close();
  }
  return 0;
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

/** Best effort: without the watchers, openings are seen when the main capture delivers them. */
function openSynWatches(deps: AppDeps, names: string[], loop: LiveLoop, captures: LiveCapture[]): void {
  if (!deps.openSynWatch) return;
  const decoder = new PacketDecoder();
  for (const name of names) {
    try {
      let hw: Uint32Array | null = null;
      let linkType = -1;
      const cap = deps.openSynWatch(name, (c) => {
        hw ??= new Uint32Array(c.header.buffer, c.header.byteOffset, 4);
        const ts = hw[0]! * 1000 + hw[1]! / 1000;
        if (decoder.decode(c.buf, hw[2]!, linkType, ts) === DECODED_PORTS) loop.opening(decoder.out);
      });
      linkType = linkTypeFromPcapName(cap.linkTypeName);
      if (linkType < 0) {
        cap.close();
        continue;
      }
      captures.push({ ...cap, dropped: () => 0 });
      loop.synWatched = true;
    } catch {
      // the main capture on this interface works without it
    }
  }
}

function openCaptures(deps: AppDeps, names: string[], engine: Engine, captures: LiveCapture[], bufferBytes: number): void {
  const decoder = new PacketDecoder();
  const linkTypes: number[] = [];
  try {
    names.forEach((name, idx) => {
      let cap: LiveCapture;
      try {
        // libpcap writes the header words in host byte order; a typed view reads them without
        // Buffer's per-call bounds checks (measurably cheaper per packet).
        let hw: Uint32Array | null = null;
        cap = deps.openLive(
          name,
          deps.isEthernet(name),
          (c) => {
            hw ??= new Uint32Array(c.header.buffer, c.header.byteOffset, 4);
            const ts = hw[0]! * 1000 + hw[1]! / 1000;
            const r = decoder.decode(c.buf, hw[2]!, linkTypes[idx]!, ts);
            engine.packet(decoder.out, r, idx, ts);
          },
          deps.isLoopback(name),
          bufferBytes,
        );
      } catch (err) {
        throw new UserError(deps.captureErrorSentence(name, err), deps.isRoot ? 1 : 77);
      }
      captures.push(cap);
      const lt = linkTypeFromPcapName(cap.linkTypeName);
      if (lt < 0) {
        throw new UserError(`cannot decode ${name}: its link type (${cap.linkTypeName}) is not supported; choose other interfaces with -i`);
      }
      linkTypes[idx] = lt;
    });
  } catch (err) {
    for (const c of captures) c.close();
    captures.length = 0;
    throw err;
  }
}
