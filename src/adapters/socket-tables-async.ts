// The socket tables read on libuv's thread pool. Generating /proc/net/tcp walks the kernel's
// whole TCP hash table — milliseconds even when it is nearly empty — and the main thread must
// keep taking packets and reading young processes' descriptors meanwhile.
import { readFile } from 'node:fs/promises';
import { parseNetTable } from '../core/proc/netTable.js';
import { SOCKET_TABLES, type SocketEntry, type TableName } from '../core/proc/types.js';

export async function readSocketTablesAsync(procRoot: string, names: readonly TableName[]): Promise<SocketEntry[]> {
  const texts = await Promise.all(
    names.map(
      (n) => readFile(`${procRoot}/net/${n}`, 'latin1').catch(() => null), // no IPv6, or a trimmed copy
    ),
  );
  const out: SocketEntry[] = [];
  names.forEach((n, i) => {
    const t = texts[i];
    const shape = SOCKET_TABLES.find((s) => s.name === n)!;
    if (t) for (const e of parseNetTable(t, shape.proto, shape.family)) out.push(e);
  });
  return out;
}
