// GBK encoding for files the Windows accounting tools read as ANSI (用友 U8's 总账工具 凭证引入
// text). The runtime decodes GBK (TextDecoder) but encodes only UTF-8, so the encoder's table is
// the decoder run once over every two-byte code, built on first use.
let table: Map<string, number> | undefined;

function gbkTable(): Map<string, number> {
  if (table) return table;
  const t = new Map<string, number>();
  const d = new TextDecoder("gbk");
  for (let hi = 0x81; hi <= 0xfe; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = d.decode(new Uint8Array([hi, lo]));
      if (ch.length === 1 && ch !== "\ufffd" && !t.has(ch)) t.set(ch, (hi << 8) | lo);
    }
  table = t;
  return t;
}

/** `text` in GBK; a character GBK has no code for is written "?" (and counted). */
export function encodeGbk(text: string): { bytes: Uint8Array; unmapped: number } {
  const t = gbkTable();
  const out: number[] = [];
  let unmapped = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else {
      const code = t.get(ch);
      if (code === undefined) {
        out.push(0x3f);
        unmapped++;
      } else out.push(code >> 8, code & 0xff);
    }
  }
  return { bytes: Uint8Array.from(out), unmapped };
}
