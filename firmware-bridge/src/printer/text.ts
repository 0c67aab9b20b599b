// Receipt text: GBK bytes for Chinese printers, and column widths where a Chinese character
// (or any fullwidth form) takes two columns of a 32/48-column line.
import iconv from "iconv-lite";

/** U+00A5 YEN SIGN is not in GBK (iconv writes "?"); the fullwidth U+FFE5 is (A3 A4). */
export function toPrintable(text: string): string {
  return text.indexOf("\u00a5") < 0 ? text : text.replace(/\u00a5/g, "\uffe5");
}

// GBK is stateless, so a string's bytes are its characters' bytes in a row: each character is
// encoded by iconv once and kept (receipts repeat the same few hundred characters), and text is
// then written straight into the caller's buffer with no per-string or per-character arrays.
const GBK = new Map<number, Uint8Array>();

/** The GBK bytes of one code point (1 or 2; "?" when GBK has no such character), cached. */
export function gbkChar(cp: number): Uint8Array {
  let b = GBK.get(cp);
  if (!b) {
    const e = iconv.encode(cp === 0xa5 ? "\uffe5" : String.fromCodePoint(cp), "gbk");
    b = new Uint8Array(e);
    if (GBK.size < 65536) GBK.set(cp, b);
  }
  return b;
}

/** At most this many bytes for a string of `length` UTF-16 units (GBK: 2 per unit at most). */
export const gbkMaxBytes = (length: number): number => length * 2;

/**
 * Writes `text` as GBK into `out` at `at` (room for gbkMaxBytes(text.length) bytes needed);
 * returns the offset after it. U+00A5 is written as U+FFE5.
 */
export function writeGbk(text: string, out: Uint8Array, at: number, from = 0, to = text.length): number {
  const n = to;
  for (let i = from; i < n; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      out[at++] = cp;
      continue;
    }
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    const b = gbkChar(cp);
    out[at++] = b[0]!;
    if (b.length > 1) out[at++] = b[1]!;
  }
  return at;
}

export function encodeGbk(text: string): Uint8Array {
  const out = new Uint8Array(gbkMaxBytes(text.length));
  return out.slice(0, writeGbk(text, out, 0));
}

export function decodeGbk(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), "gbk");
}

/** Columns a character takes on a thermal printer in Chinese mode. */
export function charWidth(cp: number): 1 | 2 {
  // Everything GBK encodes as two bytes prints as a 24x24 (double-width) glyph: CJK, fullwidth
  // forms, CJK punctuation. Printable ASCII is a 12x24 half-width glyph.
  return cp < 0x80 ? 1 : 2;
}

/** UTF-16 units of the character at i (2 for a surrogate pair). */
function unitsAt(text: string, i: number): 1 | 2 {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c >= 0xdc00 || i + 1 >= text.length) return 1;
  const lo = text.charCodeAt(i + 1);
  return lo >= 0xdc00 && lo < 0xe000 ? 2 : 1;
}

export function displayWidth(text: string, from = 0, to = text.length): number {
  let w = 0;
  const n = to;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) w++;
    else {
      w += 2;
      i += unitsAt(text, i) - 1;
    }
  }
  return w;
}

/** Length (UTF-16 units) of the longest piece of `text` from `from` that fits in `cols` columns. */
export function fitLength(text: string, cols: number, from = 0): number {
  let w = 0;
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    const cw = c < 0x80 ? 1 : 2;
    if (w + cw > cols) break;
    w += cw;
    i += c < 0x80 ? 1 : unitsAt(text, i);
  }
  return i - from;
}

/** Cuts to at most `cols` columns without splitting a double-width character. */
export function truncateToWidth(text: string, cols: number): string {
  const n = fitLength(text, cols);
  return toPrintable(n === text.length ? text : text.slice(0, n));
}

/** Splits into lines of at most `cols` columns (names too long for one line wrap). */
export function wrapToWidth(text: string, cols: number): string[] {
  const t = toPrintable(text);
  const lines: string[] = [];
  let from = 0;
  for (;;) {
    const n = fitLength(t, cols, from);
    // n === 0: not even one character fits (cols < 2): the rest goes on one line.
    if (from + n >= t.length || n === 0) {
      lines.push(from === 0 ? t : t.slice(from));
      return lines;
    }
    lines.push(t.slice(from, from + n));
    from += n;
  }
}

const SPACES: string[] = [];
/** n spaces (cached: rules and padding repeat the same few widths). */
export function spaces(n: number): string {
  if (n <= 0) return "";
  if (n > 128) return " ".repeat(n);
  SPACES[n] ??= " ".repeat(n);
  return SPACES[n];
}

export function padEndToWidth(text: string, cols: number): string {
  return text + spaces(cols - displayWidth(text));
}

export function padStartToWidth(text: string, cols: number): string {
  return spaces(cols - displayWidth(text)) + text;
}

/** Left text and right text on one line of `cols`, the left cut if they do not fit. */
export function leftRight(left: string, right: string, cols: number): string {
  const room = cols - displayWidth(right) - 1;
  const l = truncateToWidth(left, Math.max(0, room));
  return padEndToWidth(l, cols - displayWidth(right)) + right;
}
