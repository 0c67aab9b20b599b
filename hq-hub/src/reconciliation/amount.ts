// Yuan strings from settlement files to integer fen, by reading the digits (never a float):
// "12.34" -> 1234, "-0.06" -> -6, "0.01000" -> 1 (WeChat prints fees with five decimals; the
// digits past the fen must be zeros, a fraction of a fen is refused rather than rounded).

import { type RowDetail, rowDetailText } from "./reason.ts";

/** The largest amount one row may carry: 10,000,000 yuan. Anything above is garbage. */
export const MAX_ROW_FEN = 1_000_000_000;

const YUAN = /^([-+]?)(\d{1,15})(?:\.(\d{1,8}))?$/;

/** Fen, or what is wrong with the text (the value as written, cut to 40 characters). */
export function yuanAmount(text: string): { fen: number } | { problem: RowDetail } {
  const t = text.trim().replace(/^[¥￥]/, "");
  const m = YUAN.exec(t);
  if (!m) return { problem: { code: "not_yuan", text: text.slice(0, 40) } };
  const [, sign = "", whole = "", frac = ""] = m;
  if (/[1-9]/.test(frac.slice(2))) return { problem: { code: "fen_fraction", text: text.slice(0, 40) } };
  const fen = BigInt(whole) * 100n + BigInt(frac.slice(0, 2).padEnd(2, "0"));
  if (fen > BigInt(MAX_ROW_FEN))
    return { problem: { code: "above_max", text: text.slice(0, 40), maxYuan: MAX_ROW_FEN / 100 } };
  const n = Number(fen);
  return { fen: sign === "-" && n !== 0 ? -n : n };
}

/** Fen, or the reason the text is not an exact yuan amount (in English). */
export function yuanToFen(text: string): { fen: number } | { reason: string } {
  const r = yuanAmount(text);
  return "problem" in r ? { reason: rowDetailText(r.problem) } : r;
}
