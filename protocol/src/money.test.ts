import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  allocateLargestRemainder,
  type Fen,
  fen,
  formatYuan,
  formatYuanCn,
  formatYuanGrouped,
  formatYuanPlain,
  isFen,
  MoneyError,
  mulDivRoundHalfUp,
  parseMoney,
  parseYuanInput,
  roundHalfUp,
  sumFen,
} from "./money.ts";

const MAX = Number.MAX_SAFE_INTEGER;

function moneyError(fn: () => unknown): MoneyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MoneyError);
    return e as MoneyError;
  }
  throw new Error("expected a MoneyError");
}

// Reference rounding in BigInt: half away from zero.
function refRound(num: bigint, den: bigint): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  const a = neg ? -num : num;
  const q = a / den + ((a % den) * 2n >= den ? 1n : 0n);
  return neg ? -q : q;
}

describe("fen", () => {
  test("brands safe integers", () => {
    const x: Fen = fen(1234);
    expect<number>(x).toBe(1234);
    expect<number>(fen(-5)).toBe(-5);
    expect(Object.is(fen(-0), 0)).toBe(true);
    expect(isFen(3)).toBe(true);
    expect(isFen(3.5)).toBe(false);
    expect(isFen("3")).toBe(false);
  });

  test.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53)])("rejects %p", (v) => {
    const e = moneyError(() => fen(v, "lines[0].unitPrice"));
    expect(e.field).toBe("lines[0].unitPrice");
    expect(Object.is(e.value, v)).toBe(true);
  });

  test("default field name", () => {
    expect(moneyError(() => fen(0.1)).field).toBe("amount");
  });
});

describe("parseMoney", () => {
  test.each([
    ["¥12.34", 1234],
    ["12.34", 1234],
    ["12.34 元", 1234],
    ["12.34元", 1234],
    ["￥12.34", 1234],
    ["-3.5", -350],
    ["12", 1200],
    ["0.05", 5],
    ["0.5", 50],
    ["-¥12.34", -1234],
    ["¥-12.34", -1234],
    ["-12.34 元", -1234],
    ["  ¥ 7.00  ", 700],
    ["+1", 100],
    ["007.10", 710],
    ["-0", 0],
    ["90071992547409.91", MAX],
  ])("%p -> %p fen", (text, expected) => {
    const got = parseMoney(text);
    expect(got).toBe(expected as Fen);
    expect(Object.is(got, -0)).toBe(false);
  });

  test.each([
    "12.345",
    "abc",
    "",
    " ",
    "¥",
    "元",
    "12.",
    ".5",
    "1,234.00",
    "1e3",
    "NaN",
    "--1",
    "-¥-1",
    "¥12元",
    "12.3.4",
    "１２",
    "12 34",
    "90071992547409.92",
  ])("rejects %p", (text) => {
    const e = moneyError(() => parseMoney(text, "price"));
    expect(e.field).toBe("price");
    expect(e.value).toBe(text);
  });

  test("rejects non-strings from untyped callers", () => {
    expect(moneyError(() => parseMoney(12 as unknown as string)).field).toBe("amount");
  });
});

