// Money is integer fen (1 yuan = 100 fen), never floats. Everything here is exact integer
// arithmetic: amounts are safe integers, and where a product could pass 2^53 the arithmetic
// moves to BigInt so no rounding ever happens by accident.

/** An integer number of fen. The brand keeps raw numbers (yuan, grams, percents) out. */
export type Fen = number & { readonly __brand: "Fen" };

/** Thrown for anything that is not exact money: the field at fault and the value seen. */
export class MoneyError extends Error {
  override readonly name = "MoneyError";
  constructor(
    readonly field: string,
    readonly value: unknown,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** True when `n` is a safe integer, i.e. a valid fen amount. */
export function isFen(n: unknown): n is Fen {
  return typeof n === "number" && Number.isSafeInteger(n);
}

/** Brands `n` as fen; throws MoneyError (naming `field`) on NaN, fractions or unsafe integers. */
export function fen(n: number, field = "amount"): Fen {
  if (!isFen(n)) throw new MoneyError(field, n, "must be a safe integer number of fen");
  // -0 would print as "0" but compare oddly with Object.is; money has one zero.
  return (n === 0 ? 0 : n) as Fen;
}

// Optional sign, optional ¥/￥ (either side of the sign), digits, at most two decimals,
// optional 元 suffix. No thousands separators, no exponents: anything else is garbage.
const MONEY_RE = /^\s*([-+]?)\s*([¥￥]?)\s*([-+]?)(\d+)(?:\.(\d{1,2}))?\s*(元?)\s*$/u;

/**
 * Parses "¥12.34", "￥12.34", "12.34", "12.34 元", "12", "-3.5", "-¥3.50" to fen by reading the
 * digits (no float math). More than two decimals, a prefix and a 元 suffix together, two
 * signs, or anything else throws MoneyError.
 */
export function parseMoney(text: string, field = "amount"): Fen {
  if (typeof text !== "string") throw new MoneyError(field, text, "must be a string");
  const m = MONEY_RE.exec(text);
  if (!m) throw new MoneyError(field, text, "is not a money amount like 12.34, ¥12.34 or 12.34 元");
  const [, sign1 = "", symbol = "", sign2 = "", whole = "", frac = "", yuanSuffix = ""] = m;
  if (sign1 && sign2) throw new MoneyError(field, text, "has two signs");
  if (symbol && yuanSuffix) throw new MoneyError(field, text, "has both a ¥ prefix and a 元 suffix");
  const cents = BigInt(whole) * 100n + BigInt(frac.padEnd(2, "0"));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError(field, text, "is too large");
  const negative = (sign1 || sign2) === "-";
  return fen(negative ? -Number(cents) : Number(cents), field);
}

function yuanDigits(amount: Fen, field: string): { sign: string; digits: string } {
  const n = fen(amount, field);
  const abs = Math.abs(n);
  // Safe integers only, so % and the exact subtraction before dividing lose nothing.
  const cents = abs % 100;
  const whole = (abs - cents) / 100;
  return { sign: n < 0 ? "-" : "", digits: `${whole}.${String(cents).padStart(2, "0")}` };
}

/** 1234 -> "¥12.34", -1234 -> "-¥12.34", 0 -> "¥0.00". */
export function formatYuan(amount: Fen | number): string {
  const { sign, digits } = yuanDigits(amount as Fen, "amount");
  return `${sign}¥${digits}`;
}

/** 1234 -> "12.34", -1234 -> "-12.34": amount columns and displays that print no symbol. */
export function formatYuanPlain(amount: Fen | number): string {
  const { sign, digits } = yuanDigits(amount as Fen, "amount");
  return `${sign}${digits}`;
}

/**
 * 1234 -> "¥12.34", -50 -> "-¥0.50", 123456789 -> "¥1,234,567.89": amounts on the terminal's
 * and the console's screens, thousands grouped. A fraction or unsafe value is a bug upstream:
 * MoneyError "not a whole number of fen".
 */
export function formatYuanGrouped(amount: Fen | number): string {
  if (!isFen(amount)) throw new MoneyError("amount", amount, `not a whole number of fen: ${amount}`);
  const { sign, digits } = yuanDigits(amount, "amount");
  const dot = digits.indexOf(".");
  return `${sign}¥${groupThousands(digits.slice(0, dot))}${digits.slice(dot)}`;
}

function groupThousands(whole: string): string {
  let out = "";
  for (let i = 0; i < whole.length; i++) {
    if (i > 0 && (whole.length - i) % 3 === 0) out += ",";
    out += whole[i];
  }
  return out;
}

/**
 * What a person typed as yuan, "12.34" / "12.3" / "12" / "¥12.34", to fen; undefined when it is
 * not such an amount (a sign, more than two decimals, more than 9 whole digits). Screens that
 * must say why an amount is refused use their own checks; this one only reads.
 */
export function parseYuanInput(text: string): number | undefined {
  const m = /^\s*¥?\s*(\d{1,9})(?:\.(\d{0,2}))?\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** 1234 -> "12.34 元", -1234 -> "-12.34 元" (receipts and zh-CN screens). */
export function formatYuanCn(amount: Fen | number): string {
  const { sign, digits } = yuanDigits(amount as Fen, "amount");
  return `${sign}${digits} 元`;
}

/** Exact sum; throws MoneyError naming the index of a bad item, or on overflow of the total. */
export function sumFen(list: readonly (Fen | number)[]): Fen {
  let total = 0;
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!;
    if (!isFen(v)) throw new MoneyError(`[${i}]`, v, "must be a safe integer number of fen");
    total += v;
    // Two safe integers add exactly unless the true sum leaves the safe range, and then the
    // float result is itself unsafe, so this check catches every overflow.
    if (!Number.isSafeInteger(total)) throw new MoneyError(`[${i}]`, v, "sum overflows a safe integer");
  }
  return fen(total);
}

type Int = number | bigint;

function toBig(n: Int, field: string): bigint {
  if (typeof n === "bigint") return n;
  if (!Number.isSafeInteger(n)) throw new MoneyError(field, n, "must be a safe integer");
  return BigInt(n);
}

function roundHalfUpBig(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new MoneyError("denominator", den, "must not be zero");
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  const abs = neg ? -num : num;
  let q = abs / den;
  if ((abs % den) * 2n >= den) q += 1n;
  return neg ? -q : q;
}

function toSafe(n: bigint, field: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyError(field, n, "result is not a safe integer");
  }
  const r = Number(n);
  return r === 0 ? 0 : r;
}

/**
 * numerator / denominator rounded to the nearest integer, exact halves away from zero:
 * 5/2 -> 3, -5/2 -> -3, 7/3 -> 2. Symmetric on purpose, so a negative amount (a refund, a
 * correction) rounds to exactly minus the positive one. Arguments are safe integers or
 * bigints; the result must be a safe integer. A zero denominator throws MoneyError.
 */
export function roundHalfUp(numerator: Int, denominator: Int): number {
  if (typeof numerator === "number" && typeof denominator === "number") {
    if (!Number.isSafeInteger(numerator))
      throw new MoneyError("numerator", numerator, "must be a safe integer");
    if (!Number.isSafeInteger(denominator)) {
      throw new MoneyError("denominator", denominator, "must be a safe integer");
    }
    if (denominator === 0) throw new MoneyError("denominator", denominator, "must not be zero");
    let num = numerator;
    let den = denominator;
    if (den < 0) {
      num = -num;
      den = -den;
    }
    const abs = Math.abs(num);
    // `%` on safe integers is exact; (abs - r) / den is an exact integer division, whereas
    // Math.floor(abs / den) could round up for large quotients.
    const r = abs % den;
    let q = (abs - r) / den;
    if (r * 2 >= den) q += 1;
    return num < 0 && q !== 0 ? -q : q;
  }
  return toSafe(roundHalfUpBig(toBig(numerator, "numerator"), toBig(denominator, "denominator")), "result");
}

/**
 * roundHalfUp(a * b / c) computed exactly: in doubles while a * b is a safe integer, in BigInt
 * otherwise. This is how percents and per-kg prices meet fen: mulDivRoundHalfUp(price, 15, 100).
 */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  if (!Number.isSafeInteger(a)) throw new MoneyError("a", a, "must be a safe integer");
  if (!Number.isSafeInteger(b)) throw new MoneyError("b", b, "must be a safe integer");
  if (!Number.isSafeInteger(c)) throw new MoneyError("c", c, "must be a safe integer");
  const p = a * b;
  // If the true product is safe the double product is exact; if not, the double is >= 2^53.
  if (Number.isSafeInteger(p)) return roundHalfUp(p, c);
  return toSafe(roundHalfUpBig(BigInt(a) * BigInt(b), toBig(c, "c")), "result");
}

