// What a refresh says about each process, program entry and connection. Connection
// descriptions of flows are kept on the flows and updated in place (see describeFlow).
import type { ConnectionStats, ProcessStats, ProgramEntryStats } from '../model.js';
import type { SocketEntry } from '../proc/types.js';
import { formatEndpoint } from '../proc/address.js';
import { joinAddr } from './socket-index.js';
import type { Flow } from './flow.js';
import type { ProcessEntry } from './process-entry.js';
import { ensureFlowText, flowProtoName } from './flow-text.js';
import type { Resolver } from './resolver.js';

export function describeConnections(p: ProcessEntry, w: number, ms: number): ConnectionStats[] {
  const connections: ConnectionStats[] = [];
  for (const f of p.flows) connections.push(describeFlow(f, w, ms));
  connections.sort((a, b) => b.sent + b.received - (a.sent + a.received) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return connections;
}

/** Every other socket the process holds (a listener, an idle connection), after the busy ones. */
export function addIdleSockets(
  e: { readonly resolver: Pick<Resolver, 'owners' | 'tables'> },
  p: ProcessEntry,
  connections: ConnectionStats[],
): void {
  const seen = new Set<number>();
  for (const c of connections) if (c.inode) seen.add(c.inode);
  const idle: ConnectionStats[] = [];
  for (const ino of e.resolver.owners.inodesOf(p.pid)) {
    if (seen.has(ino)) continue;
    const s = e.resolver.tables.byInode(ino);
    if (s) idle.push(describeSocket(s));
  }
  idle.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  connections.push(...idle);
}

function describeSocket(s: SocketEntry): ConnectionStats {
  const la = joinAddr(s.localAddr);
  const ra = joinAddr(s.remoteAddr);
  const local = formatEndpoint(la, s.localPort);
  const remote = formatEndpoint(ra, s.remotePort);
  const family = la.includes(':') ? 6 : 4;
  return {
    id: `${s.proto} ${local} ${remote}`,
    proto: s.proto,
    family,
    local,
    remote,
    remoteAddr: ra,
    state: s.state,
    sent: 0,
    received: 0,
    sentTotal: 0,
    receivedTotal: 0,
    sentRate: 0,
    receivedRate: 0,
    lastSeenMs: 0,
    inode: s.inode,
    active: false,
  };
}

export function describeProgram(p: ProcessEntry, connections: ConnectionStats[], w: number, ms: number): ProgramEntryStats {
  return {
    programKey: p.programKey,
    name: p.name,
    exe: p.exe,
    cmdline: p.cmdline,
    user: p.user,
    uid: p.uid,
    pids: [...p.pids!],
    container: p.container,
    unit: p.unit,
    netns: p.netns,
    sent: p.sent.recent(1),
    received: p.received.recent(1),
    sentTotal: p.sentTotal,
    receivedTotal: p.receivedTotal,
    sentRate: p.sent.rate(w, ms),
    receivedRate: p.received.rate(w, ms),
    connections,
    sentHistory: p.sent.toArray(),
    receivedHistory: p.received.toArray(),
  };
}

export function describeProcess(p: ProcessEntry, connections: ConnectionStats[], w: number, ms: number): ProcessStats {
  return {
    pid: p.pid,
    startTime: p.startTime,
    name: p.name,
    cmdline: p.cmdline,
    user: p.user,
    uid: p.uid,
    sent: p.sent.recent(1),
    received: p.received.recent(1),
    sentTotal: p.sentTotal,
    receivedTotal: p.receivedTotal,
    sentRate: p.sent.rate(w, ms),
    receivedRate: p.received.rate(w, ms),
    exitedAtMs: p.exitedAtMs,
    exe: p.exe,
    programKey: p.programKey,
    ppid: p.ppid,
    container: p.container,
    unit: p.unit,
    netns: p.netns,
    connections,
    sentHistory: p.sent.toArray(),
    receivedHistory: p.received.toArray(),
  };
}

// Each flow keeps one description, updated in place at every refresh: a new object per active
// flow per refresh (50,000 for one busy process) lived until the next refresh, so it was promoted
// and piled up in the old generation between full collections (hundreds of MB on a long run).
// A consumer that keeps a snapshot past the next refresh copies it (keepSnapshot, snapshot-copy.ts).
function describeFlow(f: Flow, w: number, ms: number): ConnectionStats {
  ensureFlowText(f);
  let sw = 0;
  let rw = 0;
  for (let i = 0; i < w; i++) {
    sw += f.sentWindow[i]!;
    rw += f.receivedWindow[i]!;
  }
  let c = f.stats;
  if (!c) {
    c = newFlowStats(f);
    f.stats = c;
  }
  c.state = f.state;
  c.sent = f.sentLast;
  c.received = f.receivedLast;
  c.sentTotal = f.sentTotal;
  c.receivedTotal = f.receivedTotal;
  c.sentRate = (sw * 1000) / (w * ms);
  c.receivedRate = (rw * 1000) / (w * ms);
  c.lastSeenMs = f.lastSeenMs;
  c.inode = f.inode;
  c.active = sw + rw > 0;
  return c;
}

function newFlowStats(f: Flow): ConnectionStats {
  return {
    id: f.idText, // made once per flow, not once per refresh
    proto: flowProtoName(f),
    family: f.family === 6 ? 6 : 4,
    local: f.localText,
    remote: f.remoteText,
    remoteAddr: f.remoteAddrText,
    state: '',
    sent: 0,
    received: 0,
    sentTotal: 0,
    receivedTotal: 0,
    sentRate: 0,
    receivedRate: 0,
    lastSeenMs: 0,
    inode: 0,
    active: false,
  };
}
