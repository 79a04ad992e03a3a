// The kernel-side state filter of the netlink dump: it must let through everything the listing's
// own state selection keeps (what it lets through beyond that is dropped afterwards).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stateMask, stateSelected, STATE_NAMES, type StateSelection } from '../../src/core/connections/select.js';
import { TCP_STATES } from '../../src/core/proc/netTable.js';

test('kernel state masks keep everything stateSelected keeps', () => {
  const selections: StateSelection[] = [
    { kind: 'default' },
    { kind: 'all' },
    { kind: 'listening' },
    { kind: 'list', states: new Set(['UNCONN']) },
    { kind: 'list', states: new Set(['ESTABLISHED', 'TIME_WAIT', 'SYN_RECV']) },
    { kind: 'list', states: new Set(STATE_NAMES) },
  ];
  for (const sel of selections) {
    for (const proto of ['tcp', 'udp'] as const) {
      const mask = stateMask(sel, proto);
      for (let n = 1; n < TCP_STATES.length; n++) {
        const name = proto === 'udp' && n === 7 ? 'UNCONN' : TCP_STATES[n]!;
        if (stateSelected(sel, proto, name)) assert.ok((mask >>> n) & 1, `${sel.kind} ${proto} ${name}`);
      }
    }
  }
});

test('kernel state masks ask for no more than needed', () => {
  assert.equal(stateMask({ kind: 'default' }, 'tcp'), (1 << 1) | (1 << 10));
  assert.equal(stateMask({ kind: 'default' }, 'udp'), 0xffffffff);
  assert.equal(stateMask({ kind: 'listening' }, 'tcp'), 1 << 10);
  assert.equal(stateMask({ kind: 'listening' }, 'udp'), 1 << 7);
  assert.equal(stateMask({ kind: 'list', states: new Set(['UNCONN']) }, 'tcp'), 0);
  assert.equal(stateMask({ kind: 'list', states: new Set(['TIME_WAIT', 'CLOSE']) }, 'tcp'), (1 << 6) | (1 << 7));
});