describe("formatYuan / formatYuanCn", () => {
  test.each([
    [1234, "¥12.34", "12.34 元"],
    [-1234, "-¥12.34", "-12.34 元"],
    [5, "¥0.05", "0.05 元"],
    [-5, "-¥0.05", "-0.05 元"],
    [0, "¥0.00", "0.00 元"],
    [100, "¥1.00", "1.00 元"],
    [MAX, "¥90071992547409.91", "90071992547409.91 元"],
  ])("%p fen", (amount, yuan, cn) => {
    expect(formatYuan(amount)).toBe(yuan);
    expect(formatYuanCn(amount)).toBe(cn);
    expect(formatYuanPlain(amount)).toBe(cn.replace(" 元", ""));
  });

  test("rejects non-fen", () => {
    moneyError(() => formatYuan(1.5));
    moneyError(() => formatYuanCn(Number.NaN));
  });

  test("property: parse(format(x)) === x for every safe integer", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (x) => {
        expect(parseMoney(formatYuan(x))).toBe(fen(x));
        expect(parseMoney(formatYuanCn(x))).toBe(fen(x));
      }),
    );
  });

  test("property: format(parse(s)) normalises any well-formed amount string", () => {
    const arb = fc.record({
      neg: fc.boolean(),
      whole: fc.integer({ min: 0, max: 10 ** 9 }),
      frac: fc.oneof(fc.constant(""), fc.stringMatching(/^\d{1,2}$/)),
      style: fc.constantFrom("", "¥", "￥", "元"),
    });
    fc.assert(
      fc.property(arb, ({ neg, whole, frac, style }) => {
        const body = frac ? `${whole}.${frac}` : `${whole}`;
        const text = style === "元" ? `${neg ? "-" : ""}${body} 元` : `${neg ? "-" : ""}${style}${body}`;
        const cents = whole * 100 + Number(frac.padEnd(2, "0"));
        const expected = neg && cents !== 0 ? -cents : cents;
        expect(parseMoney(text)).toBe(expected as Fen);
        expect(formatYuan(parseMoney(text))).toBe(formatYuan(expected));
      }),
    );
  });
});

describe("formatYuanGrouped / parseYuanInput (the UIs' screens)", () => {
  test.each([
    [1234, "¥12.34"],
    [5, "¥0.05"],
    [0, "¥0.00"],
    [-0, "¥0.00"],
    [-50, "-¥0.50"],
    [100000, "¥1,000.00"],
    [123456789, "¥1,234,567.89"],
    [-123456789, "-¥1,234,567.89"],
    [MAX, "¥90,071,992,547,409.91"],
  ])("%p fen", (amount, text) => {
    expect(formatYuanGrouped(amount)).toBe(text);
  });

  test("a fraction or NaN is a bug upstream, named", () => {
    expect(moneyError(() => formatYuanGrouped(12.5)).message).toContain("not a whole number of fen");
    moneyError(() => formatYuanGrouped(Number.NaN));
  });

  test("property: the same digits as formatYuan, grouped; read back by parseYuanInput", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 11), max: 10 ** 11 - 1 }), (x) => {
        expect(formatYuanGrouped(x).replace(/,/g, "")).toBe(formatYuan(x));
        if (x >= 0) expect(parseYuanInput(formatYuanGrouped(x).replace(/,/g, ""))).toBe(x as Fen);
      }),
    );
  });

  test("parseYuanInput reads what staff type, nothing else", () => {
    expect(parseYuanInput("12.34")).toBe(1234 as Fen);
    expect(parseYuanInput("12.3")).toBe(1230 as Fen);
    expect(parseYuanInput("12")).toBe(1200 as Fen);
    expect(parseYuanInput("¥ 0.05")).toBe(5 as Fen);
    for (const bad of ["12.345", "-1", "abc", "", "1e3", "1234567890", "1,000"])
      expect(parseYuanInput(bad)).toBeUndefined();
  });
});

describe("sumFen", () => {
  test("adds exactly", () => {
    expect(sumFen([1, 2, 3])).toBe(6 as Fen);
    expect(sumFen([])).toBe(0 as Fen);
    expect(sumFen([MAX, -MAX, 5])).toBe(5 as Fen);
  });

  test("names the item that overflows or is not fen", () => {
    expect(moneyError(() => sumFen([MAX, 1])).field).toBe("[1]");
    expect(moneyError(() => sumFen([1, 0.5])).field).toBe("[1]");
    expect(moneyError(() => sumFen([-MAX, -1])).field).toBe("[1]");
  });
});

