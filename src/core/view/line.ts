// A screen line as styled segments. The view layer decides what text goes where and what it means
// (its role); the UI maps roles to colours or to plain attributes on monochrome terminals.

import { textWidth } from './width.js';

export type Role =
  | 'text'
  | 'head' // column titles, header labels
  | 'name' // a process name
  | 'dim' // an exited process's row, secondary text
  | 'sent'
  | 'received'
  | 'bar'
  | 'warn' // drops, errors, refusals
  | 'key'; // key names in hints

export interface Segment {
  text: string;
  role: Role;
}

export type Line = Segment[];

export function seg(text: string, role: Role = 'text'): Segment {
  return { text, role };
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

export function lineWidth(line: Line): number {
  return line.reduce((w, s) => w + textWidth(s.text), 0);
}

/** Pads (or cuts) a line to exactly `width` cells; cutting happens at cell boundaries. */
export function fitLine(line: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const w = textWidth(s.text);
    if (w <= left) {
      out.push(s);
      left -= w;
    } else {
      let text = '';
      let used = 0;
      for (const ch of s.text) {
        const cw = textWidth(ch);
        if (used + cw > left) break;
        text += ch;
        used += cw;
      }
      out.push({ text, role: s.role });
      left -= used;
      break;
    }
  }
  if (left > 0) out.push({ text: ' '.repeat(left), role: 'text' });
  return out;
}

/** Joins labelled parts with two spaces, leaving out parts from the first that does not fit. Not padded. */
export function joinParts(parts: Line[], width: number): Line {
  const out: Line = [];
  let used = 0;
  for (const p of parts) {
    const w = lineWidth(p) + (out.length > 0 ? 2 : 0);
    if (used + w > width) break;
    if (out.length > 0) out.push(seg('  '));
    out.push(...p);
    used += w;
  }
  return out;
}
