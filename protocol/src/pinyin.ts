// Pinyin initials for till search (可口可乐 -> "kkkl"). HQ derives them when a product is written
// without them, and the edge falls back to them for records that arrive without, so a cashier
// can always type initials. Polyphonic characters follow pinyin-pro's word dictionary
// (银行 -> "yh", 重庆 -> "cq"); a wrong guess only costs a search miss, never a price.
import { pinyin } from "pinyin-pro";

/** Longest initials string ProductV1.pinyin accepts. */
export const PINYIN_MAX = 80;

/**
 * Lower-case initials of a zh-CN name: one letter per Han character, ASCII letters and digits
 * kept (full-width folded by NFKC), everything else dropped. Fits ProductV1.pinyin.
 */
export function pinyinInitials(name: string): string {
  const text = name.normalize("NFKC");
  const letters = pinyin(text, { pattern: "first", toneType: "none", type: "array", nonZh: "consecutive" });
  let out = "";
  for (const part of letters) {
    for (const ch of part.toLowerCase()) {
      if ((ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9")) out += ch;
    }
    if (out.length >= PINYIN_MAX) break;
  }
  return out.slice(0, PINYIN_MAX);
}
