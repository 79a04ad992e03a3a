// /connections answered from the rows written from a socket view: the command's filters as query
// parameters, holders and their details, every namespace's sockets (`?netns=self`: the exporter's
// own), the same bytes as `connections --json`, kept texts and answers, the rows moved to another
// thread whole, and one sentence for a parameter it does not understand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { ConnectionsPages, answerFrom, queryWords } from '../../src/core/export/connections-page.js';
import { RowsWriter, rowBuffers, type ConnectionRows } from '../../src/core/export/connection-rows.js';
import { JsonListing } from '../../src/core/connections/json.js';
import { tableOf } from '../../src/core/engine/socket-index.js';
import { connectionsOptions, type ConnectionsWords } from '../../src/core/connections/args.js';
import { rowLister } from '../../src/core/connections/listing.js';
import type { OwnerMap } from '../../src/core/connections/owners.js';
import { selectedTables } from '../../src/core/connections/select.js';
import type { SocketView } from '../../src/core/export/socket-view.js';
import type { ProcessInfo, SocketEntry } from '../../src/core/proc/types.js';

const row = (
  proto: 'tcp' | 'udp',
  family: 4 | 6,
  local: string,
  lport: number,
  remote: string,
  rport: number,
  state: string,
  inode: number,
): SocketEntry => ({ proto, family, localAddr: local, localPort: lport, remoteAddr: remote, remotePort: rport, state, uid: 0, inode });

const ROWS = [
  row('tcp', 4, '0.0.0.0', 22, '0.0.0.0', 0, 'LISTEN', 11),
  row('tcp', 4, '10.0.0.5', 22, '10.0.0.9', 51000, 'ESTABLISHED', 12),
  row('tcp', 4, '10.0.0.5', 40000, '93.184.216.34', 443, 'SYN_SENT', 13),
  row('tcp', 6, '::', 80, '::', 0, 'LISTEN', 14),
  row('udp', 4, '0.0.0.0', 53, '0.0.0.0', 0, 'UNCONN', 15),
  row('tcp', 4, '10.0.0.5', 41000, '93.184.216.34', 443, 'TIME_WAIT', 0),
];
const HOLDERS: Record<number, number[]> = { 11: [700], 12: [701], 13: [], 14: [800], 15: [900] };
const PROCS: Record<number, ProcessInfo> = {
  700: { pid: 700, startTime: 1, name: 'sshd', cmdline: 'sshd: /usr/sbin/sshd -D', uid: 0, user: 'root', ppid: 1, exe: '' },
  701: { pid: 701, startTime: 2, name: 'sshd', cmdline: 'sshd: admin [priv]', uid: 0, user: 'root', ppid: 1, exe: '' },
  800: { pid: 800, startTime: 3, name: 'nginx', cmdline: 'nginx: master process', uid: 0, user: 'root', ppid: 1, exe: '' },
};
const CONTAINERS: Record<number, string> = { 800: 'web' };
const FOREIGN = [row('tcp', 4, '10.78.0.1', 7411, '0.0.0.0', 0, 'LISTEN', 21), row('udp', 6, '::', 5353, '::', 0, 'UNCONN', 22)];
HOLDERS[21] = [950];
PROCS[950] = { pid: 950, startTime: 4, name: 'node', cmdline: 'node server.js', uid: 0, user: 'root', ppid: 1, exe: '' };
let generation = 1;
const spaceOf = (inode: number, container: string | null, foreign: boolean, rows: SocketEntry[]) => ({
  ns: { inode, container, foreign },
  rows: (t: string) => rows.filter((e) => tableOf(e) === t),
  readMs: 1000,
  generation,
});
const view: SocketView = {
  spaces: (others) => [spaceOf(4026531840, null, false, ROWS), ...(others ? [spaceOf(4026532300, 'bwtop-cn-a', true, FOREIGN)] : [])],
  holders: (i) => HOLDERS[i] ?? [],
  process: (pid) => PROCS[pid] ?? null,
  containerOf: (pid) => CONTAINERS[pid] ?? null,
};

interface Row {
  local: string;
  state: string;
  inode: number;
  netns: number | null;
  container: string | null;
  processes: { pid: number; name: string }[];
}

function body(query: string, writer = new RowsWriter(view)): Buffer {
  const a = answerFrom(writer.write(), new URLSearchParams(query));
  assert.equal(a.status, 200, a.status === 400 ? a.error : '');
  if (a.status !== 200) return Buffer.alloc(0);
  const b = Buffer.concat(a.body);
  assert.equal(b.length, a.length);
  return b;
}

