// The `/` filter. A query made only of digits names a pid and matches that pid exactly (so typing a
// pid leaves one row even when other command lines contain the digits); any other query matches a
// case-insensitive substring of the name, the command line or the user.

import type { ProcessStats } from '../model.js';

export function matchesFilter(p: ProcessStats, query: string): boolean {
  const q = query.trim();
  if (q === '') return true;
  if (/^\d+$/.test(q)) return p.pid === Number(q);
  const needle = q.toLowerCase();
  return (
    p.name.toLowerCase().includes(needle) ||
    p.cmdline.toLowerCase().includes(needle) ||
    p.user.toLowerCase().includes(needle)
  );
}

export function filterProcesses(list: readonly ProcessStats[], query: string): ProcessStats[] {
  return list.filter((p) => matchesFilter(p, query));
}
