// Connection descriptions in a snapshot are updated in place by the next refresh (the engine keeps
// one per flow instead of making tens of thousands of objects a second). A consumer that keeps a
// snapshot past the next refresh (the paused screen, a test comparing refreshes) keeps a copy.
import type { ConnectionStats, Snapshot } from './model.js';

const copyList = (list: readonly ConnectionStats[]): ConnectionStats[] => list.map((c) => ({ ...c }));

/** A snapshot whose connection lists no later refresh changes. */
export function keepSnapshot(s: Snapshot): Snapshot {
  return {
    ...s,
    processes: s.processes.map((p) => ({ ...p, connections: copyList(p.connections) })),
    programs: s.programs.map((p) => ({ ...p, connections: copyList(p.connections) })),
  };
}
