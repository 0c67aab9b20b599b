// The demo's generated sales history (demo-history.ts): deterministic, nine weeks ending
// the day before the demo's first day, weekends above weekdays, a few stock-outs, and a file the
// hub's own import rules accept without a bad row.
import { expect, test } from "bun:test";
import { demoHistory, historyCsv } from "./demo-history.ts";
import { parseHistoryCsv } from "./history-csv.ts";

const DAY_MS = 86_400_000;
const opts = {
  storeIds: ["S001", "S002", "S003"],
  skus: ["6901234500012", "6901234500029", "1102003"],
  today: "2026-12-08",
};

test("the same stores, SKUs and day give the same file; another seed another", () => {
  expect(historyCsv(demoHistory(opts))).toBe(historyCsv(demoHistory(opts)));
  expect(historyCsv(demoHistory({ ...opts, seed: 7 }))).not.toBe(historyCsv(demoHistory(opts)));
});

test("nine weeks per store and SKU, ending yesterday, whole units", () => {
  const rows = demoHistory(opts);
  expect(rows).toHaveLength(3 * 3 * 63);
  const days = [...new Set(rows.map((r) => r.day))].sort();
  expect(days).toHaveLength(63);
  expect(days[0]).toBe("2026-10-06");
  expect(days.at(-1)).toBe("2026-12-07");
  for (const r of rows) expect(Number.isInteger(r.units) && r.units >= 0).toBe(true);
});

test("weekends sell more than weekdays; a few days are stock-outs", () => {
  const rows = demoHistory({
    ...opts,
    skus: Array.from({ length: 40 }, (_, i) => `11020${String(i).padStart(2, "0")}`),
  });
  const dow = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`)).getUTCDay();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const open = rows.filter((r) => !r.stockout);
  const weekend = mean(open.filter((r) => [0, 6].includes(dow(r.day))).map((r) => r.units));
  const weekday = mean(open.filter((r) => [1, 2, 3, 4].includes(dow(r.day))).map((r) => r.units));
  expect(weekend / weekday).toBeGreaterThan(1.3);
  const outs = rows.filter((r) => r.stockout).length / rows.length;
  expect(outs).toBeGreaterThan(0.01);
  expect(outs).toBeLessThan(0.05);
});

test("the hub's import rules accept the file as it is", () => {
  const today = Date.parse("2026-12-08T00:00:00Z") / DAY_MS;
  const { rows, errors } = parseHistoryCsv(historyCsv(demoHistory(opts)), today);
  expect(errors).toEqual([]);
  expect(rows).toHaveLength(3 * 3 * 63);
});
