// Money on screen: integer fen in, text out, with integer arithmetic only (no floats, no
// toFixed on a division): the hub sends every amount as whole fen.

/** 1234 -> "¥12.34", -50 -> "-¥0.50", 123456789 -> "¥1,234,567.89". Throws on a non-integer. */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`not a whole number of fen: ${fen}`);
  const abs = Math.abs(fen);
  const cents = abs % 100;
  const yuan = (abs - cents) / 100;
  return `${fen < 0 ? "-" : ""}¥${groupThousands(yuan)}.${String(cents).padStart(2, "0")}`;
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
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** Sum of fen amounts; throws rather than let a fractional or unsafe value slip into a total. */
export function sumFen(values: number[]): number {
  let total = 0;
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new Error(`not a whole number of fen: ${v}`);
    total += v;
  }
  if (!Number.isSafeInteger(total)) throw new Error("total out of range");
  return total;
}

/** Bar length in whole pixels for a chart: value/max of `width`, by integer math. */
export function barWidth(valueFen: number, maxFen: number, width: number): number {
  if (maxFen <= 0 || valueFen <= 0) return 0;
  return Math.floor((Math.min(valueFen, maxFen) * width) / maxFen);
}
