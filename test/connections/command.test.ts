// `bwtop connections` end to end (in-process) over the recorded /proc fixture
// fixtures/proc/loopback-mix (see fixtures/proc/README.md for who holds what).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { refusedSockDiag } from '../../src/adapters/netlink.js';
import { connectionsCommand, type SocketDumper } from '../../src/cli/connections.js';
import { UserError } from '../../src/cli/io.js';

const root = fileURLToPath(new URL('../../../fixtures/proc/loopback-mix', import.meta.url));
const SCEN = '/usr/bin/python3 /work/main/test/fixtures-tools/proc-scenario.py';

async function run(
  args: string[],
  isRoot = true,
  procRoot = root,
  dumper?: SocketDumper,
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const code = await connectionsCommand(args, { stdout, stderr, procRoot, isRoot }, dumper);
  return { code, out, err };
}

interface Proc {
  pid: number;
  name: string;
  user: string;
}
interface Sock {
  proto: string;
  family: number;
  local: string;
  remote: string;
  state: string;
  inode: number;
  processes: Proc[];
}

async function json(args: string[]): Promise<Sock[]> {
  const r = await run(['--json', ...args]);
  assert.equal(r.code, 0);
  return JSON.parse(r.out) as Sock[];
}

/** One socket in a compact form: "proto local remote state inode pid/name/user,..." */
const brief = (s: Sock) =>
  `${s.proto}${s.family === 6 ? '6' : ''} ${s.local} ${s.remote} ${s.state} ${s.inode} ` +
  s.processes.map((p) => `${p.pid}/${p.name}/${p.user}`).join(',');

test('default: TCP LISTEN + ESTABLISHED and every UDP socket, with exact owners', async () => {
  assert.deepEqual((await json([])).map(brief), [
    'tcp 127.0.0.1:7008 0.0.0.0:0 LISTEN 45550 6793/nobody-srv/nobody',
    'tcp 127.0.0.1:7001 0.0.0.0:0 LISTEN 45551 6786/tcp4 server/root',
    'tcp 127.0.0.1:7004 0.0.0.0:0 LISTEN 46231 6789/pre-parent/root,6795/pre-child/root,6796/pre-child/root',
    'tcp 127.0.0.1:47634 127.0.0.1:7004 ESTABLISHED 45717 6797/cli4/root',
    'tcp 127.0.0.1:51784 127.0.0.1:7008 ESTABLISHED 45718 6797/cli4/root',
    'tcp 127.0.0.1:7001 127.0.0.1:57280 ESTABLISHED 45727 6786/tcp4 server/root',
    'tcp 127.0.0.1:7001 127.0.0.1:57264 ESTABLISHED 45715 6786/tcp4 server/root',
    'tcp 127.0.0.1:57264 127.0.0.1:7001 ESTABLISHED 45714 6797/cli4/root',
    'tcp 127.0.0.1:7008 127.0.0.1:51784 ESTABLISHED 45720 6793/nobody-srv/nobody',
    'tcp 127.0.0.1:60760 127.0.0.1:7002 ESTABLISHED 45716 6797/cli4/root',
    'tcp 127.0.0.1:7004 127.0.0.1:47634 ESTABLISHED 45719 6795/pre-child/root',
    'tcp6 [::]:7002 [::]:0 LISTEN 46233 6787/dual srv) (x/root',
    'tcp6 [::1]:7003 [::]:0 LISTEN 45549 6788/v6-server/root',
    'tcp6 [::ffff:127.0.0.1]:7002 [::ffff:127.0.0.1]:60760 ESTABLISHED 46246 6787/dual srv) (x/root',
    'tcp6 [::1]:7002 [::1]:49166 ESTABLISHED 46247 6787/dual srv) (x/root',
    'tcp6 [::1]:7003 [::1]:49818 ESTABLISHED 45728 6788/v6-server/root',
    'tcp6 [::1]:49166 [::1]:7002 ESTABLISHED 45724 6798/cli6/root',
    'tcp6 [::1]:49818 [::1]:7003 ESTABLISHED 45723 6798/cli6/root',
    'tcp6 [::ffff:127.0.0.1]:57280 [::ffff:127.0.0.1]:7001 ESTABLISHED 45725 6798/cli6/root',
    'udp 127.0.0.1:7005 0.0.0.0:0 UNCONN 45552 6790/udp4-unconn/root',
    'udp 127.0.0.1:7009 127.0.0.1:7005 ESTABLISHED 45726 6799/udp4-conn/root',
    'udp6 [::1]:7006 [::]:0 UNCONN 46232 6791/udp6-unconn/root',
    'udp6 [::]:7007 [::]:0 UNCONN 45553 6792/udp-dual/root',
  ]);
});

