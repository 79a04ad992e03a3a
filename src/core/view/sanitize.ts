// Process names, command lines and host names are attacker-controlled. Before they reach the
// screen they lose every escape sequence and control character (so nothing can retitle, recolour or
// move the cursor of the terminal), every zero-width or direction-changing character (so columns
// stay aligned and text reads as it is), and, when the terminal is not UTF-8, everything non-ASCII.

// ESC followed by a CSI/OSC/DCS/SOS/PM/APC string or a two-character sequence. OSC and friends end
// at BEL or ST (ESC \); an unterminated one swallows the rest, as a terminal would.
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~]?)/g;
// C1 string introducers used directly (CSI 0x9b, OSC 0x9d, DCS 0x90...).
const C1_SEQUENCE = /\x9b[0-?]*[ -/]*[@-~]?|[\x90\x98\x9d\x9e\x9f][^\x07\x9c\x1b]*[\x07\x9c]?/g;
// Remaining controls (C0 including TAB/CR/LF, DEL, C1), zero-width and bidi formatting characters,
// combining marks and variation selectors, lone surrogates, and pictographs whose width terminals
// disagree about (emoji), which would shift every cell after them.
// (Each combining character listed is removed on its own, as intended.)
const UNSAFE = new RegExp(
  String.raw`[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f]|` +
    String.raw`[\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]|\p{M}|\p{Cs}|[\u{1f000}-\u{1faff}\u{e0000}-\u{e0fff}]`,
  'gu',
);

/** Terminal-safe text: single line, no controls, no zero-width characters. */
export function sanitizeText(raw: string, utf8: boolean): string {
  let s = raw.replace(ESCAPE_SEQUENCE, '').replace(C1_SEQUENCE, '');
  // Line breaks and tabs separate words in command lines; keep that as a space.
  s = s.replace(/[\t\n\r\v\f]/g, ' ').replace(UNSAFE, '');
  if (!utf8) s = s.replace(/[^\x20-\x7e]/gu, '?');
  return s;
}

/**
 * Blessed tag syntax ("{bold}") must show literally: braces become the {open}/{close} tags.
 * Applied to every piece of text just before it is placed between our own tags.
 */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}
