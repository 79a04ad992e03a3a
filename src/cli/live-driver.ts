// Live capture: one pcap session per interface feeding one decoder and engine; the resolver
// runs in rate-limited passes scheduled by new flows; a timer closes each interval.
import { PacketDecoder } from '../core/decode/decoder.js';
import { linkTypeFromPcapName } from '../core/decode/link-types.js';
import { Engine } from '../core/engine/engine.js';
import { readSocketTables } from '../core/engine/tables.js';
import type { LiveCapture } from '../adapters/live-capture.js';
import { checkInterfaces, type AppDeps, type Sink, type StopRequest } from './app.js';
import type { LiveOptions } from './args.js';
import { UserError } from './io.js';
import { refreshLocalAddresses } from './engine-setup.js';

/** Processes read per resolver pass during a full fd scan, so one pass stays short. */
const PIDS_PER_PASS = 128;
/** Resolver passes are at least this far apart, and further when a pass is slow. */
const MIN_PASS_GAP_MS = 2;

export async function runLive(deps: AppDeps, o: LiveOptions, sink: Sink, req: StopRequest): Promise<number> {
  const names = checkInterfaces(deps, o);
  let passTimer: NodeJS.Timeout | null = null;
  let lastPassEnd = 0;
  let lastPassCost = 0;
  const engine: Engine = new Engine({
    proc: deps.proc,
    readTables: () => readSocketTables(deps.proc),
    interfaces: names,
    intervalMs: o.delayMs,
    onPending: () => schedulePass(),
  });
  const resolver = engine.resolver;
  function schedulePass(): void {
    if (passTimer) return;
    const wait = Math.max(0, lastPassEnd + Math.max(MIN_PASS_GAP_MS, 3 * lastPassCost) - deps.now());
    passTimer = setTimeout(pass, wait);
  }
  function pass(): void {
    passTimer = null;
    const t0 = deps.now();
    resolver.refreshTables();
    const more = resolver.step(t0, PIDS_PER_PASS);
    lastPassEnd = deps.now();
    lastPassCost = lastPassEnd - t0;
    if (more) schedulePass();
  }

  resolver.refreshTables();
  refreshLocalAddresses(deps, engine);
  const decoder = new PacketDecoder();
  const captures: LiveCapture[] = [];
  const linkTypes: number[] = [];
  try {
    names.forEach((name, idx) => {
      let cap: LiveCapture;
      try {
        cap = deps.openLive(name, deps.isEthernet(name), (c) => {
          const h = c.header;
          const ts = h.readUInt32LE(0) * 1000 + h.readUInt32LE(4) / 1000;
          const r = decoder.decode(c.buf, h.readUInt32LE(8), linkTypes[idx]!, ts);
          engine.packet(decoder.out, r, idx, ts);
        });
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
    throw err;
  }

  // Learn every existing socket's owner in the background, so old connections resolve at once.
  resolver.owners.startFullScan();
  schedulePass();

  let emitted = 0;
  const tick = (): void => {
    const now = deps.now();
    refreshLocalAddresses(deps, engine);
    engine.registry.checkLiveness(now);
    resolver.refreshTables();
    resolver.step(now, PIDS_PER_PASS);
    const dropped = captures.reduce((sum, c) => sum + c.dropped(), 0);
    sink.update(engine.snapshot(now, dropped));
    emitted++;
    if (o.count > 0 && emitted >= o.count) req.stop();
  };
  const timer = setInterval(tick, o.delayMs);
  try {
    await req.stopped;
  } finally {
    clearInterval(timer);
    if (passTimer) clearTimeout(passTimer);
    for (const c of captures) c.close();
  }
  return 0;
}