test('the contract fields of one element, exactly', async () => {
  const all = await json(['--pid', '6786', '--listening']);
  assert.deepEqual(all, [
    {
      proto: 'tcp',
      family: 4,
      local: '127.0.0.1:7001',
      remote: '0.0.0.0:0',
      state: 'LISTEN',
      inode: 45551,
      uid: 0,
      processes: [
        {
          pid: 6786,
          name: 'tcp4 server',
          user: 'root',
          uid: 0,
          cmdline: `${SCEN} tcp-server tcp4 server 127.0.0.1 7001`,
        },
      ],
      netns: null, // a procfs copy keeps no namespace links
      container: null,
    },
  ]);
});

test('--all adds the TIME_WAIT socket, which has no owner', async () => {
  const all = (await json(['--all'])).map(brief);
  assert.equal(all.length, 24);
  assert.ok(all.includes('tcp 127.0.0.1:57270 127.0.0.1:7001 TIME_WAIT 0 '));
});

test('--state, --listening, --proto, -4/-6, --pid', async () => {
  assert.deepEqual((await json(['--state', 'time-wait'])).map(brief), ['tcp 127.0.0.1:57270 127.0.0.1:7001 TIME_WAIT 0 ']);
  assert.deepEqual(
    (await json(['--listening', '--proto', 'udp'])).map((s) => s.local),
    ['127.0.0.1:7005', '[::1]:7006', '[::]:7007'],
  );
  assert.deepEqual(
    (await json(['--listening', '-6', '--proto=tcp'])).map((s) => s.local),
    ['[::]:7002', '[::1]:7003'],
  );
  assert.deepEqual(
    (await json(['-4', '--state', 'ESTAB', '--proto', 'udp'])).map((s) => s.local),
    ['127.0.0.1:7009'],
  );
  // a shared listener selected through one holder still lists all three
  assert.deepEqual((await json(['--pid', '6796'])).map(brief), [
    'tcp 127.0.0.1:7004 0.0.0.0:0 LISTEN 46231 6789/pre-parent/root,6795/pre-child/root,6796/pre-child/root',
  ]);
  assert.deepEqual(
    (await json(['--pid', '6798,6799', '-4'])).map((s) => s.inode),
    [45726],
  );
  assert.deepEqual(await json(['--pid', '424242']), []);
});

test('human table: ss-like columns, extra holders on their own lines', async () => {
  const r = await run(['--listening', '-4', '--proto', 'tcp']);
  assert.equal(r.code, 0);
  assert.equal(
    r.out,
    [
      'Proto  State   Local Address:Port  Peer Address:Port  PID/Program       User',
      'tcp    LISTEN  127.0.0.1:7008      0.0.0.0:*          6793/nobody-srv   nobody',
      'tcp    LISTEN  127.0.0.1:7001      0.0.0.0:*          6786/tcp4 server  root',
      'tcp    LISTEN  127.0.0.1:7004      0.0.0.0:*          6789/pre-parent   root',
      '                                                      6795/pre-child    root',
      '                                                      6796/pre-child    root',
      '',
    ].join('\n'),
  );
  for (const line of r.out.split('\n')) assert.ok(line.length <= 80, line);
});

