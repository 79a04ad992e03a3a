// The selection follows a process, not a row: each refresh the selected pid is looked up in the
// new row order. When it has gone (exited and expired, or filtered out), the selection stays at
// the same screen position. The scroll offset keeps the selected row visible.

export interface Selection {
  pid: number | null;
  index: number;
  /** First visible row. */
  offset: number;
}

export const NO_SELECTION: Selection = { pid: null, index: 0, offset: 0 };

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

function withIndex(pids: readonly number[], index: number, offset: number, height: number): Selection {
  if (pids.length === 0) return { pid: null, index: 0, offset: 0 };
  const i = clamp(index, 0, pids.length - 1);
  const h = Math.max(1, height);
  let o = offset;
  if (i < o) o = i;
  if (i >= o + h) o = i - h + 1;
  o = clamp(o, 0, Math.max(0, pids.length - h));
  return { pid: pids[i]!, index: i, offset: o };
}

/** Re-find the selected pid among the rows as they are now. */
export function reconcileSelection(pids: readonly number[], sel: Selection, height: number): Selection {
  const found = sel.pid === null ? -1 : pids.indexOf(sel.pid);
  return withIndex(pids, found >= 0 ? found : sel.index, sel.offset, height);
}

export type Move = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

export function moveSelection(pids: readonly number[], sel: Selection, move: Move, height: number): Selection {
  const cur = reconcileSelection(pids, sel, height);
  const page = Math.max(1, height - 1);
  const target =
    move === 'up' ? cur.index - 1
    : move === 'down' ? cur.index + 1
    : move === 'pageUp' ? cur.index - page
    : move === 'pageDown' ? cur.index + page
    : move === 'home' ? 0
    : pids.length - 1;
  return withIndex(pids, target, cur.offset, height);
}

/** Scrolling a list without a selection (the connection list): returns the new first row. */
export function scrollOffset(count: number, offset: number, move: Move, height: number): number {
  const max = Math.max(0, count - Math.max(1, height));
  const page = Math.max(1, height - 1);
  const next =
    move === 'up' ? offset - 1
    : move === 'down' ? offset + 1
    : move === 'pageUp' ? offset - page
    : move === 'pageDown' ? offset + page
    : move === 'home' ? 0
    : max;
  return clamp(next, 0, max);
}
