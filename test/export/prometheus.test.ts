// The exporter's page for the recorded loopback session: exact counters per process, the
// unknown bucket, and label escaping that a hostile process name cannot break out of.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { run, type Sink } from '../../src/cli/app.js';
import { parseLiveArgs } from '../../src/cli/args.js';
import { realDeps } from '../../src/cli/real-deps.js';
import { escapeLabel, prometheusText } from '../../src/core/export/prometheus.js';
import type { Snapshot } from '../../src/core/model.js';

const SESSION = fileURLToPath(new URL('../../../fixtures/session/loopback-web', import.meta.url));

async function lastSnapshot(): Promise<Snapshot> {
  const snaps: Snapshot[] = [];
  const sink: Sink = { update: (s) => snaps.push(s), holdAfterReplay: false, close() {} };
  const proc = join(SESSION, 'proc');
  await run(realDeps(proc), parseLiveArgs(['--replay', join(SESSION, 'capture.pcap'), '--proc-root', proc], 'live'), sink);
  return snaps.at(-1)!;
}

test('the metrics page carries every process counter and the unknown bucket of the session', async () => {
  const s = await lastSnapshot();
  const page = prometheusText(s);
  const lines = page.trimEnd().split('\n');
  // Totals per process, as the replay tests established from the capture with tcpdump.
  const web = s.processes.find((p) => p.name === 'web-srv')!;
  assert.ok(lines.includes(`bwtop_process_sent_bytes_total{pid="${web.pid}",name="web-srv",user="root"} 361088`));
  assert.ok(lines.includes(`bwtop_process_received_bytes_total{pid="${web.pid}",name="web-srv",user="root"} 1134`));
  const up = s.processes.find((p) => p.name === 'up-srv')!;
  assert.ok(lines.includes(`bwtop_process_received_bytes_total{pid="${up.pid}",name="up-srv",user="nobody"} 200476`));
  assert.ok(lines.includes('bwtop_unknown_received_bytes_total{proto="tcp"} 60362'));
  assert.ok(lines.includes(`bwtop_capture_packets_total ${s.capture.packets}`));
  // Exposition format: every sample line belongs to a metric announced by HELP and TYPE.
  const announced = new Set(lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
  for (const l of lines.filter((x) => !x.startsWith('#'))) {
    assert.match(l, /^[a-z_]+(\{[^}]*\})? \d+$/);
    assert.ok(announced.has(l.split(/[{ ]/)[0]!), l);
  }
  assert.equal(s.processes.length * 3, lines.filter((l) => l.startsWith('bwtop_process_')).length);
});

test('label values are escaped so a process name cannot forge a series', () => {
  assert.equal(escapeLabel('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  const evil = 'x"} 1\nbwtop_process_sent_bytes_total{pid="1';
  const line = prometheusText({
    tsMs: 0, intervalMs: 1000,
    capture: { interfaces: ['lo'], packets: 0, dropped: 0, malformed: 0, duplicates: 0, notIp: 0 },
    totals: { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0, sentRate: 0, receivedRate: 0, sentHistory: [], receivedHistory: [] },
    processes: [{
      pid: 7, startTime: 1, name: evil, cmdline: '', user: 'root', uid: 0, sent: 0, received: 0, sentTotal: 5,
      receivedTotal: 0, sentRate: 0, receivedRate: 0, exitedAtMs: 0, connections: [], sentHistory: [], receivedHistory: [],
      exe: '/usr/bin/x', programKey: 'x', ppid: 1, container: null, unit: null, netns: null,
    }],
    programs: [],
    ownership: { mode: 'events', note: null },
    unknown: { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0, byProto: {
      tcp: { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 },
      udp: { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 },
      other: { sent: 0, received: 0, sentTotal: 0, receivedTotal: 0 },
    } },
    pendingBytes: 0,
  }).split('\n').filter((l) => l.startsWith('bwtop_process_sent_bytes_total'));
  assert.deepEqual(line, ['bwtop_process_sent_bytes_total{pid="7",name="x\\"} 1\\nbwtop_process_sent_bytes_total{pid=\\"1",user="root"} 5']);
});