test('not root: every socket still listed, owners where readable, one sentence on stderr', async () => {
  const asUser = await run(['--json'], false);
  assert.equal(asUser.err, ''); // every fixture fd/ is readable, so nothing is hidden
  // A copy where one process's fd/ cannot be read (as for another user's process).
  const dir = mkdtempSync(join(tmpdir(), 'bwtop-conn-'));
  try {
    cpSync(root, dir, { recursive: true, verbatimSymlinks: true });
    rmSync(join(dir, '6793/fd'), { recursive: true });
    const r = await run(['--json', '--listening', '-4', '--proto', 'tcp'], false, dir);
    assert.equal(
      r.err,
      "bwtop: not running as root, so the owners of other users' sockets are not shown; run it as root to see every owner\n",
    );
    assert.deepEqual((JSON.parse(r.out) as Sock[]).map(brief), [
      'tcp 127.0.0.1:7008 0.0.0.0:0 LISTEN 45550 ',
      'tcp 127.0.0.1:7001 0.0.0.0:0 LISTEN 45551 6786/tcp4 server/root',
      'tcp 127.0.0.1:7004 0.0.0.0:0 LISTEN 46231 6789/pre-parent/root,6795/pre-child/root,6796/pre-child/root',
    ]);
    assert.equal((await run(['--json'], true, dir)).err, ''); // root: nothing to apologise for
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('user mistakes are one sentence, exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--state', 'BOGUS'], /unknown socket state "BOGUS"/],
    [['--proto', 'sctp'], /unknown protocol "sctp"/],
    [['--pid', 'abc'], /"abc" is not a process id/],
    [['--pid'], /--pid needs a process id/],
    [['--all', '--listening'], /--all and --listening both choose states/],
    [['--frobnicate'], /unknown option "--frobnicate"/],
    [['--proc-root', '/nonexistent-bwtop-root'], /cannot list processes in \/nonexistent-bwtop-root/],
  ];
  for (const [args, re] of cases) {
    await assert.rejects(run(args), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.match(e.message, re);
      assert.equal(e.exitCode, 2);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  }
});

test('--help prints usage and exits 0', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^Usage: bwtop connections/);
});

// The live /proc path when netlink is refused (a kernel without inet_diag, a sandbox): the text
// tables are read instead, said once on stderr. The refusal is the adapter's own sentence; the
// sockets are this test's own listener, which must be listed with this process.
for (const how of ['at once', 'after a table'] as const) {
  test(`netlink refused ${how}: falls back to /proc/net, said once on stderr`, async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '::1', () => r())); // in tcp6: read from text in both cases
    try {
      const port = (srv.address() as net.AddressInfo).port;
      const refusal = refusedSockDiag('the kernel answered ENOENT to a tcp dump');
      // Refused at once, or after the first table (tcp) was read: tcp6 and on come from the text.
      let calls = 0;
      const refuse: SocketDumper = async (table, states, visit) => {
        if (how === 'after a table' && calls++ === 0) {
          assert.equal(table, 'tcp');
          assert.equal(states, (1 << 1) | (1 << 10)); // LISTEN and ESTABLISHED only, by default
          visit({
            proto: 'tcp',
            family: 4,
            localAddr: '127.0.0.2',
            localPort: 1,
            remoteAddr: '0.0.0.0',
            remotePort: 0,
            state: 'LISTEN',
            uid: 0,
            inode: 0,
          });
          return;
        }
        throw refusal;
      };
      const { code, out, err } = await run(['--json', '--proto', 'tcp'], true, '/proc', refuse);
      assert.equal(code, 0);
      assert.equal(
        err,
        'bwtop: cannot read the socket tables over netlink (sock_diag): the kernel answered ENOENT to a tcp dump; ' +
          'reading the slower /proc/net tables instead (a kernel with inet_diag, tcp_diag and udp_diag avoids this)\n',
      );
      const listed = JSON.parse(out) as Sock[];
      const mine = listed.filter((s) => s.local === `[::1]:${port}`);
      assert.deepEqual(
        mine.map((s) => [s.state, s.processes.map((p) => p.pid)]),
        [['LISTEN', [process.pid]]],
      );
      // The row the dumper gave before refusing is kept, and its table not read twice.
      assert.equal(listed.filter((s) => s.local === '127.0.0.2:1').length, how === 'after a table' ? 1 : 0);
    } finally {
      srv.close();
    }
  });
}
