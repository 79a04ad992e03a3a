// Live capture: one pcap session per interface feeding one decoder and engine; the resolver
// runs in rate-limited passes scheduled by new flows; a timer closes each interval.
import { PacketDecoder } from '../core/decode/decoder.js';
import { linkTypeFromPcapName } from '../core/decode/link-types.js';
import { Engine } from '../core/engine/engine.js';
import { readSocketTables } from '../core/engine/tables.js';
import { ALL_TABLES, type TableName } from '../core/engine/socket-index.js';
import type { LiveCapture } from '../adapters/live-capture.js';
import { checkInterfaces, type AppDeps, type Sink, type StopRequest } from './app.js';
import type { LiveOptions } from './args.js';
import { UserError } from './io.js';
import { refreshLocalAddresses } from './engine-setup.js';
import { engineSocketView } from '../core/export/socket-view.js';

/** Processes read per resolver pass during a full fd scan, so one pass stays short. */
const PIDS_PER_PASS = 128;
/** Resolver passes are at least this far apart, and further when a pass is slow. */
const MIN_PASS_GAP_MS = 2;
/** Young-process reads triggered by new flows are at least this far apart. */
const PRESCAN_GAP_MS = 1;
/**
 * While new flows keep appearing (a burst of short connections), young processes are also read
 * this often, so one that connects, finishes and exits within a millisecond was still seen alive
 * holding its sockets just before (see src/core/engine/young-sockets.ts). Idle otherwise.
 */
const WATCH_MS = 2;
const BURST_MS = 1000;

export async function runLive(deps: AppDeps, o: LiveOptions, sink: Sink, req: StopRequest): Promise<number> {
  const names = checkInterfaces(deps, o);
  let passTimer: NodeJS.Timeout | null = null;
  let passRunning = false;
  let lastPassEnd = 0;
  let lastPassCost = 0;
  let lastPrescan = -Infinity;
  let lastNewFlow = -Infinity;
  let watcher: NodeJS.Timeout | null = null;
  const watch = (): void => {
    const now = deps.now();
    if (now - lastNewFlow > BURST_MS) {
      clearInterval(watcher!);
      watcher = null;
      return;
    }
    if (now - lastPrescan >= PRESCAN_GAP_MS) {
      lastPrescan = now;
      resolver.prescan(now, true);
    }
  };
  const engine: Engine = new Engine({
    proc: deps.proc,
    readTables: (names) => readSocketTables(deps.proc, names),
    interfaces: names,
    intervalMs: o.delayMs,
    onPending: (f) => {
      // Right away, inside the packet callback: the process behind a connection that lives a
      // few milliseconds is read while it still holds its socket (rate-limited). Only for
      // conversations this host opens: an accepted connection belongs to its listener's process,
      // and a burst of inbound SYNs (a port scan) must not set young-process reads off. A second
      // one within BURST_MS starts the watcher.
      if (f.initiated) {
        const now = deps.now();
        if (now - lastPrescan >= PRESCAN_GAP_MS) {
          lastPrescan = now;
          resolver.prescan(now);
        }
        if (now - lastNewFlow <= BURST_MS) watcher ??= setInterval(watch, WATCH_MS);
        lastNewFlow = now;
      }
      schedulePass();
    },
  });
  const resolver = engine.resolver;
  const readTables = async (tables: readonly TableName[]): Promise<void> => {
    if (tables.length === 0) return;
    const entries = deps.readTablesAsync ? await deps.readTablesAsync(tables) : readSocketTables(deps.proc, tables);
    resolver.tables.apply(tables, entries);
  };
  function schedulePass(): void {
    if (passTimer || passRunning) return;
    // Passes may take up to half the time while new flows keep coming (a burst of connections).
    const wait = lastPassEnd + Math.max(MIN_PASS_GAP_MS, lastPassCost) - deps.now();
    passTimer = wait > 0 ? setTimeout(pass, wait) : (setImmediate(pass) as unknown as NodeJS.Timeout);
  }
  async function pass(): Promise<void> {
    passTimer = null;
    passRunning = true;
    const t0 = deps.now();
    resolver.prescan(t0);
    await readTables(resolver.firstTables());
    resolver.step(deps.now(), PIDS_PER_PASS);
    await readTables(resolver.staleTables());
    resolver.step(deps.now(), PIDS_PER_PASS);
    lastPassEnd = deps.now();
    lastPassCost = lastPassEnd - t0;
    passRunning = false;
    if (resolver.busy) schedulePass();
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
        // libpcap writes the header words in host byte order; a typed view reads them without
        // Buffer's per-call bounds checks (measurably cheaper per packet).
        let hw: Uint32Array | null = null;
        cap = deps.openLive(name, deps.isEthernet(name), (c) => {
          hw ??= new Uint32Array(c.header.buffer, c.header.byteOffset, 4);
          const ts = hw[0]! * 1000 + hw[1]! / 1000;
          const r = decoder.decode(c.buf, hw[2]!, linkTypes[idx]!, ts);
          engine.packet(decoder.out, r, idx, ts);
        }, deps.isLoopback(name));
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

  sink.attachTables?.(engineSocketView(engine, deps.proc, deps.now));

  // Learn every existing socket's owner in the background, so old connections resolve at once.
  resolver.owners.startFullScan();
  schedulePass();

  let emitted = 0;
  let ticking = false;
  const tick = async (): Promise<void> => {
    if (ticking) return; // a slow table read must not pile refreshes up
    ticking = true;
    await readTables(ALL_TABLES);
    resolver.tablesRefreshed();
    const now = deps.now();
    refreshLocalAddresses(deps, engine);
    for (const pid of engine.registry.checkLiveness(now)) resolver.owners.pidGone(pid);
    resolver.step(now, PIDS_PER_PASS);
    const dropped = captures.reduce((sum, c) => sum + c.dropped(), 0);
    sink.update(engine.snapshot(now, dropped));
    emitted++;
    ticking = false;
    if (o.count > 0 && emitted >= o.count) req.stop();
  };
  const timer = setInterval(() => void tick(), o.delayMs);
  try {
    await req.stopped;
  } finally {
    clearInterval(timer);
    if (watcher) clearInterval(watcher);
    if (passTimer) {
      clearTimeout(passTimer);
      clearImmediate(passTimer as unknown as NodeJS.Immediate);
    }
    for (const c of captures) c.close();
  }
  return 0;
}
