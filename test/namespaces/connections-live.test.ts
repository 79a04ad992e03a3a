// `bwtop connections` across network namespaces, as a user runs it: two namespaces of the test's
// own joined by veth pairs to a bridge in a third, a server in one and a client in the other.
// Both ends are listed with their namespace's inode and its `ip netns` name; --netns self hides them.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterEach, test } from 'node:test';
import { BWTOP, SKIP, createNetns, killAll, track, waitFor } from '../live/harness.js';

afterEach(killAll);

interface Sock {
  proto: string;
  local: string;
  remote: string;
  state: string;
  netns: number | null;
  container: string | null;
  processes: Array<{ pid: number; name: string }>;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

function connections(...args: string[]): Sock[] {
  const r = spawnSync(process.execPath, [BWTOP, 'connections', '--json', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as Sock[];
}

const inode = (pid: number | 'self') => Number(/\d+/.exec(readlinkSync(`/proc/${pid}/ns/net`))![0]);

const SERVER =
  "const s = require('net').createServer((c) => c.on('data', () => {}));" + " s.listen(7411, '10.78.0.1', () => console.log('ready'));";
const CLIENT = `const c = require('net').connect(7411, '10.78.0.1', () => console.log('ready'));`;

test('connections lists the sockets of every namespace, named by `ip netns`', { skip: SKIP, timeout: 60_000 }, async (t) => {
  const hub = createNetns('bwtop-cn-hub');
  t.after(hub.remove);
  const a = createNetns('bwtop-cn-a');
  t.after(a.remove);
  const b = createNetns('bwtop-cn-b');
  t.after(b.remove);
  ip('-n', hub.name, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', hub.name, 'link', 'set', 'br0', 'up');
  for (const [ns, addr, port] of [
    [a, '10.78.0.1', 'pa'],
    [b, '10.78.0.2', 'pb'],
  ] as const) {
    ip('link', 'add', port, 'netns', hub.name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name);
    ip('-n', hub.name, 'link', 'set', port, 'master', 'br0');
    ip('-n', hub.name, 'link', 'set', port, 'up');
    ip('-n', ns.name, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
    ip('-n', ns.name, 'link', 'set', 'eth0', 'up');
  }
  const server = track(spawn(...a.run(process.execPath, ['-e', SERVER]), { stdio: ['ignore', 'pipe', 'inherit'] }));
  await waitFor(server, 'stdout', /ready/);
  const client = track(spawn(...b.run(process.execPath, ['-e', CLIENT]), { stdio: ['ignore', 'pipe', 'inherit'] }));
  await waitFor(client, 'stdout', /ready/);
  const nsA = inode(server.pid!);
  const nsB = inode(client.pid!);
  assert.notEqual(nsA, nsB);

  const mine = (s: Sock) => s.local.startsWith('10.78.0.') && s.processes.some((p) => p.pid === server.pid || p.pid === client.pid);
  const rows = connections()
    .filter(mine)
    .map((s) => `${s.state} ${s.local} ${s.remote} ${s.netns} ${s.container} ${s.processes.map((p) => p.pid).join(',')}`);
  const clientPort = connections()
    .find((s) => s.netns === nsB && s.local.startsWith('10.78.0.2:'))!
    .local.split(':')[1];
  assert.deepEqual(rows.sort(), [
    `ESTABLISHED 10.78.0.1:7411 10.78.0.2:${clientPort} ${nsA} ${a.name} ${server.pid}`,
    `ESTABLISHED 10.78.0.2:${clientPort} 10.78.0.1:7411 ${nsB} ${b.name} ${client.pid}`,
    `LISTEN 10.78.0.1:7411 0.0.0.0:0 ${nsA} ${a.name} ${server.pid}`,
  ]);
  // The host's own sockets carry the host's namespace and no container.
  const own = connections('--netns', 'self');
  assert.equal(own.filter(mine).length, 0);
  assert.ok(own.every((s) => s.netns === inode('self')));
  assert.ok(own.every((s) => s.container === null || !s.container.startsWith('bwtop-cn-')));

  // Without root: bwtop's own namespace only, said once.
  const asNobody = spawnSync(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BWTOP, 'connections', '--json'],
    { encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  if (asNobody.status !== 0 && /EACCES|Cannot find module/.test(asNobody.stderr)) {
    t.diagnostic('the build is not readable by nobody here: the run without root was not tried');
    return;
  }
  assert.equal(asNobody.status, 0, asNobody.stderr);
  assert.match(
    asNobody.stderr,
    new RegExp(
      String.raw`^bwtop: not running as root, so only the sockets of its own network namespace are listed \(no containers\)` +
        String.raw`[^\n]*; run it as root to see everything\n$`,
    ),
  );
  const seen = JSON.parse(asNobody.stdout) as Sock[];
  assert.equal(seen.filter((s) => s.local.startsWith('10.78.0.')).length, 0);
  assert.ok(seen.every((s) => s.netns === inode('self')));
});
