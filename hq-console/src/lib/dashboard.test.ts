import { expect, test } from "bun:test";
import { changeBp, formatBp, periodOf } from "./dashboard.ts";

test("change against the period before, in basis points, integer rounding", () => {
  expect(changeBp(1100, 1000)).toBe(1000);
  expect(changeBp(900, 1000)).toBe(-1000);
  expect(changeBp(1, 3)).toBe(-6667); // -66.666..%
  expect(changeBp(2, 3)).toBe(-3333);
  expect(changeBp(5, 0)).toBeNull();
  expect(changeBp(0, 0)).toBeNull();
});

test("basis points as a percent with one decimal", () => {
  expect(formatBp(1234)).toBe("+12.3%");
  expect(formatBp(1235)).toBe("+12.4%");
  expect(formatBp(-6667)).toBe("-66.7%");
  expect(formatBp(0)).toBe("0.0%");
  expect(formatBp(-4)).toBe("0.0%");
  expect(formatBp(1806, false)).toBe("18.1%");
});

test("periods end today; month to date starts on the 1st", () => {
  const d = new Date(2026, 11, 7);
  expect(periodOf("today", d)).toEqual({ from: "2026-12-07", to: "2026-12-07" });
  expect(periodOf("7d", d)).toEqual({ from: "2026-12-01", to: "2026-12-07" });
  expect(periodOf("mtd", d)).toEqual({ from: "2026-12-01", to: "2026-12-07" });
  expect(periodOf("30d", d)).toEqual({ from: "2026-11-08", to: "2026-12-07" });
});