/**
 * Splits `total` fen into shares proportional to `weights` by largest remainder: each share
 * gets floor(total * w / sum), then the fen left over go one each to the largest fractional
 * parts, ties to the earlier index. The shares always sum exactly to `total` and each is
 * within 1 fen of its exact proportion.
 *
 * Weights are non-negative safe integers. If they are all zero (e.g. every line already at
 * net 0) there is no proportion to follow, so the split is equal, extra fen to the earliest.
 * A negative total is split as its absolute value and negated, so -x mirrors x. An empty
 * weight list only takes a zero total.
 */
export function allocateLargestRemainder(total: number, weights: readonly number[]): Fen[] {
  if (!Number.isSafeInteger(total))
    throw new MoneyError("total", total, "must be a safe integer number of fen");
  const n = weights.length;
  if (n === 0) {
    if (total !== 0) throw new MoneyError("weights", weights, "must not be empty when total is not zero");
    return [];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new MoneyError(`weights[${i}]`, w, "must be a non-negative safe integer");
    }
    sum += w;
    if (!Number.isSafeInteger(sum)) throw new MoneyError(`weights[${i}]`, w, "weights sum overflows");
  }
  if (total < 0) return allocateLargestRemainder(-total, weights).map((s) => fen(-s));
  const ws = sum === 0 ? weights.map(() => 1) : weights;
  const den = sum === 0 ? n : sum;

  const shares = new Array<number>(n);
  const rems = new Array<number>(n);
  let given = 0;
  if (Number.isSafeInteger(total * den)) {
    // Every total * w <= total * den is safe, so this is exact in doubles.
    for (let i = 0; i < n; i++) {
      const p = total * ws[i]!;
      const r = p % den;
      shares[i] = (p - r) / den;
      rems[i] = r;
      given += shares[i]!;
    }
  } else {
    const t = BigInt(total);
    const d = BigInt(den);
    for (let i = 0; i < n; i++) {
      const p = t * BigInt(ws[i]!);
      // Shares are <= total and remainders < den, so both fit back in a double exactly.
      shares[i] = Number(p / d);
      rems[i] = Number(p % d);
      given += shares[i]!;
    }
  }
  let left = total - given;
  if (left > 0) {
    // Remainders share the denominator, so comparing them compares the fractional parts.
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => rems[b]! - rems[a]! || a - b);
    for (let k = 0; left > 0; k++, left--) {
      const j = order[k]!;
      shares[j] = shares[j]! + 1;
    }
  }
  return shares as Fen[];
}
