// Drives the screen state as the UI does (refreshes, then actions), without a terminal library,
// and builds the frame.

import type { Snapshot } from '../../src/core/model.js';
import { buildFrame, type Frame, type FrameEnv } from '../../src/core/view/frame.js';
import type { Action } from '../../src/core/view/keys.js';
import type { KillPorts } from '../../src/core/view/kill-dialog.js';
import { applyAction, initialState, onSnapshot, type ScreenState, type Size } from '../../src/core/view/screen-state.js';

export const ENV: FrameEnv = { hostname: 'lab1', utf8: true, ascii: false, names: () => null };

export const PORTS: KillPorts = { selfPid: 99999, signal: () => {}, processStartTime: (pid) => 100000 + pid };

export interface Driven {
  state: ScreenState;
  frame: Frame;
  saves: number;
}

export function drive(
  snaps: Array<Snapshot | null>,
  actions: Action[],
  size: Size = { cols: 80, rows: 24 },
  ports: KillPorts = PORTS,
  env: FrameEnv = ENV,
): Driven {
  let st = initialState();
  for (const s of snaps) if (s) st = onSnapshot(st, s, size);
  let saves = 0;
  for (const a of actions) {
    const out = applyAction(st, a, size, ports);
    st = out.state;
    if (out.save) saves++;
  }
  return { state: st, frame: buildFrame(st, size, env), saves };
}
