// Read and decode the four socket tables through a ProcSource.
import { parseNetTable } from '../proc/netTable.js';
import { SOCKET_TABLES, type ProcSource, type SocketEntry, type TableName } from '../proc/types.js';

export function readSocketTables(
  proc: Pick<ProcSource, 'readNetTable'>,
  names: readonly TableName[] = SOCKET_TABLES.map((t) => t.name),
): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const { name, proto, family } of SOCKET_TABLES) {
    if (!names.includes(name)) continue;
    const text = proc.readNetTable(name);
    if (text !== null) for (const e of parseNetTable(text, proto, family)) out.push(e);
  }
  return out;
}
