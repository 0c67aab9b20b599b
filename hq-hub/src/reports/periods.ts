// Report periods, pure: the ISO week and the month a business day belongs to, the keys reports
// group by=week and by=month under (they sort as text in time order).

/** "2026-W49": the ISO 8601 week of an ISO day (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new RangeError(`isoWeek: ${day} is not a date`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  d.setUTCDate(d.getUTCDate() - weekday + 3); // the Thursday of its week decides the year
  const year = d.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((d.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The Monday..Sunday of an ISO week key, for its label ("2026-W49" -> 2026-11-30..2026-12-06). */
export function weekRange(key: string): { from: string; to: string } {
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!m) throw new RangeError(`weekRange: ${key} is not an ISO week`);
  const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
  const monday = new Date(jan4);
  monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() + 6) % 7) + (Number(m[2]) - 1) * 7);
  const sunday = new Date(monday);
  sunday.setUTCDate(monday.getUTCDate() + 6);
  return { from: monday.toISOString().slice(0, 10), to: sunday.toISOString().slice(0, 10) };
}
