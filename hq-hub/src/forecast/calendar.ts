// Days as integers and the calendar's events on them: which holiday window a day falls in and
// at what distance from its anchor ("spring_festival:-3" is three days before 正月初一). The
// model learns one factor per such key; the dates come from calendar-data.ts.
import { CN_CALENDAR } from "./calendar-data.ts";

export type EventName =
  | "new_year"
  | "spring_festival"
  | "qingming"
  | "labour_day"
  | "dragon_boat"
  | "shopping_618"
  | "mid_autumn"
  | "national_day"
  | "shopping_1111"
  | "makeup_workday";

/** Days before (negative) and after the anchor that the event moves demand, inclusive. */
export const EVENT_WINDOWS: Readonly<Record<EventName, readonly [number, number]>> = {
  new_year: [-2, 1],
  // 年货 buying from three weeks before, the closed or quiet first days, back to normal after
  // the Lantern Festival (正月十五, +14).
  spring_festival: [-21, 15],
  qingming: [-2, 2],
  labour_day: [-2, 5],
  // Zongzi and gift boxes sell in the week before.
  dragon_boat: [-7, 1],
  // The 618 campaign runs from June 1st; online shopping pulls some baskets away.
  shopping_618: [-17, 1],
  // Mooncakes sell for three weeks before.
  mid_autumn: [-21, 1],
  national_day: [-3, 7],
  shopping_1111: [-10, 1],
  // A weekend day that is a working day (调休) sells like a weekday.
  makeup_workday: [0, 0],
};

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a "YYYY-MM-DD" date; throws on anything else. */
export function dayNumber(iso: string): number {
  const m = ISO_DAY.exec(iso);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(iso)}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const n = t / DAY_MS;
  if (isoDay(n) !== iso) throw new RangeError(`no such date: ${iso}`);
  return n;
}

export function isoDay(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
export function dayOfWeek(n: number): number {
  return (((n + 3) % 7) + 7) % 7;
}

const MONTH_START = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** Day of the year 0..364 on a 365-day year: February 29th shares February 28th's index. */
export function yearDay(n: number): number {
  const d = new Date(n * DAY_MS);
  const month = d.getUTCMonth();
  const date = Math.min(d.getUTCDate(), month === 1 ? 28 : 31);
  return MONTH_START[month]! + date - 1;
}

export function yearOf(n: number): number {
  return new Date(n * DAY_MS).getUTCFullYear();
}

/** Years whose lunar anchors the calendar holds (events of other years are unknown). */
export const CALENDAR_YEARS: readonly number[] = Object.keys(CN_CALENDAR).map(Number);

function anchorsOf(year: number): [EventName, number][] {
  const fixed = (m: number, d: number) => Date.UTC(year, m - 1, d) / DAY_MS;
  const out: [EventName, number][] = [
    ["new_year", fixed(1, 1)],
    ["labour_day", fixed(5, 1)],
    ["shopping_618", fixed(6, 18)],
    ["national_day", fixed(10, 1)],
    ["shopping_1111", fixed(11, 11)],
  ];
  const y = CN_CALENDAR[year];
  if (y) {
    out.push(["spring_festival", dayNumber(y.anchors.springFestival)]);
    out.push(["qingming", dayNumber(y.anchors.qingming)]);
    out.push(["dragon_boat", dayNumber(y.anchors.dragonBoat)]);
    out.push(["mid_autumn", dayNumber(y.anchors.midAutumn)]);
    for (const d of y.makeUpWorkdays ?? []) out.push(["makeup_workday", dayNumber(d)]);
  }
  return out;
}

const byYear = new Map<number, Map<number, string[]>>();

/** Event keys ("name:offset") of every day whose window lies in or touches `year`. */
function eventsAround(year: number): Map<number, string[]> {
  let m = byYear.get(year);
  if (m) return m;
  m = new Map();
  // Windows reach at most three weeks across a year's edge: the neighbours' anchors count too.
  for (const y of [year - 1, year, year + 1]) {
    for (const [name, anchor] of anchorsOf(y)) {
      const [from, to] = EVENT_WINDOWS[name];
      for (let k = from; k <= to; k++) {
        const day = anchor + k;
        if (yearOf(day) !== year) continue;
        const keys = m.get(day) ?? [];
        keys.push(`${name}:${k}`);
        m.set(day, keys);
      }
    }
  }
  byYear.set(year, m);
  return m;
}

const NONE: readonly string[] = [];

/** The calendar's event keys on a day ([] when it is an ordinary day). */
export function eventsOn(day: number): readonly string[] {
  return eventsAround(yearOf(day)).get(day) ?? NONE;
}

/** Whether the calendar knows the lunar holidays of the day's year. */
export function calendarKnows(day: number): boolean {
  return CN_CALENDAR[yearOf(day)] !== undefined;
}
