// Terminal cell widths, so columns line up. The table of double-width ranges is the East Asian
// Wide/Fullwidth set the screen library uses, so our measurements agree with how it places cells.
// Text reaching these functions is already sanitised (no controls, no zero-width characters).

const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x11a3, 0x11a7],
  [0x11fa, 0x11ff],
  [0x2329, 0x232a],
  [0x2e80, 0x2e99],
  [0x2e9b, 0x2ef3],
  [0x2f00, 0x2fd5],
  [0x2ff0, 0x2ffb],
  [0x3000, 0x303e],
  [0x3041, 0x3096],
  [0x3099, 0x30ff],
  [0x3105, 0x312d],
  [0x3131, 0x318e],
  [0x3190, 0x31ba],
  [0x31c0, 0x31e3],
  [0x31f0, 0x321e],
  [0x3220, 0x3247],
  [0x3250, 0x32fe],
  [0x3300, 0x4dbf],
  [0x4e00, 0xa48c],
  [0xa490, 0xa4c6],
  [0xa960, 0xa97c],
  [0xac00, 0xd7a3],
  [0xd7b0, 0xd7c6],
  [0xd7cb, 0xd7fb],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe52],
  [0xfe54, 0xfe66],
  [0xfe68, 0xfe6b],
  [0xff01, 0xff60],
  [0xffe0, 0xffe6],
  [0x1b000, 0x1b001],
  [0x1f200, 0x1f202],
  [0x1f210, 0x1f23a],
  [0x1f240, 0x1f248],
  [0x1f250, 0x1f251],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

export function isWide(cp: number): boolean {
  if (cp < 0x1100) return false;
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = WIDE[mid]!;
    if (cp < r[0]) hi = mid - 1;
    else if (cp > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

export function charWidth(ch: string): number {
  return isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
}

export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

/** The longest prefix of s that fits in `width` cells. */
function takeCells(s: string, width: number): string {
  let w = 0;
  let out = '';
  for (const ch of s) {
    const cw = charWidth(ch);
    if (w + cw > width) break;
    w += cw;
    out += ch;
  }
  return out;
}

/** Cut s to `width` cells, marking the cut with `ellipsis` (one cell). */
export function truncate(s: string, width: number, ellipsis: string): string {
  if (width <= 0) return '';
  if (textWidth(s) <= width) return s;
  return takeCells(s, width - 1) + ellipsis;
}

/** Exactly `width` cells: truncated, then padded with spaces on the right. */
export function fitLeft(s: string, width: number, ellipsis: string): string {
  const t = truncate(s, width, ellipsis);
  return t + ' '.repeat(Math.max(0, width - textWidth(t)));
}

/** Exactly `width` cells: truncated, then padded with spaces on the left. */
export function fitRight(s: string, width: number, ellipsis: string): string {
  const t = truncate(s, width, ellipsis);
  return ' '.repeat(Math.max(0, width - textWidth(t))) + t;
}
