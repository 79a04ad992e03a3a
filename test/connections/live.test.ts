// `bwtop connections` against `ss -tanp` / `ss -uanp` on live sockets: processes this test starts
// in a network namespace of its own (loopback only) hold TCP and UDP sockets over IPv4, IPv6 and
// IPv4-mapped IPv6, a listener shared by a pre-fork parent and its children, and a TIME_WAIT.
// Both tools run inside that namespace; for every pid we started, they must list the same sockets.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCENARIO = fileURLToPath(new URL('../../../test/fixtures-tools/proc-scenario.py', import.meta.url));
const COMMAND = pathToFileURL(fileURLToPath(new URL('../../src/cli/connections.js', import.meta.url))).href;
const PY = '/usr/bin/python3';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespace, and ss -p / bwtop must see every process)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return '`ip netns` is not available';
  if (spawnSync(PY, ['-c', '0']).status !== 0) return `${PY} is not available`;
  return undefined;
}
const SKIP = skipReason();
if (SKIP) console.log(`# live connections test skipped: ${SKIP}`);

/** ss state and endpoint spellings as bwtop writes them. */
function ssState(s: string): string {
  const map: Record<string, string> = { ESTAB: 'ESTABLISHED', 'FIN-WAIT-1': 'FIN_WAIT1', 'FIN-WAIT-2': 'FIN_WAIT2' };
  return map[s] ?? s.replaceAll('-', '_');
}
function ssEndpoint(text: string): string {
  const colon = text.lastIndexOf(':');
  let addr = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (addr === '*') addr = '[::]'; // a dual-stack socket bound to every address
  return `${addr}:${port === '*' ? '0' : port}`;
}

/** "proto state local remote" per pid, from ss -tanp or ss -uanp output. */
function ssByPid(out: string, proto: string, into: Map<number, string[]>): void {
  for (const line of out.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const key = `${proto} ${ssState(f[0]!)} ${ssEndpoint(f[3]!)} ${ssEndpoint(f[4]!)}`;
    for (const m of line.matchAll(/pid=(\d+),/g)) {
      const pid = Number(m[1]);
      const list = into.get(pid) ?? [];
      if (!list.includes(key)) list.push(key);
      into.set(pid, list);
    }
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('connections --all matches ss for every socket of processes we started', { skip: SKIP, timeout: 60_000 }, async () => {
  const ns = `bwtop-conn-${process.pid}`;
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
    run('udp', 'udp-dual', '::', '7007', '0');
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
    assert.equal(forked.length, 2);
    const pids = [...children.map((c) => c.pid!), ...forked];

    const ss = new Map<number, string[]>();
    ssByPid(spawnSync('ip', ['netns', 'exec', ns, 'ss', '-tanp'], { encoding: 'utf8' }).stdout, 'tcp', ss);
    ssByPid(spawnSync('ip', ['netns', 'exec', ns, 'ss', '-uanp'], { encoding: 'utf8' }).stdout, 'udp', ss);
    // Both ways of reading the socket tables: netlink (the default on a live /proc) and the
    // /proc/net text (--proc-root); each must list exactly what ss lists for our pids.
    // (--netns self: ss sees the test's namespace only, and the host's other namespaces may be busy.)
    const variants = [
      ['--json', '--all', '--netns', 'self'],
      ['--json', '--all', '--netns', 'self', '--proc-root', '/proc'],
    ];
    const runs = variants.map((args) => {
      const code = `import { connectionsCommand } from ${JSON.stringify(COMMAND)};
      process.exitCode = await connectionsCommand(${JSON.stringify(args)},
        { stdout: process.stdout, stderr: process.stderr, procRoot: '/proc', isRoot: true });`;
      const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', code], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '', `${args.join(' ')}: nothing said on stderr (no fallback)`);
      return r.stdout;
    });
    // What each listing shows for our pids, against ss.
    function checkListing(stdout: string, how: string): void {
      const listed = JSON.parse(stdout) as Array<{
        proto: string;
        local: string;
        remote: string;
        state: string;
        processes: Array<{ pid: number }>;
      }>;
      const mine = new Map<number, string[]>();
      for (const s of listed) {
        for (const p of s.processes) {
          const list = mine.get(p.pid) ?? [];
          list.push(`${s.proto} ${s.state} ${s.local} ${s.remote}`);
          mine.set(p.pid, list);
        }
      }
      let compared = 0;
      for (const pid of pids) {
        const expected = (ss.get(pid) ?? []).sort();
        assert.deepEqual((mine.get(pid) ?? []).sort(), expected, `${how}: pid ${pid}`);
        compared += expected.length;
      }
      assert.ok(compared >= 20, `${how}: compared only ${compared} sockets`);
      // the cases this test exists for are really there
      const all = [...mine.values()].flat();
      assert.ok(
        all.some((k) => k.includes('[::ffff:127.0.0.1]:7002')),
        `${how}: IPv4-mapped peer of the dual-stack server`,
      );
      assert.equal(listed.find((s) => s.local === '127.0.0.1:7004' && s.state === 'LISTEN')?.processes.length, 3);
      assert.ok(listed.some((s) => s.state === 'TIME_WAIT' && s.processes.length === 0));
    }
    for (const [v, out] of runs.entries()) checkListing(out, variants[v]!.join(' '));
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
