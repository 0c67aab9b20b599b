// Receipt text: GBK bytes for Chinese printers, and column widths where a Chinese character
// (or any fullwidth form) takes two columns of a 32/48-column line.
import iconv from "iconv-lite";

/** U+00A5 YEN SIGN is not in GBK (iconv writes "?"); the fullwidth U+FFE5 is (A3 A4). */
export function toPrintable(text: string): string {
  return text.replace(/\u00a5/g, "\uffe5");
}

export function encodeGbk(text: string): Uint8Array {
  // Most receipt text is ASCII (prices, codes, rules): copy it without going through iconv.
  if (/^[\x00-\x7f]*$/.test(text)) return Uint8Array.from(text, (c) => c.charCodeAt(0));
  const b = iconv.encode(toPrintable(text), "gbk");
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
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

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of toPrintable(text)) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Cuts to at most `cols` columns without splitting a double-width character. */
export function truncateToWidth(text: string, cols: number): string {
  let w = 0;
  let out = "";
  for (const ch of toPrintable(text)) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > cols) break;
    out += ch;
    w += cw;
  }
  return out;
}

/** Splits into lines of at most `cols` columns (names too long for one line wrap). */
export function wrapToWidth(text: string, cols: number): string[] {
  const lines: string[] = [];
  let rest = toPrintable(text);
  while (displayWidth(rest) > cols) {
    const head = truncateToWidth(rest, cols);
    lines.push(head);
    rest = rest.slice(head.length);
  }
  lines.push(rest);
  return lines;
}

export function padEndToWidth(text: string, cols: number): string {
  return text + " ".repeat(Math.max(0, cols - displayWidth(text)));
}

export function padStartToWidth(text: string, cols: number): string {
  return " ".repeat(Math.max(0, cols - displayWidth(text))) + text;
}

/** Left text and right text on one line of `cols`, the left cut if they do not fit. */
export function leftRight(left: string, right: string, cols: number): string {
  const room = cols - displayWidth(right) - 1;
  const l = truncateToWidth(left, Math.max(0, room));
  return padEndToWidth(l, cols - displayWidth(right)) + right;
}
