import { expect, test } from "bun:test";
import { isoWeek, weekRange } from "./periods.ts";

test("ISO weeks: Monday starts, year edges where the Thursday decides", () => {
  expect(isoWeek("2026-12-07")).toBe("2026-W50"); // a Monday
  expect(isoWeek("2026-12-06")).toBe("2026-W49"); // the Sunday before
  expect(isoWeek("2026-01-01")).toBe("2026-W01"); // a Thursday
  expect(isoWeek("2027-01-01")).toBe("2026-W53"); // a Friday: still 2026's last week
  expect(isoWeek("2024-12-30")).toBe("2025-W01"); // a Monday of 2025's first week
  expect(isoWeek("2021-01-03")).toBe("2020-W53");
});

test("a week's days, and every day of a year lands in the week that contains it", () => {
  expect(weekRange("2026-W49")).toEqual({ from: "2026-11-30", to: "2026-12-06" });
  expect(weekRange("2026-W53")).toEqual({ from: "2026-12-28", to: "2027-01-03" });
  const d = new Date(Date.UTC(2024, 0, 1));
  for (let i = 0; i < 366 * 3; i++) {
    const day = d.toISOString().slice(0, 10);
    const r = weekRange(isoWeek(day));
    expect(r.from <= day && day <= r.to).toBe(true);
    d.setUTCDate(d.getUTCDate() + 1);
  }
});

test("garbage is refused", () => {
  expect(() => isoWeek("yesterday")).toThrow(RangeError);
  expect(() => weekRange("2026-49")).toThrow(RangeError);
});
