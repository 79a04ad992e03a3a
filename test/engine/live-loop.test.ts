// The live path without root: the live driver and its schedule (src/core/engine/live-loop.ts)
// run on a fake clock, a fake capture that plays the recorded loopback-web session packet by
// packet at its own timestamps, the /proc copy of the same processes, and a fake process-event
// source. Every byte lands where the replay puts it, refreshes come from the timer, and an exit
// event ends a process's row without any polling.
import { keepSnapshot } from '../../src/core/snapshot-copy.js';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcFs } from '../../src/adapters/procfs.js';
import { readCaptureFile } from '../../src/adapters/capture-file.js';
import type { LiveCapture } from '../../src/adapters/live-capture.js';
import type { Snapshot } from '../../src/core/model.js';
import { run } from '../../src/cli/app.js';
import { parseLiveArgs } from '../../src/cli/args.js';
import type { AppDeps, ProcEventHandlers } from '../../src/cli/deps.js';
import { realDeps } from '../../src/cli/real-deps.js';
import type { Sink, SocketDiag } from '../../src/cli/deps.js';
import { PacketDecoder } from '../../src/core/decode/decoder.js';
import { DECODED_PORTS } from '../../src/core/packet.js';
import { readSocketTables } from '../../src/core/engine/tables.js';
import type { SocketNeed } from '../../src/core/engine/table-plan.js';

const SESSION = fileURLToPath(new URL('../../../fixtures/session/loopback-web', import.meta.url));
const PROC = join(SESSION, 'proc');

interface Packet {
  data: Buffer;
  caplen: number;
  tsMs: number;
}

