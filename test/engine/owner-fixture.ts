// The fixture the owner-proof tests share: the real /proc copy fixtures/proc/loopback-mix with
// some processes' identities replaced, a resolver over it, and outgoing flows to resolve.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcFs } from '../../src/adapters/procfs.js';
import { parseAddress } from '../../src/core/engine/address.js';
import type { Flow } from '../../src/core/engine/flow.js';
import { FlowTable } from '../../src/core/engine/flow-table.js';
import { ProcessRegistry } from '../../src/core/engine/process-registry.js';
import { Resolver } from '../../src/core/engine/resolver.js';
import { readSocketTables } from '../../src/core/engine/tables.js';
import type { ProcSource, ProcessInfo } from '../../src/core/proc/types.js';

const ROOT = fileURLToPath(new URL('../../../fixtures/proc/loopback-mix', import.meta.url));
export const T = 5_000_000;

/** The fixture with some processes' identities replaced (start times, names, extra pids). */
export function procWith(
  identity: Record<number, Partial<ProcessInfo> & { as?: number }>,
  inodes: Record<number, number[]> = {},
): ProcSource {
  const base = new ProcFs(ROOT, { passwdPath: join(ROOT, 'etc-passwd') });
  const info = (pid: number): ProcessInfo | null => {
    const o = identity[pid];
    if (o === undefined) return base.readProcess(pid);
    const from = base.readProcess(o.as ?? pid);
    return from && { ...from, ...o, pid };
  };
  return {
    readNetTable: (n) => base.readNetTable(n),
    listPids: () => [...base.listPids()!, ...Object.keys(inodes).map(Number)],
    readSocketInodes: (pid) => inodes[pid] ?? base.readSocketInodes(pid),
    readProcess: info,
    readStartTime: (pid) => info(pid)?.startTime ?? null,
    readStat: (pid) => {
      const i = info(pid);
      return i && { comm: i.name, ppid: i.ppid, startTime: i.startTime };
    },
    readNetNs: () => null,
    readOtherSockets: () => null,
  };
}

export function setup(proc: ProcSource, events = true): { resolver: Resolver; table: FlowTable } {
  const resolver = new Resolver(proc, new ProcessRegistry(proc), () => readSocketTables(proc));
  resolver.owners.eventsActive = events; // young processes known from process events, or polling
  resolver.refreshTables();
  return { resolver, table: new FlowTable(1) };
}

export function outgoing(table: FlowTable, lport: number, rport: number): Flow {
  const a = parseAddress('127.0.0.1')!;
  const f = table.insert(FlowTable.hash(6, ...a.words, lport, ...a.words, rport), 6, 4, ...a.words, lport, ...a.words, rport);
  f.initiated = true;
  f.firstSeenMs = T;
  return f;
}

export function drain(resolver: Resolver): void {
  for (let i = 0; i < 20 && (i === 0 || resolver.busy); i++) {
    resolver.refreshTables();
    resolver.step(T + 50, Infinity);
  }
}
