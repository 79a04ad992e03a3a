// The `/` filter and the F3 search. A query made only of digits names a pid and matches that pid
// exactly (so typing a pid leaves one row even when other command lines contain the digits); any
// other query matches a case-insensitive substring of the name, the command line, the user, the
// container or the service.

export interface Filterable {
  pid: number | null;
  pids?: readonly number[];
  name: string;
  cmdline: string;
  user: string;
  container: string | null;
  unit?: string | null;
}

export function matchesFilter(p: Filterable, query: string): boolean {
  const q = query.trim();
  if (q === '') return true;
  if (/^\d+$/.test(q)) return p.pid === Number(q) || (p.pid === null && (p.pids ?? []).includes(Number(q)));
  const needle = q.toLowerCase();
  return [p.name, p.cmdline, p.user, p.container ?? '', p.unit ?? ''].some((f) => f.toLowerCase().includes(needle));
}

export function filterProcesses<T extends Filterable>(list: readonly T[], query: string): T[] {
  return list.filter((p) => matchesFilter(p, query));
}
