// The imported days in front of the ledger's: only before the ledger's first day, gaps as zero
// sales (not stock-outs), nothing past the forecast's earliest day.
import { expect, test } from "bun:test";
import { importedBefore } from "./merge.ts";

test("the days before the ledger, gaps filled with zero sales", () => {
  const days = [
    { day: 100, units: 5, stockout: false },
    { day: 102, units: 0, stockout: true },
    { day: 103, units: 7, stockout: false },
    // The ledger starts on 104: the store was live, its own record wins.
    { day: 104, units: 99, stockout: false },
  ];
  expect(importedBefore(days, 104, 0)).toEqual({
    from: 100,
    units: [5, 0, 0, 7],
    stockout: [false, false, true, false],
  });
});

test("a last imported day before the ledger's first: the days between sold nothing", () => {
  expect(importedBefore([{ day: 10, units: 3, stockout: false }], 13, 0)).toEqual({
    from: 10,
    units: [3, 0, 0],
    stockout: [false, false, false],
  });
});

test("nothing in range: null", () => {
  expect(importedBefore([], 10, 0)).toBeNull();
  expect(importedBefore([{ day: 10, units: 3, stockout: false }], 10, 0)).toBeNull();
  expect(importedBefore([{ day: 3, units: 3, stockout: false }], 10, 5)).toBeNull();
});

test("days older than the earliest the forecast reads are left out", () => {
  const r = importedBefore(
    [
      { day: 3, units: 1, stockout: false },
      { day: 6, units: 2, stockout: false },
    ],
    8,
    5,
  );
  expect(r).toEqual({ from: 6, units: [2, 0], stockout: [false, false] });
});
