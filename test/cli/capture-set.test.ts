// The captures kept in step with the interfaces (the live side is test/live/changing-host.test.ts):
// with the default set every interface that is up is captured, a deleted or downed one is closed
// and reported with why, a new or returning one opened; with -i only the named ones come back, and
// libpcap's "any" is never closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveCapture } from '../../src/adapters/live-capture.js';
import { CaptureSet } from '../../src/cli/capture-set.js';
import type { AppDeps } from '../../src/cli/deps.js';
import { Engine } from '../../src/core/engine/engine.js';
import type { LiveLoop } from '../../src/core/engine/live-loop.js';
import { openProcRoot } from '../../src/adapters/procfs.js';

const PROC = new URL('../../../fixtures/proc/loopback-mix', import.meta.url).pathname;

function setup(named: string[], start: string[]) {
  const host = { up: new Set(start), exists: new Set(start) };
  const open = new Set<string>();
  const deps = {
    upInterfaces: () => [...host.up].sort(),
    interfaceExists: (n: string) => host.exists.has(n),
    isEthernet: () => true,
    isLoopback: (n: string) => n === 'lo',
    isRoot: true,
    captureErrorSentence: (n: string, e: unknown) => `cannot capture on ${n}: ${String(e)}`,
    openLive(name: string): LiveCapture {
      if (name === 'bad0') throw new Error('no luck');
      open.add(name);
      return {
        name,
        linkTypeName: 'LINKTYPE_ETHERNET',
        buf: Buffer.alloc(0),
        header: Buffer.alloc(16),
        dropped: () => 2,
        close: () => void open.delete(name),
      };
    },
  } as unknown as AppDeps;
  const engine = new Engine({ proc: openProcRoot(PROC), readTables: () => [], interfaces: start, intervalMs: 1000 });
  const set = new CaptureSet(deps, engine, {} as LiveLoop, named);
  set.openAll(start);
  const capture = () => engine.snapshot(0, set.dropped()).capture;
  return { host, open, set, capture };
}

test('default set: deleted and downed interfaces are closed and reported, new and returning ones opened', () => {
  const { host, open, set, capture } = setup([], ['eth0', 'lo', 'veth1']);
  assert.deepEqual([...open].sort(), ['eth0', 'lo', 'veth1']);
  host.up.delete('veth1');
  host.exists.delete('veth1');
  host.up.delete('eth0');
  host.up.add('veth2');
  host.exists.add('veth2');
  set.reconcile();
  assert.deepEqual([...open].sort(), ['lo', 'veth2']);
  let c = capture();
  assert.deepEqual(c.interfaces, ['lo', 'veth2']);
  assert.deepEqual(c.lost, [
    { name: 'eth0', why: 'down' },
    { name: 'veth1', why: 'deleted' },
  ]);
  assert.equal(c.dropped, 8, 'drops of closed captures still count');
  assert.deepEqual(
    c.byInterface?.map((i) => i.name),
    ['eth0', 'lo', 'veth1', 'veth2'],
    'totals of every interface since start',
  );
  host.up.add('eth0');
  set.reconcile();
  c = capture();
  assert.deepEqual(c.interfaces, ['eth0', 'lo', 'veth2']);
  assert.deepEqual(c.lost, [{ name: 'veth1', why: 'deleted' }]);
  set.close();
  assert.equal(open.size, 0);
});

test('an interface that appears but cannot be captured is reported with the reason', () => {
  const { host, set, capture } = setup([], ['lo']);
  host.up.add('bad0');
  host.exists.add('bad0');
  set.reconcile();
  assert.deepEqual(capture().lost, [{ name: 'bad0', why: 'cannot capture on bad0: Error: no luck' }]);
  assert.deepEqual(capture().interfaces, ['lo']);
});

test('-i: only the named interfaces come back; "any" is never closed', () => {
  const { host, open, set, capture } = setup(['any', 'eth0'], ['any', 'eth0']);
  host.up.delete('eth0');
  host.up.add('veth9');
  set.reconcile();
  assert.deepEqual([...open], ['any']);
  assert.deepEqual(capture().lost, [{ name: 'eth0', why: 'down' }]);
  host.up.add('eth0');
  set.reconcile();
  assert.deepEqual([...open].sort(), ['any', 'eth0']);
  assert.deepEqual(capture().lost, []);
  set.close();
});