describe("roundHalfUp", () => {
  test.each([
    [5, 2, 3], // 2.5 -> 3
    [-5, 2, -3], // -2.5 -> -3: halves go away from zero, mirroring the positive case
    [7, 3, 2], // 2.33 -> 2
    [8, 3, 3], // 2.67 -> 3
    [-7, 3, -2],
    [-8, 3, -3],
    [1, 2, 1],
    [-1, 2, -1],
    [1, 3, 0],
    [-1, 3, 0],
    [5, -2, -3],
    [-5, -2, 3],
    [0, 7, 0],
    [MAX, 2, 4503599627370496], // 4503599627370495.5 -> up; Math.round(MAX / 2) would agree only by luck
    [MAX, 3, 3002399751580330], // .333 -> down, where MAX / 3 as a double is already rounded
    [MAX - 1, MAX, 1],
  ])("roundHalfUp(%p, %p) = %p", (n, d, q) => {
    const got = roundHalfUp(n, d);
    expect(got).toBe(q);
    expect(Object.is(got, -0)).toBe(false);
  });

  test("takes bigints for products past 2^53", () => {
    expect(roundHalfUp(10n ** 20n + 5n * 10n ** 4n, 10n ** 5n)).toBe(10 ** 15 + 1);
    expect(roundHalfUp(-(10n ** 20n) - 5n * 10n ** 4n, 10n ** 5n)).toBe(-(10 ** 15) - 1);
  });

  test("errors", () => {
    expect(moneyError(() => roundHalfUp(1, 0)).field).toBe("denominator");
    expect(moneyError(() => roundHalfUp(1.5, 2)).field).toBe("numerator");
    expect(moneyError(() => roundHalfUp(1, 2.5)).field).toBe("denominator");
    expect(moneyError(() => roundHalfUp(2n ** 60n, 1n)).field).toBe("result");
  });

  test("property: matches a BigInt reference and is symmetric", () => {
    const nonZero = fc.maxSafeInteger().filter((d) => d !== 0);
    fc.assert(
      fc.property(fc.maxSafeInteger(), nonZero, (n, d) => {
        expect(roundHalfUp(n, d)).toBe(Number(refRound(BigInt(n), BigInt(d))));
        expect(roundHalfUp(-n, d)).toBe(-roundHalfUp(n, d) || 0);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -10000, max: 10000 }), fc.integer({ min: 1, max: 1000 }), (n, d) => {
        expect(roundHalfUp(n, d)).toBe(Number(refRound(BigInt(n), BigInt(d))));
      }),
    );
  });
});

describe("mulDivRoundHalfUp", () => {
  test.each([
    [1999, 15, 100, 300], // 15% of ¥19.99 = 299.85 -> 300
    [1999, 5, 100, 100], // 99.95 -> 100
    [1990, 5, 100, 100], // 99.5 -> 100
    [1, 1, 2, 1],
    [-1999, 15, 100, -300],
    [2 ** 52, 100, 200, 2 ** 51], // product 2^52 * 100 is past 2^53: BigInt path
    [MAX, MAX, MAX, MAX],
    [MAX, 3, 6, 4503599627370496],
  ])("mulDivRoundHalfUp(%p, %p, %p) = %p", (a, b, c, q) => {
    expect(mulDivRoundHalfUp(a, b, c)).toBe(q);
  });

  test("errors", () => {
    expect(moneyError(() => mulDivRoundHalfUp(2 ** 52, 4, 1)).field).toBe("result");
    expect(moneyError(() => mulDivRoundHalfUp(1, 1, 0)).field).toBe("denominator");
    expect(moneyError(() => mulDivRoundHalfUp(0.5, 1, 1)).field).toBe("a");
    expect(moneyError(() => mulDivRoundHalfUp(1, Number.NaN, 1)).field).toBe("b");
    expect(moneyError(() => mulDivRoundHalfUp(1, 1, 1.5)).field).toBe("c");
  });

  test("property: exact against BigInt", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (a, b, c) => {
          const ref = refRound(BigInt(a) * BigInt(b), BigInt(c));
          if (ref > BigInt(MAX) || ref < -BigInt(MAX)) return;
          expect(mulDivRoundHalfUp(a, b, c)).toBe(Number(ref));
        },
      ),
    );
  });
});

