// Pieces both drivers share: local addresses and draining the resolver.
import type { Engine } from '../core/engine/engine.js';
import { joinAddr } from '../core/engine/socket-index.js';
import type { AppDeps } from './deps.js';

/** What each engine's local addresses were last made of. */
const lastSet = new WeakMap<Engine, string>();

/**
 * This host's addresses, plus every specific local address in the socket tables: those are
 * local by definition, and with --proc-root they are the recorded host's own addresses.
 */
export function refreshLocalAddresses(deps: AppDeps, engine: Engine): void {
  const { addresses, broadcasts } = deps.localAddresses();
  // Walking every table row costs milliseconds with 10,000 sockets: only when something changed.
  const key = `${addresses.join(' ')}|${broadcasts.join(' ')}|${engine.resolver.tables.generation}`;
  if (lastSet.get(engine) === key) return;
  lastSet.set(engine, key);
  const all = new Set(addresses);
  for (const e of engine.resolver.tables.entries()) {
    const a = joinAddr(e.localAddr);
    if (a !== '0.0.0.0' && a !== '::') all.add(a);
  }
  engine.local.set([...all], broadcasts);
}

/** Refresh the tables and run the resolver until nothing is left to decide (replay, tests). */
export function resolveFully(engine: Engine, nowMs: number): void {
  const r = engine.resolver;
  for (let round = 0; round < 8; round++) {
    r.refreshTables();
    r.refreshNamespaceTables();
    if (!r.step(nowMs, Infinity)) return;
  }
}
