// Money on screen: integer fen in, text out, with integer arithmetic only (no floats, no
// toFixed on a division). Parsing what the cashier types ("12.3", "12.34", "12") gives fen.

// Formatting and reading yuan are protocol's (one formatter for both UIs and the servers):
// formatFen 1234 -> "¥12.34" (thousands grouped), plainYuan the same digits without the sign
// or grouping (inputs, compact columns), parseYuan "12.3" -> 1230 or undefined.
export {
  formatYuanGrouped as formatFen,
  formatYuanPlain as plainYuan,
  parseYuanInput as parseYuan,
} from "@retail/protocol";

/** Why a typed amount is refused; errors.ts says it in the cashier's language. */
export type AmountProblem = "empty" | "not_number" | "decimals" | "negative" | "too_large" | "zero";

/**
 * A typed amount that is not one: names the field ("float", "received", "amount", "price",
 * "weight"), the problem and what was typed, so the screen can say exactly what is wrong.
 */
export class AmountError extends Error {
  override readonly name = "AmountError";
  constructor(
    readonly field: string,
    readonly problem: AmountProblem,
    readonly typed: string,
    /** Decimal places allowed: 2 for yuan (fen), 3 for kilograms (grams). */
    readonly places = 2,
  ) {
    super(`${field}: ${problem} (${JSON.stringify(typed)})`);
  }
}

/**
 * Typed decimal -> integer units of 10^-places (fen for yuan, grams for kg), or the reason it is
 * not an amount: letters or exponents ("1e3"), more decimals than allowed ("12.345"), a sign,
 * more than 9 whole digits. Integer math only.
 */
export function parseDecimal(
  text: string,
  field: string,
  opts: { places?: number; positive?: boolean; currency?: boolean } = {},
): number {
  const places = opts.places ?? 2;
  let t = text.trim();
  if (opts.currency !== false) t = t.replace(/^[¥￥]\s*/, "");
  if (!t) throw new AmountError(field, "empty", text, places);
  if (/^-/.test(t)) throw new AmountError(field, "negative", text, places);
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (!m[1] && !m[2])) throw new AmountError(field, "not_number", text, places);
  const frac = m[2] ?? "";
  if (frac.length > places) throw new AmountError(field, "decimals", text, places);
  const whole = (m[1] ?? "").replace(/^0+(?=\d)/, "");
  if (whole.length > 9) throw new AmountError(field, "too_large", text, places);
  const value = Number(whole || "0") * 10 ** places + Number(frac.padEnd(places, "0") || "0");
  if (opts.positive && value === 0) throw new AmountError(field, "zero", text, places);
  return value;
}

/** Typed yuan -> fen, or an AmountError naming the field and what is wrong. */
export function yuanOrError(text: string, field: string, positive = true): number {
  return parseDecimal(text, field, { places: 2, positive });
}

/** Grams as kilograms with three decimals: 1234 -> "1.234 kg", by integer math. */
export function formatGrams(grams: number): string {
  const g = Math.abs(Math.trunc(grams));
  const frac = g % 1000;
  return `${grams < 0 ? "-" : ""}${(g - frac) / 1000}.${String(frac).padStart(3, "0")} kg`;
}

/** Quick cash amounts for a sum due: exact, then the next round notes above it. */
export function quickCash(due: number): number[] {
  if (due <= 0) return [];
  const out = [due];
  for (const step of [1000, 5000, 10000]) {
    const up = Math.ceil(due / step) * step;
    if (!out.includes(up)) out.push(up);
  }
  if (due < 10000 && !out.includes(10000)) out.push(10000);
  return out.slice(0, 4);
}

/** Renminbi notes and coins in fen, as the close-of-shift count lists them. */
export const DENOMINATIONS = [10000, 5000, 2000, 1000, 500, 100, 50, 20, 10, 5, 2, 1] as const;
