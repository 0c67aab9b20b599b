import { expect, test } from "bun:test";
import { daysBefore, isoDay } from "./days.ts";

test("isoDay pads month and day", () => {
  expect(isoDay(new Date(2026, 0, 5))).toBe("2026-01-05");
});

test("daysBefore crosses month and year ends", () => {
  expect(daysBefore(new Date(2026, 2, 1), 1)).toBe("2026-02-28");
  expect(daysBefore(new Date(2026, 0, 3), 6)).toBe("2025-12-28");
});
