import { expect, test } from "bun:test";
import { rollingOrigin, seasonalNaive } from "./evaluate.ts";
import type { DemandHistory } from "./model.ts";
import { syntheticHistory } from "./synthetic.ts";

test("seasonal naive repeats the last observed same weekday, stepping over stock-outs", () => {
  const units = Array.from({ length: 28 }, (_, i) => i);
  const h: DemandHistory = {
    id: "a",
    category: "x",
    start: "2025-01-06",
    units,
    stockout: units.map((_, i) => i === 20),
  };
  expect(seasonalNaive(h, 21, 21)).toBe(14);
  expect(seasonalNaive(h, 21, 27)).toBe(20 - 7); // day 20 stocked out: the week before
  expect(seasonalNaive(h, 21, 22)).toBe(15);
});

test("rolling origin scores the model better than seasonal naive on WAPE and MASE", () => {
  const hs = syntheticHistory({
    seed: 3,
    start: "2022-01-01",
    days: 3 * 365 + 60,
    stores: 2,
    skusPerCategory: 2,
  });
  const e = rollingOrigin(hs, { firstOrigin: "2024-12-01", step: 14, horizon: 14, origins: 4 });
  expect(e.origins).toBe(4);
  expect(e.scoredDays).toBeGreaterThan(4 * 14 * hs.length * 0.9);
  expect(e.model.wape).toBeLessThan(e.seasonalNaive.wape);
  expect(e.model.mase).toBeLessThan(e.seasonalNaive.mase);
  expect(e.seasonalNaive.mase).toBeGreaterThan(0.5);
});
