import { describe, expect, test } from "bun:test";
import { alertsOf, countLotMoves, datedOf, varianceLines } from "./variance.ts";

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

test("with the store's position the difference is valued exactly as approval posts it: a share of the value, half up", () => {
  const v = varianceLines([line("A", 54, 52), line("B", 53, 56), line("C", 5, 0), line("D", 2, 0)], (sku) =>
    sku === "A"
      ? { averageFen: 308, perKg: false, position: { onHand: 54, valueFen: 16_610 } }
      : sku === "B"
        ? { averageFen: 308, perKg: false, position: { onHand: 53, valueFen: 16_331 } }
        : sku === "C"
          ? { averageFen: 33, perKg: false, position: { onHand: 5, valueFen: 167 } }
          : { averageFen: 100, perKg: false, position: { onHand: 1, valueFen: 100 } },
  );
  // A: 16,610 x 2 / 54 = 615.19 -> 615 (the average 308 x 2 would say 616); B: 16,331 x 3 / 53 =
  // 924.4 -> 924; C: the whole position leaves with its whole value; D: one more than on hand,
  // the rest at the average.
  expect(v.map((l) => [l.sku, l.valueFen])).toEqual([
    ["A", -615],
    ["B", 924],
    ["C", -167],
    ["D", -200],
  ]);
});

describe("the lots approving a line moves", () => {
  const draw = (qty: number) => [
    { batch: "", qty: -1 },
    { batch: "L1", expiresOn: "2026-12-10", qty: -(qty - 1) },
  ];
  test("counted by lot: each lot by its own count less its snapshot, also when the total did not move", () => {
    const lots = [
      { batch: "L1", expiresOn: "2026-12-10", expected: 4, counted: 2 },
      { batch: "L2", expiresOn: "2026-12-20", expected: 3, counted: 5 },
      { batch: "", expected: 1, counted: 1 },
    ];
    expect(countLotMoves({ expected: 8, counted: 8, lots }, draw)).toEqual([
      { batch: "L1", expiresOn: "2026-12-10", qty: -2 },
      { batch: "L2", expiresOn: "2026-12-20", qty: 2 },
    ]);
    expect(
      countLotMoves(
        { expected: 8, counted: 8, lots: lots.map((l) => ({ ...l, counted: l.expected })) },
        draw,
      ),
    ).toBe(undefined);
  });
  test("forged or old counts: lots that do not add up, a dated lot without a date, a lot twice -> a loss drawn FEFO, a gain undated", () => {
    const forged = [
      [{ batch: "L1", expiresOn: "2026-12-10", expected: 4, counted: 0 }], // sums to 4, not 8
      [
        { batch: "L1", expected: 8, counted: 5 }, // a dated lot with no date
      ],
      [
        { batch: "L1", expiresOn: "2026-12-10", expected: 4, counted: 2 },
        { batch: "L1", expiresOn: "2026-12-10", expected: 4, counted: 3 },
      ],
    ];
    for (const lots of forged)
      expect(countLotMoves({ expected: 8, counted: 5, lots }, draw)).toEqual([
        { batch: "", qty: -1 },
        { batch: "L1", expiresOn: "2026-12-10", qty: -2 },
      ]);
    expect(countLotMoves({ expected: 8, counted: 5 }, () => [{ batch: "", qty: -3 }])).toBe(undefined);
    expect(countLotMoves({ expected: 5, counted: 8 }, draw)).toBe(undefined);
    expect(
      datedOf([
        { batch: "", qty: -1 },
        { batch: "L1", expiresOn: "2026-12-10", qty: -2 },
      ]),
    ).toEqual([{ batch: "L1", expiresOn: "2026-12-10", qty: -2 }]);
  });
});
