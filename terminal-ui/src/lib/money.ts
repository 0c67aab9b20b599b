// Money on screen: integer fen in, text out, with integer arithmetic only (no floats, no
// toFixed on a division). Parsing what the cashier types ("12.3", "12.34", "12") gives fen.

/** 1234 -> "¥12.34", -50 -> "-¥0.50". Throws on a non-integer, which would be a bug upstream. */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`not a whole number of fen: ${fen}`);
  const abs = Math.abs(fen);
  const cents = abs % 100;
  const yuan = (abs - cents) / 100;
  return `${fen < 0 ? "-" : ""}¥${groupThousands(yuan)}.${String(cents).padStart(2, "0")}`;
}

/** Same digits without the currency sign (for inputs and compact columns). */
export function plainYuan(fen: number): string {
  return formatFen(fen).replace("¥", "").replace(/,/g, "");
}

function groupThousands(n: number): string {
  const s = String(n);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ",";
    out += s[i];
  }
  return out;
}

/** "12.34" / "12.3" / "12" / "¥12.34" -> fen; undefined when it is not an amount of yuan. */
export function parseYuan(text: string): number | undefined {
  const m = /^\s*¥?\s*(\d{1,9})(?:\.(\d{0,2}))?\s*$/.exec(text);
  if (!m) return undefined;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? "").padEnd(2, "0"));
  return whole * 100 + frac;
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
