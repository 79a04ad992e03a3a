// Address text for /proc/net tables. The kernel prints each 32-bit word of an address with
// "%08X" in host byte order; on the little-endian machines bwtop runs on that means every
// 8-hex-digit word has its four bytes reversed. Output matches `ss` (glibc inet_ntop).

/** Value of one hex digit's char code, or -1. */
export function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 70) return code - 55; // A-F
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/** Reads `len` hex digits of `text` at `at` as an unsigned number, or -1 if any is not hex. */
export function readHex(text: string, at: number, len: number): number {
  let value = 0;
  for (let i = 0; i < len; i++) {
    const d = hexDigit(text.charCodeAt(at + i));
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

/** Dotted quad of a 32-bit word printed in little-endian host order ("0100007F" -> 127.0.0.1). */
export function ipv4FromHostWord(word: number): string {
  return `${word & 0xff}.${(word >>> 8) & 0xff}.${(word >>> 16) & 0xff}.${word >>> 24}`;
}

/**
 * Address texts made once: a host's socket tables repeat the same few addresses thousands of
 * times. Bounded (emptied when full) so a long-running engine on a host with many peers does not
 * grow without end.
 */
export class AddressTexts<K> {
  private readonly texts = new Map<K, string>();

  constructor(private readonly limit = 8192) {}

  get(key: K): string | undefined {
    return this.texts.get(key);
  }

  /** Keeps `text` for `key` and returns it. */
  keep(key: K, text: string): string {
    if (this.texts.size >= this.limit) this.texts.clear();
    this.texts.set(key, text);
    return text;
  }
}

const ipv4Texts = new AddressTexts<number>();

/** ipv4FromHostWord, each word's text made once (the /proc tables and sock_diag share them). */
export function ipv4TextOfHostWord(word: number): string {
  return ipv4Texts.get(word) ?? ipv4Texts.keep(word, ipv4FromHostWord(word));
}

/** Writes the 4 bytes of a host-order word into `bytes` at `at`, network order. */
function putHostWord(bytes: number[], at: number, word: number): void {
  bytes[at] = word & 0xff;
  bytes[at + 1] = (word >>> 8) & 0xff;
  bytes[at + 2] = (word >>> 16) & 0xff;
  bytes[at + 3] = word >>> 24;
}

/**
 * IPv6 text from 16 network-order bytes, the way glibc's inet_ntop writes it (and so ss):
 * lowercase, no leading zeros, the first longest run of two or more zero groups as "::",
 * IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) tails dotted.
 */
export function formatIpv6Bytes(bytes: ArrayLike<number>): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase < 0) {
        curBase = i;
        curLen = 1;
      } else curLen++;
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
    } else curBase = -1;
  }
  if (bestLen < 2) bestBase = -1;
  const dotted = () => `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  if (bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    return bestLen === 6 ? `::${dotted()}` : `::ffff:${dotted()}`;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestBase) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += (words[i] ?? 0).toString(16);
  }
  return out;
}

const ipv6Scratch: number[] = new Array<number>(16).fill(0);

/** IPv6 text of the 32 hex digits at `at` (four host-order words), or null if not hex. */
export function ipv6FromHostHex(text: string, at: number): string | null {
  for (let w = 0; w < 4; w++) {
    const word = readHex(text, at + 8 * w, 8);
    if (word < 0) return null;
    putHostWord(ipv6Scratch, 4 * w, word);
  }
  return formatIpv6Bytes(ipv6Scratch);
}

/**
 * The address packets carry for a socket: an IPv4-mapped IPv6 socket address ("::ffff:1.2.3.4")
 * talks IPv4 on the wire, so flows seen as 1.2.3.4 join to it by this key.
 */
export function joinAddress(addr: string): string {
  return addr.startsWith('::ffff:') && addr.indexOf('.') > 0 ? addr.slice(7) : addr;
}

/** Endpoint text of the contract: "1.2.3.4:80", "[::1]:80". */
export function formatEndpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}
