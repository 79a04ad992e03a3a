// Key presses to actions. Which keys mean what depends on what is open: the kill dialog, the sort
// menu and the footer prompts (filter, search) take the keys they need before the list does.
// Function keys follow htop: F1 help, F3 search, F4 filter, F6 sort menu, F9 kill, F10 quit.

import type { Move } from './selection.js';
import type { SortKey } from './sort.js';

export type Action =
  | { type: 'quit' }
  | { type: 'sort'; key: SortKey }
  | { type: 'move'; move: Move }
  | { type: 'drill' }
  | { type: 'back' }
  | { type: 'kill' }
  | { type: 'units' }
  | { type: 'group' }
  | { type: 'pause' }
  | { type: 'help' }
  | { type: 'names' }
  | { type: 'redraw' }
  | { type: 'filterStart' }
  | { type: 'searchStart' }
  | { type: 'searchNext' }
  | { type: 'promptChar'; ch: string }
  | { type: 'promptErase' }
  | { type: 'promptClear' }
  | { type: 'promptKeep' }
  | { type: 'promptCancel' }
  | { type: 'sortMenu' }
  | { type: 'menuMove'; delta: number }
  | { type: 'menuPick' }
  | { type: 'menuClose' }
  | { type: 'select'; key: string }
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
  sortMenu: boolean;
  editing: 'filter' | 'search' | null;
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

function dialogKey(ch: string | undefined, name: string, key: KeyInfo): Action | null {
  if (ch === 'y' || ch === 'Y') return { type: 'dialogConfirm' };
  if (ch === 'n' || ch === 'N' || ch === 'q' || name === 'escape') return { type: 'dialogCancel' };
  if (name === 'up' || (name === 'tab' && key.full === 'S-tab')) return { type: 'dialogChoice', delta: -1 };
  if (name === 'down' || name === 'tab') return { type: 'dialogChoice', delta: 1 };
  if (ch && ch >= '1' && ch <= '4') return { type: 'dialogChoice', index: Number(ch) - 1 };
  return null;
}

function promptKey(ch: string | undefined, name: string, key: KeyInfo, enter: boolean, editing: 'filter' | 'search'): Action | null {
  if (enter) return { type: 'promptKeep' };
  if (name === 'escape') return { type: 'promptCancel' };
  if (name === 'backspace') return { type: 'promptErase' };
  if (key.full === 'C-u') return { type: 'promptClear' };
  if (name === 'f3' && editing === 'search') return { type: 'searchNext' };
  const m = MOVES[name];
  if (m) return { type: 'move', move: m };
  if (ch && !key.ctrl && !key.meta && ch >= ' ' && ch !== '\x7f' && [...ch].length === 1) return { type: 'promptChar', ch };
  return null;
}

export function keyAction(ch: string | undefined, key: KeyInfo, ctx: KeyContext): Action | null {
  const name = key.name ?? '';
  // blessed reports Enter twice ("return", then "enter"); act on "enter" only.
  if (name === 'return') return null;
  if (key.full === 'C-c') return { type: 'quit' };
  const enter = name === 'enter' || name === 'linefeed';

  if (ctx.dialog) return dialogKey(ch, name, key);
  if (ctx.sortMenu) {
    if (name === 'up' || name === 'down') return { type: 'menuMove', delta: name === 'up' ? -1 : 1 };
    if (enter) return { type: 'menuPick' };
    if (name === 'escape' || name === 'f6' || ch === 'q') return { type: 'menuClose' };
    return null;
  }
  if (ctx.help) return ch === 'q' || name === 'f10' ? { type: 'quit' } : { type: 'help' };
  if (ctx.editing) return promptKey(ch, name, key, enter, ctx.editing);

  const m = MOVES[name];
  if (m) return { type: 'move', move: m };
  if (enter || name === 'right') return { type: 'drill' };
  if (name === 'escape' || name === 'left' || name === 'backspace') return { type: 'back' };
  if (key.full === 'C-l') return { type: 'redraw' };
  if (name === 'space') return { type: 'pause' };
  switch (name) {
    case 'f1':
      return { type: 'help' };
    case 'f3':
      return { type: 'searchStart' };
    case 'f4':
      return { type: 'filterStart' };
    case 'f6':
      return { type: 'sortMenu' };
    case 'f9':
      return { type: 'kill' };
    case 'f10':
      return { type: 'quit' };
  }
  if (key.ctrl || key.meta || !ch) return null;
  const sort = SORTS[ch];
  if (sort) return { type: 'sort', key: sort };
  switch (ch) {
    case 'q':
      return { type: 'quit' };
    case 'k':
      return { type: 'kill' };
    case '/':
      return { type: 'filterStart' };
    case 'm':
      return { type: 'units' };
    case 'g':
      return { type: 'group' };
    case '?':
      return { type: 'help' };
    case 'd':
      return { type: 'names' };
    default:
      return null;
  }
}
