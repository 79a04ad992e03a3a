// Mouse events to actions, against where the last frame put things: a click on a row selects it
// and a click on the selected row opens it (so a double click opens too), a click on a column
// heading sorts by it (again reverses), the wheel moves the selection or scrolls the sockets.

import type { Frame } from './frame.js';
import type { Action } from './keys.js';
import type { ScreenState } from './screen-state.js';

export interface MouseEvent {
  x: number;
  y: number;
  kind: 'click' | 'wheelup' | 'wheeldown';
}

export function mouseAction(frame: Frame, st: ScreenState, e: MouseEvent): Action | null {
  if (e.kind !== 'click') {
    const up = e.kind === 'wheelup';
    if (st.dialog) return { type: 'dialogChoice', delta: up ? -1 : 1 };
    if (st.view.sortMenu !== null) return { type: 'menuMove', delta: up ? -1 : 1 };
    if (st.view.help) return null;
    return { type: 'move', move: up ? 'up' : 'down' };
  }
  if (frame.overlay) {
    // A click outside the help or the sort menu closes it; the kill dialog wants a key.
    const o = frame.overlay;
    const inside = e.x >= o.left && e.x < o.left + o.width && e.y >= o.top && e.y < o.top + o.height;
    if (inside || o.kind === 'dialog') return null;
    return o.kind === 'help' ? { type: 'help' } : { type: 'menuClose' };
  }
  if (e.y === frame.hits.headingY) {
    const cell = frame.hits.heading.find((h) => e.x >= h.x && e.x < h.x + h.width);
    return cell ? { type: 'sort', key: cell.sort } : null;
  }
  const row = frame.hits.rows.find((r) => r.y === e.y);
  if (!row) return null;
  return row.key === st.view.selection.key ? { type: 'drill' } : { type: 'select', key: row.key };
}
