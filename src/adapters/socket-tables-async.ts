// The socket tables read on libuv's thread pool. Generating /proc/net/tcp walks the kernel's
// whole TCP hash table — milliseconds even when it is nearly empty — and the main thread must
// keep taking packets and reading young processes' descriptors meanwhile.
import { readFile } from 'node:fs/promises';
import { parseNetTable } from '../core/proc/netTable.js';
import type { SocketEntry } from '../core/proc/types.js';
import type { TableName } from '../core/engine/socket-index.js';

const SHAPE: Record<TableName, ['tcp' | 'udp', 4 | 6]> = {
  tcp: ['tcp', 4],
  tcp6: ['tcp', 6],
  udp: ['udp', 4],
  udp6: ['udp', 6],
};

export async function readSocketTablesAsync(procRoot: string, names: readonly TableName[]): Promise<SocketEntry[]> {
  const texts = await Promise.all(
    names.map((n) =>
      readFile(`${procRoot}/net/${n}`, 'latin1').catch(() => null), // no IPv6, or a trimmed copy
    ),
  );
  const out: SocketEntry[] = [];
  names.forEach((n, i) => {
    const t = texts[i];
    if (t) for (const e of parseNetTable(t, SHAPE[n][0], SHAPE[n][1])) out.push(e);
  });
  return out;
}
