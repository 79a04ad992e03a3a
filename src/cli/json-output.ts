// One contract `--json` line per Snapshot. Strings are raw values, JSON-escaped as JSON.stringify
// escapes them (control characters included), so nothing printed can act on a terminal. Every byte
// figure comes in the same three windows wherever it appears (totals, processes, program entries,
// connections): `sent` this interval, `sent_total` since start, `sent_rate` bytes/s over the rate
// window. The line is written field by field into a reused buffer (see json-writer.ts): with
// 10,000 connections, building an object per connection and stringifying them made several MB of
// garbage per refresh, most of it kept until a full collection.
import type { ConnectionStats, ProcessStats, ProgramEntryStats, Snapshot } from '../core/model.js';
import { JsonWriter } from './json-writer.js';

type Bytes = Pick<ConnectionStats, 'sent' | 'received' | 'sentTotal' | 'receivedTotal' | 'sentRate' | 'receivedRate'>;

/** The six byte fields, after a comma already written. */
function bytes(w: JsonWriter, b: Bytes): void {
  w.raw('"sent":').num(b.sent).raw(',"received":').num(b.received);
  w.raw(',"sent_total":').num(b.sentTotal).raw(',"received_total":').num(b.receivedTotal);
  w.raw(',"sent_rate":').num(Math.round(b.sentRate)).raw(',"received_rate":').num(Math.round(b.receivedRate));
}

function connection(w: JsonWriter, c: ConnectionStats): void {
  w.raw('{"proto":').str(c.proto).raw(',"family":').num(c.family);
  w.raw(',"local":').str(c.local).raw(',"remote":').str(c.remote).raw(',"state":').str(c.state);
  // inode 0: the socket was gone before any table read saw it
  w.raw(',"inode":')
    .numOrNull(c.inode === 0 ? null : c.inode)
    .raw(',"active":')
    .bool(c.active)
    .raw(',');
  bytes(w, c);
  w.raw('}');
}

// By default a process lists the connections that carried traffic in the rate window; the engine
// knows every socket it holds (idle listeners too), printed only when asked for.
function connections(w: JsonWriter, list: readonly ConnectionStats[], all: boolean): void {
  w.raw(',"connections":[');
  let first = true;
  for (const c of list) {
    if (!all && !c.active) continue;
    if (!first) w.raw(',');
    first = false;
    connection(w, c);
  }
  w.raw(']}');
}

function placement(w: JsonWriter, p: ProcessStats | ProgramEntryStats): void {
  w.raw(',"container":').strOrNull(p.container).raw(',"unit":').strOrNull(p.unit).raw(',"netns":').numOrNull(p.netns);
}

function processEntry(w: JsonWriter, p: ProcessStats, all: boolean): void {
  w.raw('{"pid":').num(p.pid).raw(',"name":').str(p.name).raw(',"exe":').str(p.exe).raw(',"cmdline":').str(p.cmdline);
  w.raw(',"user":').str(p.user).raw(',"uid":').num(p.uid).raw(',"start_time":').num(p.startTime);
  w.raw(',"ppid":').numOrNull(p.ppid === 0 ? null : p.ppid);
  placement(w, p);
  w.raw(',"exited":')
    .bool(p.exitedAtMs !== 0)
    .raw(',');
  bytes(w, p);
  connections(w, p.connections, all);
}

// Bytes of one of several short-lived processes of a program, the pid unproven: an entry without
// a pid, listing the candidates.
function programEntry(w: JsonWriter, p: ProgramEntryStats, all: boolean): void {
  w.raw('{"pid":null,"pids":[');
  p.pids.forEach((pid, i) => (i === 0 ? w : w.raw(',')).num(pid));
  w.raw('],"name":').str(p.name).raw(',"exe":').str(p.exe).raw(',"cmdline":').str(p.cmdline);
  w.raw(',"user":').str(p.user).raw(',"uid":').num(p.uid);
  placement(w, p);
  w.raw(',');
  bytes(w, p);
  connections(w, p.connections, all);
}

function capture(w: JsonWriter, c: Snapshot['capture']): void {
  w.raw('"capture":{"interfaces":[');
  c.interfaces.forEach((name, i) => (i === 0 ? w : w.raw(',')).str(name));
  w.raw('],"lost":[');
  (c.lost ?? []).forEach((l, i) => (i === 0 ? w : w.raw(',')).raw('{"name":').str(l.name).raw(',"why":').str(l.why).raw('}'));
  w.raw('],"packets":').num(c.packets).raw(',"dropped":').num(c.dropped).raw(',"malformed":').num(c.malformed);
  w.raw(',"duplicates":').num(c.duplicates).raw(',"not_ip":').num(c.notIp).raw('}');
}

function unknown(w: JsonWriter, u: Snapshot['unknown']): void {
  w.raw('"unknown":{"sent":').num(u.sent).raw(',"received":').num(u.received);
  w.raw(',"sent_total":').num(u.sentTotal).raw(',"received_total":').num(u.receivedTotal).raw(',"by_proto":{');
  let first = true;
  for (const [k, v] of Object.entries(u.byProto)) {
    if (!first) w.raw(',');
    first = false;
    w.str(k).raw(':{"sent_total":').num(v.sentTotal).raw(',"received_total":').num(v.receivedTotal).raw('}');
  }
  w.raw('}}');
}

/** Writes the line (without its newline) into `w`, after what it holds. */
export function writeSnapshot(w: JsonWriter, s: Snapshot, all: boolean): void {
  w.raw('{"ts":').num(Math.round(s.tsMs)).raw(',"interval_ms":').num(s.intervalMs).raw(',');
  capture(w, s.capture);
  w.raw(',"ownership":{"mode":').str(s.ownership.mode).raw(',"note":').strOrNull(s.ownership.note).raw('},"totals":{');
  bytes(w, s.totals);
  w.raw('},"processes":[');
  let first = true;
  for (const p of s.processes) {
    if (!first) w.raw(',');
    first = false;
    processEntry(w, p, all);
  }
  for (const p of s.programs) {
    if (!first) w.raw(',');
    first = false;
    programEntry(w, p, all);
  }
  w.raw('],');
  unknown(w, s.unknown);
  const n = s.natCopies;
  w.raw(',"pending_bytes":')
    .num(s.pendingBytes)
    .raw(',"nat_copies":{"sent":')
    .num(n?.sent ?? 0);
  w.raw(',"received":')
    .num(n?.received ?? 0)
    .raw(',"sent_total":')
    .num(n?.sentTotal ?? 0);
  w.raw(',"received_total":')
    .num(n?.receivedTotal ?? 0)
    .raw('},"tunnels":[');
  for (const [i, t] of (s.tunnels ?? []).entries()) {
    w.raw(i === 0 ? '{"name":' : ',{"name":')
      .str(t.name)
      .raw(',"sent":')
      .num(t.sent);
    w.raw(',"received":').num(t.received).raw(',"sent_total":').num(t.sentTotal);
    w.raw(',"received_total":').num(t.receivedTotal).raw('}');
  }
  w.raw(']}');
}

function line(s: Snapshot, all: boolean): string {
  const w = new JsonWriter();
  writeSnapshot(w, s, all);
  return w.text();
}

/** The contract line: connections that carried traffic in the rate window. */
export function snapshotJson(s: Snapshot): string {
  return line(s, false);
}

/** The line with every socket each process holds (--all-connections). */
export function snapshotJsonAllConnections(s: Snapshot): string {
  return line(s, true);
}
