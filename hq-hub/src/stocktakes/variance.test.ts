import { expect, test } from "bun:test";
import { alertsOf, varianceLines } from "./variance.ts";

const line = (sku: string, expected: number, counted: number) => ({
  sku,
  expected,
  counted,
  recounted: false,
  counters: ["1001"],
});

test("differences valued at the average cost, half away from zero; per kg for weighed goods; null without a cost", () => {
  const v = varianceLines(
    [line("A", 10, 7), line("B", 0, 3), line("PORK", 1000, 875), line("C", 5, 5), line("X", 1, 0)],
    (sku) =>
      sku === "A"
        ? { averageFen: 333, perKg: false }
        : sku === "B" || sku === "C"
          ? { averageFen: 150, perKg: false }
          : sku === "PORK"
            ? { averageFen: 2_990, perKg: true }
            : undefined,
  );
  expect(v.map((l) => [l.sku, l.diff, l.valueFen])).toEqual([
    ["A", -3, -999],
    ["B", 3, 450],
    ["PORK", -125, -374], // 125 g x 29.90/kg = 373.75 fen
    ["C", 0, 0],
    ["X", -1, null],
  ]);
});

test("alerts: negative book stock, variances of at least ¥200, and without a cost more than twice the recount threshold", () => {
  const v = varianceLines(
    [
      line("NEG", -4, 0),
      line("BIG", 100, 0),
      line("SMALL", 10, 9),
      line("NOCOST", 10, 4),
      line("NOCOST2", 10, 6),
    ],
    (sku) => (sku === "BIG" || sku === "SMALL" ? { averageFen: 200, perKg: false } : undefined),
  );
  expect(alertsOf(v, 2)).toEqual([
    { sku: "NEG", kind: "negative_book" },
    { sku: "BIG", kind: "big_variance" },
    { sku: "NOCOST", kind: "big_variance" },
  ]);
  expect(alertsOf(v, 2, 100_000).map((a) => a.sku)).toEqual(["NEG", "NOCOST"]);
});
