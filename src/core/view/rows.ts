// The rows of the list: processes, program entries (bytes of one of several short-lived processes
// of a program, no single pid proven) and, when grouped, groups of them. Every row carries the
// same traffic fields, so sorting, bars, drill-down and kill treat them alike.

import type { ProcessStats, ProgramEntryStats, Snapshot } from '../model.js';

export type Grouping = 'process' | 'program' | 'container';
export const GROUPINGS: readonly Grouping[] = ['process', 'program', 'container'];

export function nextGrouping(g: Grouping): Grouping {
  return GROUPINGS[(GROUPINGS.indexOf(g) + 1) % GROUPINGS.length]!;
}

/** What a group row gathers: a program's processes, a container's, a service's, or the host's. */
export type GroupKind = 'program' | 'container' | 'unit' | 'host';

/** The traffic and identity fields a row shares with the model's processes. */
type Shared = Pick<
  ProcessStats,
  | 'startTime'
  | 'programKey'
  | 'name'
  | 'cmdline'
  | 'user'
  | 'container'
  | 'unit'
  | 'sent'
  | 'received'
  | 'sentTotal'
  | 'receivedTotal'
  | 'sentRate'
  | 'receivedRate'
  | 'connections'
  | 'sentHistory'
  | 'receivedHistory'
>;

/**
 * One row. `name` is raw (untrusted); `programKey` is a group's own key for groups; `startTime`
 * is 0 for rows without a single pid.
 */
export interface Row extends Shared {
  /** Stable identity across refreshes: the selection and the drill-down follow it. */
  key: string;
  kind: 'process' | 'program' | 'group';
  groupKind: GroupKind | null;
  /** The pid of a process row; null for program entries and groups. */
  pid: number | null;
  /** Every pid behind the row. */
  pids: number[];
  /** Our own words after the name: "×4 (short-lived)", "×3", "×2 (container)". */
  tag: string;
  exited: boolean;
  /** A group's members (process and program rows); empty otherwise. */
  members: Row[];
}

export function processRowOf(p: ProcessStats): Row {
  return {
    key: `p:${p.pid}:${p.startTime}`,
    kind: 'process',
    groupKind: null,
    pid: p.pid,
    pids: [p.pid],
    startTime: p.startTime,
    programKey: p.programKey,
    name: p.name,
    tag: '',
    cmdline: p.cmdline,
    user: p.user,
    container: p.container,
    unit: p.unit,
    sent: p.sent,
    received: p.received,
    sentTotal: p.sentTotal,
    receivedTotal: p.receivedTotal,
    sentRate: p.sentRate,
    receivedRate: p.receivedRate,
    exited: p.exitedAtMs !== 0,
    connections: p.connections,
    sentHistory: p.sentHistory,
    receivedHistory: p.receivedHistory,
    members: [],
  };
}

export function programRowOf(e: ProgramEntryStats): Row {
  return {
    key: `e:${e.programKey}`,
    kind: 'program',
    groupKind: null,
    pid: null,
    pids: [...e.pids],
    startTime: 0,
    programKey: e.programKey,
    name: e.name,
    tag: `×${e.pids.length} (short-lived)`,
    cmdline: e.cmdline,
    user: e.user,
    container: e.container,
    unit: e.unit,
    sent: e.sent,
    received: e.received,
    sentTotal: e.sentTotal,
    receivedTotal: e.receivedTotal,
    sentRate: e.sentRate,
    receivedRate: e.receivedRate,
    exited: false,
    connections: e.connections,
    sentHistory: e.sentHistory,
    receivedHistory: e.receivedHistory,
    members: [],
  };
}

/** Element-wise sum of histories of different lengths, aligned at the newest end. */
function sumHistories(hs: readonly number[][]): number[] {
  const n = hs.reduce((m, h) => Math.max(m, h.length), 0);
  const out = new Array<number>(n).fill(0);
  for (const h of hs) for (let i = 0; i < h.length; i++) out[n - h.length + i]! += h[i]!;
  return out;
}

function groupRow(key: string, kind: GroupKind, name: string, members: Row[]): Row {
  const sum = (f: (r: Row) => number): number => members.reduce((a, r) => a + f(r), 0);
  const pids = [...new Set(members.flatMap((m) => m.pids))].sort((a, b) => a - b);
  const users = new Set(members.map((m) => m.user));
  const first = members[0]!;
  const tag = kind === 'program' ? `×${pids.length}` : kind === 'container' ? `×${pids.length} (container)` : `×${pids.length}`;
  return {
    key,
    kind: 'group',
    groupKind: kind,
    pid: null,
    pids,
    startTime: 0,
    programKey: key,
    name,
    tag,
    cmdline: '',
    user: users.size === 1 ? first.user : '*',
    container: kind === 'container' ? name : kind === 'program' ? first.container : null,
    unit: kind === 'unit' ? name : null,
    sent: sum((r) => r.sent),
    received: sum((r) => r.received),
    sentTotal: sum((r) => r.sentTotal),
    receivedTotal: sum((r) => r.receivedTotal),
    sentRate: sum((r) => r.sentRate),
    receivedRate: sum((r) => r.receivedRate),
    exited: members.every((m) => m.exited),
    connections: members.flatMap((m) => m.connections),
    sentHistory: sumHistories(members.map((m) => m.sentHistory)),
    receivedHistory: sumHistories(members.map((m) => m.receivedHistory)),
    members,
  };
}

function gather(rows: Row[], keyOf: (r: Row) => string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Every row of a snapshot in one grouping (unfiltered, unsorted). */
export function rowsOf(s: Snapshot | null, grouping: Grouping): Row[] {
  if (!s) return [];
  const plain = [...s.processes.map(processRowOf), ...s.programs.map(programRowOf)];
  if (grouping === 'process') return plain;
  if (grouping === 'program') {
    // A program with one row stays that row; two or more become a group.
    return [...gather(plain, (r) => r.programKey)].map(([k, members]) =>
      members.length === 1 ? members[0]! : groupRow(`gp:${k}`, 'program', members[0]!.name, members),
    );
  }
  return [...gather(plain, (r) => (r.container !== null ? `c:${r.container}` : r.unit !== null ? `u:${r.unit}` : 'h'))].map(
    ([k, members]) =>
      k === 'h'
        ? groupRow('gh', 'host', 'host', members)
        : k.startsWith('c:')
          ? groupRow(`gc:${k.slice(2)}`, 'container', k.slice(2), members)
          : groupRow(`gu:${k.slice(2)}`, 'unit', k.slice(2), members),
  );
}

/** The rows a list shows: a group's members when drilled into it, else every row of the grouping. */
export function scopeRows(s: Snapshot | null, grouping: Grouping, scope: string | null): Row[] | null {
  const rows = rowsOf(s, grouping);
  if (scope === null) return rows;
  return rows.find((r) => r.key === scope)?.members ?? null;
}
