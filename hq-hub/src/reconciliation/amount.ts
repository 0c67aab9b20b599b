// Yuan strings from settlement files to integer fen, by reading the digits (never a float):
// "12.34" -> 1234, "-0.06" -> -6, "0.01000" -> 1 (WeChat prints fees with five decimals; the
// digits past the fen must be zeros, a fraction of a fen is refused rather than rounded).

/** The largest amount one row may carry: 10,000,000 yuan. Anything above is garbage. */
export const MAX_ROW_FEN = 1_000_000_000;

const YUAN = /^([-+]?)(\d{1,15})(?:\.(\d{1,8}))?$/;

/** Fen, or the reason the text is not an exact yuan amount. */
export function yuanToFen(text: string): { fen: number } | { reason: string } {
  const t = text.trim().replace(/^[¥￥]/, "");
  const m = YUAN.exec(t);
  if (!m) return { reason: `"${text.slice(0, 40)}" is not a yuan amount like 12.34` };
  const [, sign = "", whole = "", frac = ""] = m;
  if (/[1-9]/.test(frac.slice(2))) return { reason: `"${text}" has a fraction of a fen` };
  const fen = BigInt(whole) * 100n + BigInt(frac.slice(0, 2).padEnd(2, "0"));
  if (fen > BigInt(MAX_ROW_FEN)) return { reason: `"${text}" is above ${MAX_ROW_FEN / 100} yuan` };
  const n = Number(fen);
  return { fen: sign === "-" && n !== 0 ? -n : n };
}
