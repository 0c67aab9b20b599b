import { describe, expect, test } from "bun:test";
import {
  AmountError,
  formatFen,
  formatGrams,
  parseDecimal,
  parseYuan,
  plainYuan,
  quickCash,
  yuanOrError,
} from "./money.ts";

describe("money on screen", () => {
  test("formats integer fen exactly", () => {
    expect(formatFen(1234)).toBe("¥12.34");
    expect(formatFen(5)).toBe("¥0.05");
    expect(formatFen(0)).toBe("¥0.00");
    expect(formatFen(-1050)).toBe("-¥10.50");
    expect(formatFen(123456789)).toBe("¥1,234,567.89");
    expect(plainYuan(123456789)).toBe("1234567.89");
    expect(() => formatFen(0.1)).toThrow();
  });
  test("parses typed yuan into fen without floats", () => {
    expect(parseYuan("12.34")).toBe(1234);
    expect(parseYuan("12.3")).toBe(1230);
    expect(parseYuan("12")).toBe(1200);
    expect(parseYuan("0.29")).toBe(29);
    expect(parseYuan("¥ 100")).toBe(10000);
    expect(parseYuan("1.234")).toBeUndefined();
    expect(parseYuan("abc")).toBeUndefined();
    expect(parseYuan("")).toBeUndefined();
  });
  test("grams and quick amounts", () => {
    expect(formatGrams(1234)).toBe("1.234 kg");
    expect(formatGrams(5)).toBe("0.005 kg");
    expect(quickCash(2345)).toEqual([2345, 3000, 5000, 10000]);
    expect(quickCash(10000)).toEqual([10000]);
    expect(quickCash(0)).toEqual([]);
  });
  test("a typed amount that is not one names the problem", () => {
    const problem = (text: string, places = 2) => {
      try {
        parseDecimal(text, "received", { places, positive: true });
        return "ok";
      } catch (e) {
        return e instanceof AmountError ? e.problem : String(e);
      }
    };
    expect(problem("12.345")).toBe("decimals");
    expect(problem("1e3")).toBe("not_number");
    expect(problem("12,34")).toBe("not_number");
    expect(problem(".")).toBe("not_number");
    expect(problem("-5")).toBe("negative");
    expect(problem("1000000000")).toBe("too_large");
    expect(problem("0")).toBe("zero");
    expect(problem("  ")).toBe("empty");
    expect(problem("0.7505", 3)).toBe("decimals");
    expect(yuanOrError("¥12.3", "received")).toBe(1230);
    expect(yuanOrError(".5", "received")).toBe(50);
    expect(yuanOrError("007", "received")).toBe(700);
    expect(parseDecimal("0.750", "weight", { places: 3 })).toBe(750);
    expect(yuanOrError("999999999.99", "received")).toBe(99999999999);
  });
});
