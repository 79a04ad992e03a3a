// /connections answered from a socket view: the command's filters as query parameters, holders
// and their details, and one sentence for a parameter it does not understand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionsPages, connectionsPage } from '../../src/core/export/connections-page.js';
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
const view: SocketView = {
  entries: () => ROWS,
  holders: (i) => HOLDERS[i] ?? [],
  process: (pid) => PROCS[pid] ?? null,
  namespace: () => ({ inode: 4026531840, container: null, foreign: false }),
  containerOf: (pid) => CONTAINERS[pid] ?? null,
  version: () => '1',
};

interface Row {
  local: string;
  state: string;
  inode: number;
  netns: number | null;
  container: string | null;
  processes: { pid: number; name: string }[];
}

function ask(query: string): Row[] {
  const a = connectionsPage(view, new URLSearchParams(query));
  assert.equal(a.status, 200, a.status === 400 ? a.error : '');
  return JSON.parse(Buffer.concat(a.status === 200 ? a.body : []).toString());
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
  const no = (q: string, error: string): void => assert.deepEqual(connectionsPage(view, new URLSearchParams(q)), { status: 400, error });
  no('colour=red', 'unknown parameter "colour"; /connections takes listening, all, state, proto, pid, 4 and 6');
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
      '[::]:80 4026531840 web',
      '0.0.0.0:53 4026531840 null',
      '10.0.0.5:41000 4026531840 null',
    ],
  );
  const tw = rows.find((r) => r.state === 'TIME_WAIT')!;
  assert.deepEqual([tw.inode, tw.processes], [0, []], 'a TIME_WAIT socket has no inode and no holder');
});

test('an answer is kept until the view changes, per query', () => {
  let version = 1;
  let built = 0;
  const counting: SocketView = {
    ...view,
    entries: () => {
      built++;
      return ROWS;
    },
    version: () => String(version),
  };
  const pages = new ConnectionsPages(counting);
  const first = pages.answer(new URLSearchParams('all'));
  assert.equal(pages.answer(new URLSearchParams('all')), first);
  pages.answer(new URLSearchParams('listening'));
  assert.equal(built, 2, 'one build per query');
  version = 2;
  const again = pages.answer(new URLSearchParams('all'));
  assert.notEqual(again, first);
  assert.equal(built, 3, 'a new version builds again');
  assert.deepEqual(again, first, 'with the same rows, the same answer');
});