/** The sockets of bwtop's own namespace (the other one's are asked for on their own). */
function ask(query: string): Row[] {
  return JSON.parse(body(query).toString()).filter((r: Row) => r.netns === 4026531840);
}

const locals = (q: string): string[] => ask(q).map((r) => `${r.local} ${r.state}`);

test('the default, and each filter, select the rows the command would', () => {
  assert.deepEqual(locals(''), ['0.0.0.0:22 LISTEN', '10.0.0.5:22 ESTABLISHED', '[::]:80 LISTEN', '0.0.0.0:53 UNCONN']);
  assert.deepEqual(locals('listening'), ['0.0.0.0:22 LISTEN', '[::]:80 LISTEN', '0.0.0.0:53 UNCONN']);
  assert.deepEqual(locals('listening=1&proto=tcp'), ['0.0.0.0:22 LISTEN', '[::]:80 LISTEN']);
  assert.deepEqual(locals('all&4&proto=tcp'), [
    '0.0.0.0:22 LISTEN',
    '10.0.0.5:22 ESTABLISHED',
    '10.0.0.5:40000 SYN_SENT',
    '10.0.0.5:41000 TIME_WAIT',
  ]);
  assert.deepEqual(locals('state=time-wait'), ['10.0.0.5:41000 TIME_WAIT']);
  assert.deepEqual(locals('state=syn-sent'), ['10.0.0.5:40000 SYN_SENT']);
  assert.deepEqual(locals('state=LISTEN&state=UNCONN&6'), ['[::]:80 LISTEN']);
  assert.deepEqual(locals('pid=701,800'), ['10.0.0.5:22 ESTABLISHED', '[::]:80 LISTEN']);
  assert.deepEqual(locals('listening=0'), locals(''));
});

test('holders come with their details; a socket without a known holder has none', () => {
  const rows = ask('all');
  assert.deepEqual(
    rows.find((r) => r.local === '0.0.0.0:22')!.processes.map((p) => [p.pid, p.name]),
    [[700, 'sshd']],
  );
  assert.deepEqual(rows.find((r) => r.local === '10.0.0.5:40000')!.processes, []);
  assert.deepEqual(rows.find((r) => r.local === '0.0.0.0:53')!.processes, [], 'a holder that is gone is left out');
});

test('a parameter it does not understand is a 400 with one sentence', () => {
  const no = (q: string, error: string): void =>
    assert.deepEqual(answerFrom(new RowsWriter(view).write(), new URLSearchParams(q)), { status: 400, error });
  no('colour=red', 'unknown parameter "colour"; /connections takes listening, all, state, proto, pid, netns, 4 and 6');
  no('netns=other', 'unknown namespace choice "other" in netns; use netns=self for bwtop\'s own network namespace only, or netns=all');
  no('listening=yes', 'parameter "listening" takes no value (or 1 or 0), not "yes"');
  no('state=BOGUS', 'unknown socket state "BOGUS" in state; use names like LISTEN, ESTABLISHED, TIME_WAIT or UNCONN');
  no('proto=sctp', 'unknown protocol "sctp" in proto; use tcp, udp or tcp,udp');
  no('all&listening', 'all and listening both choose states; use only one of them');
});

test('rows carry their namespace, and the container of their first holder in one', () => {
  const rows = ask('all');
  assert.deepEqual(
    rows.map((r) => `${r.local} ${r.netns} ${r.container}`),
    [
      '0.0.0.0:22 4026531840 null',
      '10.0.0.5:22 4026531840 null',
      '10.0.0.5:40000 4026531840 null',
      '10.0.0.5:41000 4026531840 null',
      '[::]:80 4026531840 web',
      '0.0.0.0:53 4026531840 null',
    ],
  );
  const tw = rows.find((r) => r.state === 'TIME_WAIT')!;
  assert.deepEqual([tw.inode, tw.processes], [0, []], 'a TIME_WAIT socket has no inode and no holder');
});

test("every namespace's sockets follow the exporter's own, named like the command names them; netns=self leaves them out", () => {
  const all = (q: string) =>
    (JSON.parse(body(q).toString()) as Row[]).map((r) => `${r.local} ${r.netns} ${r.container} ${r.processes.map((p) => p.pid)}`);
  assert.deepEqual(
    all('listening'),
    [
      '0.0.0.0:22 4026531840 null 700',
      '10.78.0.1:7411 4026532300 bwtop-cn-a 950',
      '[::]:80 4026531840 web 800',
      '0.0.0.0:53 4026531840 null ',
      '[::]:5353 4026532300 bwtop-cn-a ',
    ].sort((a, b) => order(a) - order(b)),
  );
  assert.deepEqual(
    all('listening&netns=self'),
    all('listening').filter((r) => r.includes(' 4026531840 ')),
  );
  assert.deepEqual(all('listening&netns=all'), all('listening'));
});

