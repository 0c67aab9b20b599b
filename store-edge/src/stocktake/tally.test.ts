import { expect, test } from "bun:test";
import { overThreshold, tally } from "./tally.ts";

const snap = new Map([
  ["A", 10],
  ["B", 5],
  ["C", 0],
]);

test("entries of several counters add up per SKU; uncounted snapshot lines are 0; unexpected SKUs are listed", () => {
  const lines = tally(
    snap,
    [
      { sku: "A", qty: 6, counter: "1001", round: 1 },
      { sku: "A", qty: 3, counter: "1002", round: 1 },
      { sku: "D", qty: 2, counter: "1002", round: 1 },
    ],
    2,
  );
  expect(lines.map((l) => [l.sku, l.expected, l.counted, l.counters])).toEqual([
    ["A", 10, 9, ["1001", "1002"]],
    ["B", 5, 0, []],
    ["C", 0, 0, []],
    ["D", 0, 2, ["1002"]],
  ]);
  expect(overThreshold(lines, 2)).toEqual(["B"]);
  expect(overThreshold(lines, 0)).toEqual(["A", "B", "D"]);
});

test("a recount replaces the first round of the lines asked for, and only those", () => {
  const entries = [
    { sku: "A", qty: 1, counter: "1001", round: 1 as const },
    { sku: "B", qty: 5, counter: "1001", round: 1 as const },
    { sku: "A", qty: 9, counter: "1002", round: 2 as const },
    { sku: "B", qty: 99, counter: "1002", round: 2 as const }, // B was not asked for: ignored
  ];
  const asked = new Set(["A", "C"]);
  const lines = tally(snap, entries, 2, asked);
  expect(lines.map((l) => [l.sku, l.counted, l.recount, l.recounted])).toEqual([
    ["A", 9, true, true],
    ["B", 5, false, false],
    ["C", 0, true, false],
  ]);
});

test("dated goods: a line's entries add up per lot, the recount's lots replace the first round's", () => {
  const entries = [
    { sku: "Y", qty: 4, counter: "1001", round: 1 as const, batch: "L1", expiresOn: "2026-12-10" },
    { sku: "Y", qty: 2, counter: "1002", round: 1 as const, batch: "L1", expiresOn: "2026-12-10" },
    { sku: "Y", qty: 1, counter: "1002", round: 1 as const, batch: "", expiresOn: null },
    { sku: "A", qty: 3, counter: "1001", round: 1 as const },
  ];
  const first = tally(new Map([["Y", 12]]), entries, 2);
  const y = first.find((l) => l.sku === "Y")!;
  expect([y.counted, y.byLot, y.lots]).toEqual([
    7,
    true,
    [
      { batch: "L1", expiresOn: "2026-12-10", qty: 6 },
      { batch: "", expiresOn: null, qty: 1 },
    ],
  ]);
  const a = first.find((l) => l.sku === "A")!;
  expect([a.byLot, a.lots]).toEqual([false, [{ batch: "", expiresOn: null, qty: 3 }]]);
  const again = tally(
    new Map([["Y", 12]]),
    [...entries, { sku: "Y", qty: 11, counter: "1003", round: 2, batch: "L2", expiresOn: "2026-12-20" }],
    2,
    new Set(["Y"]),
  );
  expect(again.find((l) => l.sku === "Y")!.lots).toEqual([{ batch: "L2", expiresOn: "2026-12-20", qty: 11 }]);
});
