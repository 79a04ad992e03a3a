// Key presses to actions. Which keys mean what depends on what is open: the kill dialog and the
// filter prompt take the keys they need before the list does.

import type { Move } from '../core/view/selection.js';
import type { SortKey } from '../core/view/sort.js';

export type Action =
  | { type: 'quit' }
  | { type: 'sort'; key: SortKey }
  | { type: 'move'; move: Move }
  | { type: 'drill' }
  | { type: 'back' }
  | { type: 'kill' }
  | { type: 'units' }
  | { type: 'pause' }
  | { type: 'help' }
  | { type: 'names' }
  | { type: 'redraw' }
  | { type: 'filterStart' }
  | { type: 'filterChar'; ch: string }
  | { type: 'filterErase' }
  | { type: 'filterClear' }
  | { type: 'filterKeep' }
  | { type: 'filterCancel' }
  | { type: 'dialogChoice'; delta?: number; index?: number }
  | { type: 'dialogConfirm' }
  | { type: 'dialogCancel' };

/** The subset of blessed's key object we read. */
export interface KeyInfo {
  name?: string;
  full?: string;
  ctrl?: boolean;
  meta?: boolean;
}

export interface KeyContext {
  dialog: boolean;
  help: boolean;
  editingFilter: boolean;
}

const MOVES: Record<string, Move> = {
  up: 'up',
  down: 'down',
  pageup: 'pageUp',
  pagedown: 'pageDown',
  home: 'home',
  end: 'end',
};

const SORTS: Record<string, SortKey> = { s: 'sent', r: 'received', t: 'total', p: 'pid', n: 'name' };

export function keyAction(ch: string | undefined, key: KeyInfo, ctx: KeyContext): Action | null {
  const name = key.name ?? '';
  // blessed reports Enter twice ("return", then "enter"); act on "enter" only.
  if (name === 'return') return null;
  if (key.full === 'C-c') return { type: 'quit' };
  const enter = name === 'enter' || name === 'linefeed';

  if (ctx.dialog) {
    if (ch === 'y' || ch === 'Y') return { type: 'dialogConfirm' };
    if (ch === 'n' || ch === 'N' || ch === 'q' || name === 'escape') return { type: 'dialogCancel' };
    if (name === 'up' || (name === 'tab' && key.full === 'S-tab')) return { type: 'dialogChoice', delta: -1 };
    if (name === 'down' || name === 'tab') return { type: 'dialogChoice', delta: 1 };
    if (ch && ch >= '1' && ch <= '4') return { type: 'dialogChoice', index: Number(ch) - 1 };
    return null;
  }
  if (ctx.help) return ch === 'q' ? { type: 'quit' } : { type: 'help' };
  if (ctx.editingFilter) {
    if (enter) return { type: 'filterKeep' };
    if (name === 'escape') return { type: 'filterCancel' };
    if (name === 'backspace') return { type: 'filterErase' };
    if (key.full === 'C-u') return { type: 'filterClear' };
    const m = MOVES[name];
    if (m) return { type: 'move', move: m };
    if (ch && !key.ctrl && !key.meta && ch >= ' ' && ch !== '\x7f' && [...ch].length === 1) {
      return { type: 'filterChar', ch };
    }
    return null;
  }

  const m = MOVES[name];
  if (m) return { type: 'move', move: m };
  if (enter || name === 'right') return { type: 'drill' };
  if (name === 'escape' || name === 'left' || name === 'backspace') return { type: 'back' };
  if (key.full === 'C-l') return { type: 'redraw' };
  if (name === 'space') return { type: 'pause' };
  if (key.ctrl || key.meta || !ch) return null;
  const sort = SORTS[ch];
  if (sort) return { type: 'sort', key: sort };
  switch (ch) {
    case 'q': return { type: 'quit' };
    case 'k': return { type: 'kill' };
    case '/': return { type: 'filterStart' };
    case 'm': return { type: 'units' };
    case '?': return { type: 'help' };
    case 'd': return { type: 'names' };
    default: return null;
  }
}
