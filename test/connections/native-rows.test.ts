// `connections --json` rows joined and written by the native addon (src/native/render_rows.c)
// against the same dumps listed by the JavaScript path (decoded row by row, rowLister, JsonListing),
// and a namespace dumped from inside it (setns) against its /proc/PID/net text tables: byte for
// byte, in order. Processes this test starts in a network namespace of its own hold TCP and UDP
// sockets over IPv4, IPv6 and IPv4-mapped IPv6, a listener shared by a pre-fork parent and its
// children, a TIME_WAIT; the namespace is quiet, so two reads list the same sockets.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connectionsCommand } from '../../src/cli/connections.js';

const SCENARIO = fileURLToPath(new URL('../../../test/fixtures-tools/proc-scenario.py', import.meta.url));
const COMMAND = pathToFileURL(fileURLToPath(new URL('../../src/cli/connections.js', import.meta.url))).href;
const DUMP = pathToFileURL(fileURLToPath(new URL('../../src/adapters/sock-dump.js', import.meta.url))).href;
const PY = '/usr/bin/python3';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespace, setns, every process`s descriptors)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return '`ip netns` is not available';
  if (spawnSync(PY, ['-c', '0']).status !== 0) return `${PY} is not available`;
  return undefined;
}
const SKIP = skipReason();
if (SKIP) console.log(`# native rows test skipped: ${SKIP}`);

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The command run in this process, its standard output collected (not written to fd 1). */
async function listHere(args: string[]): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  assert.equal(await connectionsCommand(args, { stdout, stderr, procRoot: '/proc', isRoot: true }), 0);
  assert.equal(err, '');
  return out;
}

test('native rows equal the JavaScript listing of the same dumps, and a namespace dumped from inside it equals its text tables', {
  skip: SKIP,
  timeout: 60_000,
}, async () => {
  const ns = `bwtop-rows-${process.pid}`;
  const children: ChildProcess[] = [];
  let forked: number[] = [];
  const run = (...args: string[]) => {
    const c = spawn('ip', ['netns', 'exec', ns, PY, SCENARIO, ...args], { stdio: 'ignore' });
    children.push(c);
    return c;
  };
  assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0);
  try {
    assert.equal(spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']).status, 0);
    run('tcp-server', 'tcp4 server', '127.0.0.1', '7001');
    run('tcp-server', 'dual srv', '::', '7002', '0');
    run('tcp-server', 'v6-server', '::1', '7003', '1');
    const prefork = run('prefork', 'pre-parent', '127.0.0.1', '7004', '2', 'pre-child');
    run('udp', 'udp4', '127.0.0.1', '7005');
    run('udp', 'udp6', '::1', '7006', '1');
    await delay(700);
    run('tcp-client', 'cli4', '4', '127.0.0.1', '7001', '127.0.0.1', '7002', '127.0.0.1', '7004');
    run('tcp-client', 'cli6', '6', '::1', '7003', '::1', '7002', '::ffff:127.0.0.1', '7001');
    run('udp', 'udp4-conn', '127.0.0.1', '7009', '-', '127.0.0.1', '7005');
    spawnSync('ip', ['netns', 'exec', ns, PY, SCENARIO, 'time-wait', 'tw', '127.0.0.1', '7001']);
    await delay(700);
    forked = spawnSync('pgrep', ['-P', String(prefork.pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .map(Number)
      .filter((pid) => pid > 0);

    // Inside the namespace: the addon's rows, then the same tables dumped by the addon but
    // decoded and listed in JavaScript (a dumper given to the command takes that path).
    for (const args of [
      ['--json', '--all', '--netns', 'self'],
      ['--json', '--netns', 'self'],
      ['--json', '--state', 'listen,unconn', '--netns', 'self'],
    ]) {
      const code = `import { connectionsCommand } from ${JSON.stringify(COMMAND)};
        import { nativeTableDump } from ${JSON.stringify(DUMP)};
        const io = { stdout: process.stdout, stderr: process.stderr, procRoot: '/proc', isRoot: true };
        const args = ${JSON.stringify(args)};
        const dump = nativeTableDump();
        const viaJs = async (table, states, visit) => dump(table, states).forEach(visit);
        process.exitCode = await connectionsCommand(args, io, process.argv.at(-1) === 'js' ? viaJs : undefined);`;
      const list = (how: string) => {
        const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', code, how], { encoding: 'latin1' });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, '');
        return r.stdout;
      };
      const native = list('native');
      const js = list('js');
      assert.ok(native.split('\n').length > 7, native); // six listeners and unconnected sockets at least
      assert.equal(native, js, args.join(' '));
    }

    // From this namespace: the test's namespace dumped from inside it, against its text tables.
    const inode = statSync(`/run/netns/${ns}`).ino;
    const rowsOf = (out: string) => out.split('\n').filter((l) => l.includes(`"netns":${inode},`));
    for (const args of [['--json', '--all'], ['--json']]) {
      const dumped = rowsOf(await listHere(args));
      const text = rowsOf(await listHere([...args, '--proc-root', '/proc']));
      assert.ok(dumped.length > 10, `${args.join(' ')}: ${dumped.length} rows of the test's namespace`);
      assert.deepEqual(dumped, text, args.join(' '));
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    for (const pid of forked) {
      try {
        process.kill(pid, 'SIGTERM'); // the pre-fork children outlive their parent
      } catch {
        // already gone
      }
    }
    await delay(100);
    spawnSync('ip', ['netns', 'del', ns]);
  }
});
