// IP addresses as four 32-bit words (the decoder's representation) <-> text. IPv4 lives in the
// last word with the others zero. Used when flows are created and when local addresses change,
// never per packet.

export type Words = [number, number, number, number];

export function formatV4(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
}

/** RFC 5952 text: lower case, longest run (>= 2) of zero groups compressed. */
export function formatV6(w0: number, w1: number, w2: number, w3: number): string {
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return `::ffff:${formatV4(w3)}`;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function formatAddress(family: number, w0: number, w1: number, w2: number, w3: number): string {
  return family === 4 ? formatV4(w3) : formatV6(w0, w1, w2, w3);
}

/** Parse dotted IPv4 or IPv6 text (with optional %zone). Returns null for anything else. */
export function parseAddress(text: string): { family: 4 | 6; words: Words } | null {
  const t = text.split('%')[0] ?? '';
  const v4 = parseV4(t);
  if (v4 !== null) return { family: 4, words: [0, 0, 0, v4] };
  if (!t.includes(':')) return null;
  const v6 = parseV6(t);
  return v6 ? { family: 6, words: v6 } : null;
}

function parseV4(t: string): number | null {
  const parts = t.split('.');
  if (parts.length !== 4) return null;
  let w = 0;
  for (const p of parts) {
    // inet_pton rules: no leading zeros (they would read as octal elsewhere).
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    w = w * 256 + n;
  }
  return w >>> 0;
}

function parseV6(t: string): Words | null {
  let head = t;
  let tail = '';
  const dbl = t.indexOf('::');
  if (dbl >= 0) {
    head = t.slice(0, dbl);
    tail = t.slice(dbl + 2);
    if (tail.includes('::')) return null;
  }
  // A dotted IPv4 part may only end the address: the tail after "::", or the whole without it.
  const toGroups = (s: string, dottedEnd: boolean): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (dottedEnd && i === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const h = toGroups(head, dbl < 0);
  const tl = toGroups(tail, true);
  if (!h || !tl) return null;
  const missing = 8 - h.length - tl.length;
  if (dbl < 0 ? missing !== 0 : missing < 1) return null;
  const g = [...h, ...new Array<number>(dbl < 0 ? 0 : missing).fill(0), ...tl];
  const w = (i: number): number => ((g[i]! << 16) | g[i + 1]!) >>> 0;
  return [w(0), w(2), w(4), w(6)];
}
