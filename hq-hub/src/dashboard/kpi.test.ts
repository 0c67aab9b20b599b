// The dashboard's arithmetic: averages rounded in integers, every day of a period present,
// the period before of the same length, rankings and hostile ranges.
import { describe, expect, test } from "bun:test";
import { dailySeries, daysOf, divRound, kpis, previousPeriod, ranking } from "./kpi.ts";

describe("divRound", () => {
  test("rounds half away from zero in whole fen", () => {
    expect(divRound(10, 4)).toBe(3); // 2.5
    expect(divRound(9, 4)).toBe(2); // 2.25
    expect(divRound(-10, 4)).toBe(-3);
    expect(divRound(-9, 4)).toBe(-2);
    expect(divRound(7, 7)).toBe(1);
    expect(divRound(0, 3)).toBe(0);
    // Near 2^53 the quotient is still exact.
    expect(divRound(9_007_199_254_740_990, 10)).toBe(900_719_925_474_099);
  });
  test("refuses a divisor of zero", () => {
    expect(() => divRound(1, 0)).toThrow(RangeError);
  });
});

describe("periods", () => {
  test("every day inclusive, across a month end", () => {
    expect(daysOf("2026-11-29", "2026-12-02")).toEqual([
      "2026-11-29",
      "2026-11-30",
      "2026-12-01",
      "2026-12-02",
    ]);
    expect(daysOf("2026-12-02", "2026-12-01")).toEqual([]);
  });
  test("an absurd range is refused, not looped over", () => {
    expect(() => daysOf("0001-01-01", "9999-12-31")).toThrow(RangeError);
  });
  test("the period before has the same length", () => {
    expect(previousPeriod("2026-12-01", "2026-12-07")).toEqual({ from: "2026-11-24", to: "2026-11-30" });
    expect(previousPeriod("2026-12-07", "2026-12-07")).toEqual({ from: "2026-12-06", to: "2026-12-06" });
  });
});

const sales = [
  { storeId: "A", day: "2026-12-01", saleCount: 3, netFen: 1000, discountFen: 10 },
  { storeId: "B", day: "2026-12-01", saleCount: 1, netFen: 333, discountFen: 0 },
  { storeId: "A", day: "2026-12-03", saleCount: 2, netFen: 500, discountFen: 5 },
  { storeId: "C", day: "2026-11-30", saleCount: 9, netFen: 9000, discountFen: 0 },
];
const returns = [{ storeId: "A", day: "2026-12-03", returnCount: 1, refundFen: 120 }];

test("KPIs of a period count only its days", () => {
  expect(kpis(sales, returns, "2026-12-01", "2026-12-03")).toEqual({
    saleCount: 6,
    netFen: 1833,
    discountFen: 15,
    averageBasketFen: 306, // 1833 / 6 = 305.5
    returnCount: 1,
    refundFen: 120,
    sellingStores: 2,
  });
  expect(kpis(sales, returns, "2026-12-05", "2026-12-05").averageBasketFen).toBeNull();
});

test("the daily series has a zero point for a day without sales", () => {
  expect(dailySeries(sales, returns, "2026-12-01", "2026-12-03")).toEqual([
    { day: "2026-12-01", saleCount: 4, netFen: 1333, refundFen: 0 },
    { day: "2026-12-02", saleCount: 0, netFen: 0, refundFen: 0 },
    { day: "2026-12-03", saleCount: 2, netFen: 500, refundFen: 120 },
  ]);
});

test("ranking by store or by region, highest first, limited", () => {
  const region = (id: string) => (id === "A" ? "east" : "west");
  expect(
    ranking(
      sales,
      "2026-11-30",
      "2026-12-03",
      (id) => id,
      (k) => `店${k}`,
      2,
    ),
  ).toEqual([
    { key: "C", label: "店C", saleCount: 9, netFen: 9000 },
    { key: "A", label: "店A", saleCount: 5, netFen: 1500 },
  ]);
  expect(ranking(sales, "2026-12-01", "2026-12-03", region, (k) => k, 10)).toEqual([
    { key: "east", label: "east", saleCount: 5, netFen: 1500 },
    { key: "west", label: "west", saleCount: 1, netFen: 333 },
  ]);
});

test("a sum past exact integers is refused rather than rounded", () => {
  const huge = [
    { storeId: "A", day: "2026-12-01", saleCount: 1, netFen: Number.MAX_SAFE_INTEGER, discountFen: 0 },
    { storeId: "B", day: "2026-12-01", saleCount: 1, netFen: 10, discountFen: 0 },
  ];
  expect(() => kpis(huge, [], "2026-12-01", "2026-12-01")).toThrow(/exceeds exact integers/);
});
