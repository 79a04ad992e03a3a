// The live path without root: the live driver and its schedule (src/core/engine/live-loop.ts)
// run on a fake clock, a fake capture that plays the recorded loopback-web session packet by
// packet at its own timestamps, the /proc copy of the same processes, and a fake process-event
// source. Every byte lands where the replay puts it, refreshes come from the timer, and an exit
// event ends a process's row without any polling.
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

test('live driver on a fake clock: replayed packets, fixture /proc, fake process events', async () => {
  const packets: Packet[] = [];
  let linkType = 0;
  readCaptureFile(join(SESSION, 'capture.pcap'), (buf, caplen, tsMs, lt) => {
    packets.push({ data: Buffer.from(buf.subarray(0, caplen)), caplen, tsMs });
    linkType = lt;
  });
  const time = new FakeTime();
  time.at = Math.floor(packets[0]!.tsMs) - 500;
  let deliver: ((c: LiveCapture) => void) | null = null;
  const cap: LiveCapture = {
    name: 'lo',
    linkTypeName: linkType === 1 ? 'LINKTYPE_ETHERNET' : `Unknown linktype ${linkType}`,
    buf: Buffer.alloc(256),
    header: Buffer.alloc(16),
    dropped: () => 0,
    close() {},
  };
  let events: ProcEventHandlers | null = null;
  const deps: AppDeps = {
    ...realDeps(PROC),
    proc: new ProcFs(PROC, { passwdPath: join(PROC, 'etc-passwd') }),
    upInterfaces: () => ['lo'],
    interfaceExists: () => true,
    isEthernet: () => linkType === 1,
    isLoopback: () => true,
    readTablesAsync: undefined,
    openSockDiag: undefined,
    openSynWatch: undefined,
    openLive: (_name, _vlan, onPacket) => {
      deliver = onPacket;
      return cap;
    },
    openProcEvents: (h) => {
      events = h;
      return { close() {} };
    },
    timers: time,
    now: time.now,
    onStopSignal: () => () => {},
  };
  const snaps: Snapshot[] = [];
  const options = parseLiveArgs(['-i', 'lo', '--json', '--count', '6'], 'live');
  const done = run(deps, options, { update: (s) => snaps.push(s), holdAfterReplay: false, close() {} });
  await time.advanceTo(time.at); // start: tables read, full scan under way
  for (const p of packets) {
    await time.advanceTo(p.tsMs);
    p.data.copy(cap.buf);
    const sec = Math.floor(p.tsMs / 1000);
    cap.header.writeUInt32LE(sec, 0);
    cap.header.writeUInt32LE(Math.round((p.tsMs - sec * 1000) * 1000), 4);
    cap.header.writeUInt32LE(p.caplen, 8);
    cap.header.writeUInt32LE(p.caplen, 12);
    deliver!(cap);
  }
  await time.advanceTo(time.at + 1000);
  // The kernel reports the upload server's exit: no liveness polling needed to see it.
  events!.exited(13227, time.at);
  await time.advanceTo(time.at + 3000);
  assert.equal(await done, 0);

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
