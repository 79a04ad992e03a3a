// Read and decode the four socket tables through a ProcSource.
import { parseNetTable } from '../proc/netTable.js';
import type { ProcSource, SocketEntry } from '../proc/types.js';

const TABLES = [
  ['tcp', 'tcp', 4],
  ['tcp6', 'tcp', 6],
  ['udp', 'udp', 4],
  ['udp6', 'udp', 6],
] as const;

export function readSocketTables(proc: ProcSource, names: readonly string[] = ['tcp', 'tcp6', 'udp', 'udp6']): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const [file, proto, family] of TABLES) {
    if (!names.includes(file)) continue;
    const text = proc.readNetTable(file);
    if (text !== null) for (const e of parseNetTable(text, proto, family)) out.push(e);
  }
  return out;
}