/** Namespaces in turn (own first), and in each the tables tcp, tcp6, udp, udp6. */
function order(line: string): number {
  return ['0.0.0.0:22', '[::]:80', '0.0.0.0:53', '10.78.0.1:7411', '[::]:5353'].findIndex((l) => line.startsWith(`${l} `));
}

test('the bytes are those `connections --json` writes for the same sockets, through its own filter', () => {
  const owners: OwnerMap = new Map(Object.entries(HOLDERS).map(([i, hs]) => [Number(i), hs]));
  for (const q of ['', 'all', 'listening', 'state=time-wait', 'pid=950', 'proto=udp&6', 'netns=self&4']) {
    const parsed = connectionsOptions(queryWords(new URLSearchParams(q)) as ConnectionsWords);
    assert.ok(parsed.ok);
    const { filter, pids, netns } = parsed.options;
    const listing = new JsonListing(view.process, view.containerOf);
    for (const s of view.spaces(netns === 'all')) {
      listing.namespace(s.ns);
      const list = rowLister(pids === undefined ? { states: filter.states } : { states: filter.states, pids }, owners, listing);
      for (const t of selectedTables(filter)) for (const e of s.rows(t.name)) list(e);
    }
    assert.equal(body(q).toString(), Buffer.concat(listing.finish()).toString(), q);
  }
});

test("each socket's text is written once and kept while its row, holders and their details are the same", () => {
  const builder = new RowsWriter(view);
  const first = body('all', builder);
  const written = builder.written;
  assert.equal(written, ROWS.length + FOREIGN.length);
  generation++; // a new read of the same sockets
  assert.deepEqual(body('all', builder), first);
  assert.equal(builder.written, written + 1, 'only the TIME_WAIT row (no inode to keep it by) is written again');
  PROCS[950] = { ...PROCS[950]!, name: 'node2' };
  try {
    const again = JSON.parse(body('all', builder).toString()) as Row[];
    assert.equal(builder.written, written + 3, 'the rows of a holder whose details changed are written again');
    assert.equal(again.find((r) => r.inode === 21)!.processes[0]!.name, 'node2');
  } finally {
    PROCS[950] = { ...PROCS[950]!, name: 'node' };
  }
});

test('an answer is kept per query for as long as the same rows are served', () => {
  const pages = new ConnectionsPages(new RowsWriter(view).write());
  const first = pages.answer(new URLSearchParams('all'));
  assert.equal(pages.kept, false);
  assert.equal(pages.answer(new URLSearchParams('all')), first);
  assert.equal(pages.kept, true);
  const other = pages.answer(new URLSearchParams('listening'));
  assert.notEqual(other, first);
  assert.equal(pages.kept, false);
  assert.equal(pages.answer(new URLSearchParams('all')), first, 'each query keeps its own');
});

test('rows moved to another thread answer there with the same bytes', async () => {
  const rows = new RowsWriter(view).write();
  const here = ['', 'all', 'listening&netns=self', 'pid=950'].map((q) => {
    const a = answerFrom(rows, new URLSearchParams(q));
    return a.status === 200 ? Buffer.concat(a.body).toString() : a.error;
  });
  // The thread gets the rows' buffers themselves (moved, not copied) and answers from them.
  const code = `
    const { parentPort } = require('node:worker_threads');
    parentPort.once('message', async ({ rows, url }) => {
      const { answerFrom } = await import(url);
      const bodies = ['', 'all', 'listening&netns=self', 'pid=950'].map((q) => answerFrom(rows, new URLSearchParams(q)).body);
      parentPort.postMessage(bodies.map((b) => Buffer.concat(b).toString()));
    });`;
  const thread = new Worker(code, { eval: true });
  try {
    const there = new Promise<string[]>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
    const url = new URL('../../src/core/export/connections-page.js', import.meta.url).href;
    thread.postMessage({ rows, url } satisfies { rows: ConnectionRows; url: string }, rowBuffers(rows));
    assert.equal(rows.texts.length, 0, 'the texts were moved, not copied');
    assert.deepEqual(await there, here);
  } finally {
    await thread.terminate();
  }
});
