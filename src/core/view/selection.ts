// The selection follows a row's identity, not its position: each refresh the selected key is
// looked up in the new row order. When it has gone (exited and expired, or filtered out), the
// selection stays at the same screen position. The scroll offset keeps the selected row visible.

export interface Selection<K = string> {
  key: K | null;
  index: number;
  /** First visible row. */
  offset: number;
}

export const NO_SELECTION: Selection = { key: null, index: 0, offset: 0 };

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

function withIndex<K>(keys: readonly K[], index: number, offset: number, height: number): Selection<K> {
  if (keys.length === 0) return { key: null, index: 0, offset: 0 };
  const i = clamp(index, 0, keys.length - 1);
  const h = Math.max(1, height);
  let o = offset;
  if (i < o) o = i;
  if (i >= o + h) o = i - h + 1;
  o = clamp(o, 0, Math.max(0, keys.length - h));
  return { key: keys[i]!, index: i, offset: o };
}

/** Re-find the selected key among the rows as they are now (the same object when nothing moved). */
export function reconcileSelection<K>(keys: readonly K[], sel: Selection<K>, height: number): Selection<K> {
  const found = sel.key === null ? -1 : keys.indexOf(sel.key);
  const next = withIndex(keys, found >= 0 ? found : sel.index, sel.offset, height);
  return next.key === sel.key && next.index === sel.index && next.offset === sel.offset ? sel : next;
}

export type Move = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

export function moveSelection<K>(keys: readonly K[], sel: Selection<K>, move: Move, height: number): Selection<K> {
  const cur = reconcileSelection(keys, sel, height);
  const page = Math.max(1, height - 1);
  const target =
    move === 'up'
      ? cur.index - 1
      : move === 'down'
        ? cur.index + 1
        : move === 'pageUp'
          ? cur.index - page
          : move === 'pageDown'
            ? cur.index + page
            : move === 'home'
              ? 0
              : keys.length - 1;
  return withIndex(keys, target, cur.offset, height);
}

/** Scrolling a list without a selection (the connection list): returns the new first row. */
export function scrollOffset(count: number, offset: number, move: Move, height: number): number {
  const max = Math.max(0, count - Math.max(1, height));
  const page = Math.max(1, height - 1);
  const next =
    move === 'up'
      ? offset - 1
      : move === 'down'
        ? offset + 1
        : move === 'pageUp'
          ? offset - page
          : move === 'pageDown'
            ? offset + page
            : move === 'home'
              ? 0
              : max;
  return clamp(next, 0, max);
}