describe("allocateLargestRemainder", () => {
  test.each([
    // 100/3 = 33.33 each: floors 33,33,33, 1 fen left, all remainders tie -> earliest
    [100, [1, 1, 1], [34, 33, 33]],
    [10, [3, 3, 3, 1], [3, 3, 3, 1]],
    [7, [1, 2, 4], [1, 2, 4]],
    [5, [1, 1], [3, 2]],
    [1, [1, 1, 1], [1, 0, 0]],
    // exact 0.4, 0.8, 0.8: floors 0,0,0, remainders 2,4,4 (of 5), 2 fen left -> indices 1 and 2
    [2, [1, 2, 2], [0, 1, 1]],
    // 10 over weights 500,300,200: exact 5,3,2
    [10, [500, 300, 200], [5, 3, 2]],
    // 100 over 3,3,1 (sum 7): exact 42.86, 42.86, 14.29: floors 42,42,14 -> 2 left to the .86s
    [100, [3, 3, 1], [43, 43, 14]],
    // 11 over 0,5,5: the zero weight gets nothing, the 1 left goes to the earlier of the tie
    [11, [0, 5, 5], [0, 6, 5]],
    // all-zero weights: equal split, extra fen to the earliest
    [10, [0, 0, 0], [4, 3, 3]],
    [0, [0, 0], [0, 0]],
    [0, [], []],
    [-100, [1, 1, 1], [-34, -33, -33]],
    [MAX, [1, 1], [4503599627370496, 4503599627370495]],
  ])("allocate(%p, %p) = %p", (total, weights, expected) => {
    expect(allocateLargestRemainder(total, weights)).toEqual(expected as Fen[]);
  });

  test("errors", () => {
    expect(moneyError(() => allocateLargestRemainder(5, [])).field).toBe("weights");
    expect(moneyError(() => allocateLargestRemainder(10, [1, -1])).field).toBe("weights[1]");
    expect(moneyError(() => allocateLargestRemainder(10, [1, 0.5])).field).toBe("weights[1]");
    expect(moneyError(() => allocateLargestRemainder(1.5, [1])).field).toBe("total");
    expect(moneyError(() => allocateLargestRemainder(1, [MAX, 1])).field).toBe("weights[1]");
  });

  const weightsArb = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 });

  test("property: shares sum exactly to the total", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), weightsArb, (total, weights) => {
        const shares = allocateLargestRemainder(total, weights);
        expect(shares.length).toBe(weights.length);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      }),
    );
  });

  test("property: each share is within 1 fen of its exact proportion (BigInt check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), weightsArb, (total, weights) => {
        const shares = allocateLargestRemainder(total, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        const ws = sum === 0 ? weights.map(() => 1) : weights;
        const den = BigInt(sum === 0 ? weights.length : sum);
        shares.forEach((s, i) => {
          // exact = total * w / den; |s - exact| < 1  <=>  |s * den - total * w| < den
          const diff = BigInt(s) * den - BigInt(total) * BigInt(ws[i]!);
          expect(diff > -den && diff < den).toBe(true);
        });
      }),
    );
  });

  test("property: leftover goes to the largest remainders, ties to the earlier index", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 6 }), weightsArb, (total, weights) => {
        const shares = allocateLargestRemainder(total, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        const ws = sum === 0 ? weights.map(() => 1) : weights;
        const den = sum === 0 ? weights.length : sum;
        const floors = ws.map((w) => (total * w - ((total * w) % den)) / den);
        const rems = ws.map((w) => (total * w) % den);
        const bumped = shares.map((s, i) => s - floors[i]!);
        bumped.forEach((b) => {
          expect(b === 0 || b === 1).toBe(true);
        });
        // No index left un-bumped beats a bumped one on (remainder desc, index asc).
        for (let i = 0; i < ws.length; i++) {
          for (let j = 0; j < ws.length; j++) {
            if (bumped[i] === 1 && bumped[j] === 0) {
              const iFirst = rems[i]! > rems[j]! || (rems[i] === rems[j] && i < j);
              expect(iFirst).toBe(true);
            }
          }
        }
      }),
    );
  });
});