/** A clock and timers the test advances by hand. */
class FakeTime {
  at = 0;
  now = (): number => this.at;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  setTimeout = (fn: () => void, ms: number): number => {
    const id = this.next++;
    this.timers.push({ at: this.at + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  /** Run every timer due up to `t` in order; let promises settle after each. */
  async advanceTo(t: number): Promise<void> {
    for (let n = 0; ; n++) {
      if (n > 100_000) throw new Error(`timers keep firing at ${this.at} (next: ${this.timers.map((x) => x.at - this.at).join(',')})`);
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > t) break;
      this.timers.shift();
      this.at = Math.max(this.at, due.at);
      due.fn();
      for (let i = 0; i < 20; i++) await Promise.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.at = t;
  }
}

/** The recorded session's packets, and its link type. */
function sessionPackets(): { packets: Packet[]; linkType: number } {
  const packets: Packet[] = [];
  let linkType = 0;
  readCaptureFile(join(SESSION, 'capture.pcap'), (buf, caplen, tsMs, lt) => {
    packets.push({ data: Buffer.from(buf.subarray(0, caplen)), caplen, tsMs });
    linkType = lt;
  });
  return { packets, linkType };
}

/**
 * bwtop's live path over the session's /proc copy with a netlink stand-in that answers from the
 * same tables and counts what it is asked: reads of every row, listener reads, exact look-ups.
 */
function liveOverFixture(o: { need?: SocketNeed; count: number; diag?: boolean; late41003?: boolean }) {
  const { packets, linkType } = sessionPackets();
  const time = new FakeTime();
  time.at = Math.floor(packets[0]!.tsMs) - 500;
  // `late41003`: the sockets of port 41003 are left out of the tables until the packets play (the
  // connection opens while bwtop runs).
  const proc = new ProcFs(PROC, { passwdPath: join(PROC, 'etc-passwd') });
  const readNetTable = proc.readNetTable.bind(proc);
  let opened = !o.late41003;
  proc.readNetTable = (name) => {
    const text = readNetTable(name);
    return opened || text === null
      ? text
      : text
          .split('\n')
          .filter((l) => !l.includes(':A02B '))
          .join('\n');
  };
  const asked = { dumps: 0, listenerDumps: 0, lookups: [] as string[] };
  const diag = (): SocketDiag => ({
    dump: async (names, states) => {
      if (states === undefined) asked.dumps++;
      else asked.listenerDumps++;
      return readSocketTables(proc, names).filter((e) => states === undefined || e.state === 'LISTEN' || e.proto === 'udp');
    },
    lookup: async (t, la, lp, ra, rp) => {
      asked.lookups.push(`${t} ${la}:${lp} ${ra}:${rp}`);
      const hit = readSocketTables(proc, [t]).find(
        (e) => e.localAddr === la && e.localPort === lp && e.remoteAddr === ra && e.remotePort === rp,
      );
      return hit ?? null;
    },
    close() {},
  });
  let deliver: ((c: LiveCapture) => void) | null = null;
  let events: ProcEventHandlers | null = null;
  const cap: LiveCapture = {
    name: 'lo',
    linkTypeName: linkType === 1 ? 'LINKTYPE_ETHERNET' : `Unknown linktype ${linkType}`,
    buf: Buffer.alloc(256),
    header: Buffer.alloc(16),
    dropped: () => 0,
    close() {},
  };
  const deps: AppDeps = {
    ...realDeps(PROC),
    proc,
    upInterfaces: () => ['lo'],
    interfaceExists: () => true,
    isEthernet: () => linkType === 1,
    isLoopback: () => true,
    readTablesAsync: undefined,
    openSockDiag: o.diag === false ? undefined : diag,
    openSynWatch: undefined,
    openLive: (_name, _vlan, onPacket) => {
      deliver = onPacket;
      return cap;
    },
    openProcEvents: (handlers) => {
      events = handlers;
      return { close() {} };
    },
    timers: time,
    now: time.now,
    onStopSignal: () => () => {},
  };
  const snaps: Snapshot[] = [];
  const need = o.need;
  const sink: Sink = { update: (s) => snaps.push(keepSnapshot(s)), socketNeed: need && (() => need), holdAfterReplay: false, close() {} };
  const done = run(deps, parseLiveArgs(['-i', 'lo', '--json', '--count', String(o.count)], 'live'), sink);
  const play = async (list: Packet[]): Promise<void> => {
    opened = true;
    for (const p of list) {
      await time.advanceTo(Math.max(time.at, p.tsMs));
      p.data.copy(cap.buf);
      const sec = Math.floor(p.tsMs / 1000);
      cap.header.writeUInt32LE(sec, 0);
      cap.header.writeUInt32LE(Math.round((p.tsMs - sec * 1000) * 1000), 4);
      cap.header.writeUInt32LE(p.caplen, 8);
      cap.header.writeUInt32LE(p.caplen, 12);
      deliver!(cap);
    }
  };
  return { packets, time, asked, snaps, done, play, events: () => events };
}

/** The packets between two ports of the session. */
function conversation(packets: Packet[], portA: number, portB: number): Packet[] {
  const d = new PacketDecoder();
  return packets.filter((p) => {
    if (d.decode(p.data, p.caplen, 1, p.tsMs) !== DECODED_PORTS) return false;
    const ports = [d.out.sport, d.out.dport].sort((a, b) => a - b);
    return ports[0] === Math.min(portA, portB) && ports[1] === Math.max(portA, portB);
  });
}

test('idle refreshes read no socket table and look nothing up', async () => {
  for (const need of ['none', 'changes'] as const) {
    const h = liveOverFixture({ need, count: 5 });
    await h.time.advanceTo(h.time.at + 5500);
    assert.equal(await h.done, 0);
    assert.equal(h.snaps.length, 5);
    assert.deepEqual(
      { ...h.asked, need },
      { dumps: 0, listenerDumps: 0, lookups: [], need },
      'the start reads /proc once; idle ticks nothing',
    );
  }
  // A list of every socket on show: every refresh reads every table.
  const fresh = liveOverFixture({ need: 'fresh', count: 5 });
  await fresh.time.advanceTo(fresh.time.at + 5500);
  await fresh.done;
  assert.equal(fresh.asked.dumps, 5);
});

test('a new connection is looked up once; a refresh looks up only the sockets its SYN-ACK changed', async () => {
  const h = liveOverFixture({ need: 'none', count: 4, late41003: true });
  await h.time.advanceTo(h.time.at);
  // 41003 -> 8081: SYN, SYN-ACK, data both ways; both ends ESTABLISHED in the tables.
  const talk = conversation(h.packets, 41003, 8081);
  assert.equal(talk.length, 16);
  await h.play(talk);
  await h.time.advanceTo(h.time.at + 20); // the resolver's passes, before the next refresh
  assert.deepEqual(h.asked.lookups.sort(), ['tcp 127.0.0.1:41003 127.0.0.1:8081', 'tcp 127.0.0.1:8081 127.0.0.1:41003']);
  h.asked.lookups = [];
  await h.time.advanceTo(h.time.at + 4000);
  assert.equal(await h.done, 0);
  // The SYN-ACK changed both ends' state: each looked up once at the next refresh, then nothing.
  assert.deepEqual(h.asked.lookups.sort(), ['tcp 127.0.0.1:41003 127.0.0.1:8081', 'tcp 127.0.0.1:8081 127.0.0.1:41003']);
  assert.equal(h.asked.dumps, 0);
  const last = h.snaps.at(-1)!;
  const states = last.processes.flatMap((p) => p.connections.map((c) => `${p.name} ${c.local} ${c.state}`)).sort();
  assert.deepEqual(states, ['up-client 127.0.0.1:41003 ESTABLISHED', 'up-srv 127.0.0.1:8081 ESTABLISHED', 'up-srv 127.0.0.1:8081 LISTEN']);
});

test('live driver on a fake clock: replayed packets, fixture /proc, fake process events', async () => {
  const h = liveOverFixture({ count: 6, diag: false });
  await h.time.advanceTo(h.time.at); // start: tables read, full scan under way
  await h.play(h.packets);
  await h.time.advanceTo(h.time.at + 1000);
  // The kernel reports the upload server's exit: no liveness polling needed to see it.
  h.events()!.exited(13227, h.time.at);
  await h.time.advanceTo(h.time.at + 3000);
  assert.equal(await h.done, 0);
  const snaps = h.snaps;
  assert.equal(snaps.length, 6, 'one snapshot per timer refresh, then --count stops it');
  const last = snaps.at(-1)!;
  assert.deepEqual(last.ownership, { mode: 'events', note: null });
  const totals = last.processes.map((p) => `${p.pid} ${p.name} ${p.sentTotal}/${p.receivedTotal}`).sort();
  assert.deepEqual(totals, [
    '13217 web-srv 361088/1134',
    '13227 up-srv 375/200476',
    '13246 udp-srv 2996/896',
    '13256 v6-echo-srv 40440/40728',
    '13269 dl-client-1 361/150363',
    '13275 udp-client 896/2996',
    '13294 up-client 200476/375',
    '13300 dl-client-2 413/150363',
    '13309 v6-client 40728/40440',
  ]);
  assert.notEqual(last.processes.find((p) => p.pid === 13227)!.exitedAtMs, 0, 'up-srv shown exited');
  assert.equal(last.processes.find((p) => p.pid === 13217)!.exitedAtMs, 0);
  assert.deepEqual([last.unknown.sentTotal, last.unknown.receivedTotal], [360, 60362]);
});

test('the screen’s list re-reads every row after connections changed, at most every 10 s; look-ups in between', async () => {
  const h = liveOverFixture({ need: 'changes', count: 14, late41003: true });
  await h.time.advanceTo(h.time.at);
  await h.play(conversation(h.packets, 41003, 8081));
  await h.time.advanceTo(h.time.at + 4000);
  assert.equal(h.asked.dumps, 0, 'within 10 s of the start’s read: look-ups only');
  assert.equal(h.asked.lookups.length, 4, 'each end once as it appeared, once after its SYN-ACK');
  await h.time.advanceTo(h.time.at + 10_000);
  assert.equal(await h.done, 0);
  assert.equal(h.asked.dumps, 1, 'one read of every row once 10 s had passed, none after (nothing changed since)');
});

test('a list of every socket on show: every row each refresh, but only every 5 s while connections open and close', async () => {
  const h = liveOverFixture({ need: 'fresh', count: 12, late41003: true });
  const talk = conversation(h.packets, 41003, 8081);
  await h.time.advanceTo(talk[0]!.tsMs - 1);
  const quiet = h.asked.dumps;
  assert.ok(quiet >= 1, 'quiet refreshes read every row');
  await h.play(talk); // a new connection: it churned before the next refresh
  await h.time.advanceTo(h.time.at + 1000);
  assert.equal(h.asked.dumps, quiet, 'the refresh after the new connection looks its sockets up instead');
  assert.equal(h.asked.lookups.length, 4);
  await h.time.advanceTo(h.time.at + 1000);
  assert.equal(h.asked.dumps, quiet + 1, 'quiet again: every row, each refresh');
  await h.time.advanceTo(h.time.at + 12_000);
  assert.equal(await h.done, 0);
});
