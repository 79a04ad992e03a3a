// Roles to blessed tags. Colour is used only when the terminal has it and NO_COLOR is unset; in
// monochrome the same information is carried by bold, inverse and words (e.g. "exited").

import type { Line, Role } from '../core/view/line.js';
import { escapeTags } from '../core/view/sanitize.js';

export interface Theme {
  color: boolean;
  /** Tags opening each role; closed with the matching {/...}. */
  open: Record<Role, string[]>;
  /** Line colour names for the charts' sent and received series. */
  sentLine: string;
  receivedLine: string;
  /** Colour of box borders, or undefined for the default. */
  frame: string | undefined;
  /** Tags added to every segment of the selected row. */
  selected: string[];
}

export function makeTheme(color: boolean, terminalColors: number): Theme {
  const bold = ['bold'];
  if (!color) {
    return {
      color,
      open: { text: [], head: bold, name: bold, dim: [], sent: [], received: [], bar: [], warn: bold, key: bold },
      sentLine: 'normal',
      receivedLine: 'normal',
      frame: undefined,
      selected: ['inverse'],
    };
  }
  // Grey is bright black: on 8-colour terminals it would be black on black, so dim rows keep the
  // default colour there and rely on the "exited" word.
  const dim = terminalColors >= 16 ? ['gray-fg'] : [];
  return {
    color,
    open: {
      text: [],
      head: bold,
      name: bold,
      dim,
      sent: ['yellow-fg'],
      received: ['cyan-fg'],
      bar: ['green-fg'],
      warn: ['bold', 'red-fg'],
      key: bold,
    },
    sentLine: 'yellow',
    receivedLine: 'cyan',
    frame: terminalColors >= 16 ? 'gray' : undefined,
    // A background rather than inverse: inverse would turn the bar's full blocks into holes and
    // the coloured numbers into coloured slabs.
    selected: ['blue-bg'],
  };
}

/**
 * A line as blessed tag markup; every piece of text is tag-escaped first. `inverse` marks the
 * selected row (a background colour, or inverse video in monochrome). Each segment resets
 * all attributes ({/}) and opens its own, because blessed does not undo a closing tag nested
 * inside another attribute (e.g. {/bold} inside {inverse} leaves bold on).
 */
export function lineTags(line: Line, theme: Theme, inverse = false): string {
  let out = '';
  for (const s of line) {
    // In inverse (monochrome) the bar keeps its normal video, or its blocks would read as gaps.
    const highlight = inverse && !(s.role === 'bar' && theme.selected[0] === 'inverse') ? theme.selected : [];
    const tags = [...highlight, ...theme.open[s.role]];
    out += '{/}' + tags.map((t) => `{${t}}`).join('') + escapeTags(s.text);
  }
  return out + '{/}';
}

export function linesTags(lines: Line[], theme: Theme): string {
  return lines.map((l) => lineTags(l, theme)).join('\n');
}
