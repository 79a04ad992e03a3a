// The screen's boxes. Each holds text we compose ourselves line by line (exact widths, tags
// escaped), so blessed only places and diffs it; no widget has timers or its own key handling.

import blessed from 'blessed';

export interface Widgets {
  header: blessed.Widgets.BoxElement;
  body: blessed.Widgets.BoxElement;
  footer: blessed.Widgets.BoxElement;
  dialog: blessed.Widgets.BoxElement;
  help: blessed.Widgets.BoxElement;
  sortMenu: blessed.Widgets.BoxElement;
}

function textBox(screen: blessed.Widgets.Screen, extra: Partial<blessed.Widgets.BoxOptions> = {}): blessed.Widgets.BoxElement {
  return blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, tags: true, wrap: false, ...extra });
}

export function createWidgets(screen: blessed.Widgets.Screen, color: boolean): Widgets {
  const border = { type: 'line' as const };
  const overlayStyle = { border: color ? { fg: 'white' } : {}, label: { bold: true } };
  return {
    header: textBox(screen),
    body: textBox(screen),
    footer: textBox(screen),
    dialog: textBox(screen, { border, hidden: true, label: ' kill process ', style: overlayStyle }),
    help: textBox(screen, { border, hidden: true, label: ' bwtop keys ', style: overlayStyle }),
    sortMenu: textBox(screen, { border, hidden: true, label: ' sort by ', style: overlayStyle }),
  };
}

/** Moves a box; blessed only redraws what changed. */
export function put(box: blessed.Widgets.BoxElement, top: number, left: number, width: number, height: number): void {
  if (box.top !== top) box.top = top;
  if (box.left !== left) box.left = left;
  if (box.width !== width) box.width = width;
  if (box.height !== height) box.height = height;
}

/** Sets content only when it differs, so an unchanged refresh writes nothing. */
const lastContent = new WeakMap<blessed.Widgets.BoxElement, string>();

export function setText(box: blessed.Widgets.BoxElement, content: string): void {
  if (lastContent.get(box) === content) return;
  lastContent.set(box, content);
  box.setContent(content);
}
