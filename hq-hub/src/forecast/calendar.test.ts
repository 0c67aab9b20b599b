import { describe, expect, test } from "bun:test";
import {
  CALENDAR_YEARS,
  calendarKnows,
  dayNumber,
  dayOfWeek,
  eventsOn,
  isoDay,
  yearDay,
} from "./calendar.ts";
import { CN_CALENDAR } from "./calendar-data.ts";

describe("the holiday calendar", () => {
  test("covers the bench's years and the next, lunar anchors where the lunar calendar puts them", () => {
    for (const y of [2022, 2023, 2024, 2025, 2026, 2027]) expect(CALENDAR_YEARS).toContain(y);
    for (const [year, c] of Object.entries(CN_CALENDAR)) {
      const md = (iso: string) => iso.slice(5);
      expect(c.anchors.springFestival.startsWith(year)).toBe(true);
      // 正月初一 falls between January 21st and February 20th, 中秋 between September 7th and October 8th.
      expect(md(c.anchors.springFestival) >= "01-21" && md(c.anchors.springFestival) <= "02-20").toBe(true);
      expect(md(c.anchors.midAutumn) >= "09-07" && md(c.anchors.midAutumn) <= "10-08").toBe(true);
      expect(md(c.anchors.dragonBoat) >= "05-28" && md(c.anchors.dragonBoat) <= "06-25").toBe(true);
      expect(["04-04", "04-05", "04-06"]).toContain(md(c.anchors.qingming));
      // Make-up working days are weekend days, inside their year.
      for (const d of c.makeUpWorkdays ?? []) expect(dayOfWeek(dayNumber(d))).toBeGreaterThanOrEqual(5);
    }
    expect(CN_CALENDAR[2026]!.anchors.springFestival).toBe("2026-02-17");
    expect(CN_CALENDAR[2025]!.anchors.midAutumn).toBe("2025-10-06");
  });

  test("days carry their event and distance from the anchor, across the year's edge too", () => {
    expect(eventsOn(dayNumber("2026-02-16"))).toContain("spring_festival:-1");
    expect(eventsOn(dayNumber("2026-02-17"))).toContain("spring_festival:0");
    expect(eventsOn(dayNumber("2026-02-14"))).toContain("makeup_workday:0");
    expect(eventsOn(dayNumber("2025-12-30"))).toContain("new_year:-2");
    // 2023's Mid-Autumn was on September 29th, inside National Day's run-up.
    expect(eventsOn(dayNumber("2023-09-29"))).toEqual(
      expect.arrayContaining(["mid_autumn:0", "national_day:-2"]),
    );
    expect(eventsOn(dayNumber("2025-06-17"))).toContain("shopping_618:-1");
    expect(eventsOn(dayNumber("2025-11-11"))).toContain("shopping_1111:0");
    expect(eventsOn(dayNumber("2025-08-05"))).toEqual([]);
    expect(calendarKnows(dayNumber("2027-03-01"))).toBe(true);
    expect(calendarKnows(dayNumber("2031-03-01"))).toBe(false);
  });

  test("day arithmetic: weekdays, day of year with February 29th, bad dates refused", () => {
    expect(dayOfWeek(dayNumber("2026-12-07"))).toBe(0); // a Monday
    expect(dayOfWeek(dayNumber("2026-12-06"))).toBe(6);
    expect(yearDay(dayNumber("2024-02-29"))).toBe(yearDay(dayNumber("2024-02-28")));
    expect(yearDay(dayNumber("2024-03-01"))).toBe(59);
    expect(yearDay(dayNumber("2025-12-31"))).toBe(364);
    expect(isoDay(dayNumber("2025-01-29"))).toBe("2025-01-29");
    for (const bad of ["2025-02-30", "2025-1-1", "yesterday", "", "2025-13-01"])
      expect(() => dayNumber(bad)).toThrow(RangeError);
  });
});
