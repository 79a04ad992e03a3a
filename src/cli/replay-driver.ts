// --replay: packets from a capture file, as fast as they can be read; the packets' timestamps
// cut the intervals, every interval is reported (the last partial one too), then exit 0.
// With process events recorded beside the capture (deps.replayProcEvents), they are delivered on
// the packets' clock, and a connection this host opens is resolved at its first packet, as the
// live schedule does within milliseconds: the young processes are read while they still live.
import { basename } from 'node:path';
import { PacketDecoder } from '../core/decode/decoder.js';
import { Engine } from '../core/engine/engine.js';
import { readSocketTables } from '../core/engine/tables.js';
import type { AppDeps, ProcEventHandlers, Sink, StopRequest } from './deps.js';
import type { LiveOptions } from './args.js';
import { refreshLocalAddresses, resolveFully } from './engine-setup.js';

/** The recorded events, delivered up to each moment; null when none were recorded. */
function recordedEvents(deps: AppDeps, engine: Engine): ((untilMs: number) => void) | null {
  const replay = deps.replayProcEvents;
  if (!replay) return null;
  engine.resolver.owners.eventsActive = true;
  engine.ownership = { mode: 'events', note: null };
  const handlers: ProcEventHandlers = {
    born: (pid, ppid, _exec, atMs) => engine.processBorn(pid, ppid, atMs),
    exited: (pid, atMs) => engine.processExited(pid, atMs),
    lost: () => {},
  };
  return (untilMs) => replay(untilMs, handlers);
}

export async function runReplay(deps: AppDeps, o: LiveOptions, sink: Sink, req: StopRequest): Promise<number> {
  const file = o.replay!;
  let opened = false;
  const engine = new Engine({
    proc: deps.proc,
    readTables: (names) => readSocketTables(deps.proc, names),
    interfaces: [basename(file)],
    intervalMs: o.delayMs,
    onPending: (f) => {
      if (f.initiated) opened = true;
    },
  });
  const eventsUntil = recordedEvents(deps, engine);
  const decoder = new PacketDecoder();
  let boundary = -1;
  let lastTs = -1;
  let emitted = 0;
  let packetsSinceEmit = 0;
  const want = o.count > 0 ? o.count : Infinity;
  const emit = (t: number): void => {
    if (emitted >= want) return;
    eventsUntil?.(t);
    engine.watchNamespaces(t);
    resolveFully(engine, t);
    sink.update(engine.snapshot(t, 0));
    emitted++;
    packetsSinceEmit = 0;
  };
  engine.resolver.refreshTables();
  refreshLocalAddresses(deps, engine);
  // The other namespaces of the copy (containers): their addresses are local too, in their own.
  engine.watchNamespaces(boundary);
  const onPacket: Parameters<AppDeps['readCaptureFile']>[1] = (buf, caplen, tsMs, linkType) => {
    if (emitted >= want) return;
    if (boundary < 0) boundary = tsMs + o.delayMs;
    while (tsMs >= boundary && emitted < want) {
      emit(boundary);
      boundary += o.delayMs;
    }
    eventsUntil?.(tsMs);
    const r = decoder.decode(buf, caplen, linkType, tsMs);
    engine.packet(decoder.out, r, 0, tsMs);
    if (opened && eventsUntil) {
      engine.watchNamespaces(tsMs);
      engine.resolver.prescan(tsMs);
      resolveFully(engine, tsMs);
    }
    opened = false;
    lastTs = tsMs;
    packetsSinceEmit++;
  };
  // A damaged file still yields every interval up to the damage (the last partial one too), then
  // its error: bad input loses nothing that could be read.
  let damage: { error: unknown } | undefined;
  try {
    deps.readCaptureFile(file, onPacket);
  } catch (error) {
    damage = { error };
  }
  if (packetsSinceEmit > 0 || (emitted === 0 && damage === undefined)) emit(lastTs < 0 ? deps.now() : lastTs);
  if (damage !== undefined) throw damage.error;
  sink.ended?.();
  if (sink.holdAfterReplay) await req.stopped;
  return 0;
}
