import { describe, expect, test } from "bun:test";
import { barWidth, formatFen, parseYuan, sumFen } from "./money.ts";

describe("formatFen", () => {
  test("whole fen as yuan with two decimals", () => {
    expect(formatFen(1234)).toBe("¥12.34");
    expect(formatFen(5)).toBe("¥0.05");
    expect(formatFen(0)).toBe("¥0.00");
    expect(formatFen(-50)).toBe("-¥0.50");
    expect(formatFen(123456789)).toBe("¥1,234,567.89");
  });
  test("a fraction of a fen is a bug upstream, not something to round", () => {
    expect(() => formatFen(12.5)).toThrow("not a whole number of fen");
    expect(() => formatFen(Number.NaN)).toThrow();
  });
  test("0.1 + 0.2 style drift cannot appear: every result comes from integers", () => {
    for (let f = 0; f < 2000; f += 7) expect(parseYuan(formatFen(f).replace(/,/g, ""))).toBe(f);
  });
});

describe("parseYuan", () => {
  test("amounts typed by staff", () => {
    expect(parseYuan("12.34")).toBe(1234);
    expect(parseYuan("12.3")).toBe(1230);
    expect(parseYuan("12")).toBe(1200);
    expect(parseYuan("¥ 0.05")).toBe(5);
  });
  test("not an amount", () => {
    expect(parseYuan("12.345")).toBeUndefined();
    expect(parseYuan("-1")).toBeUndefined();
    expect(parseYuan("abc")).toBeUndefined();
  });
});

test("sumFen refuses fractional input", () => {
  expect(sumFen([100, 250, 5])).toBe(355);
  expect(() => sumFen([1, 0.5])).toThrow();
});

test("barWidth scales by integer math and clamps", () => {
  expect(barWidth(50, 100, 300)).toBe(150);
  expect(barWidth(1, 3, 100)).toBe(33);
  expect(barWidth(200, 100, 300)).toBe(300);
  expect(barWidth(0, 0, 300)).toBe(0);
});
