// Business days as YYYY-MM-DD in the browser's time zone (the chain runs on China time; the
// hub's reports take the same strings).

export function isoDay(d: Date): string {
  const m = String(d.getMonth() + 1).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, "0");
  return `${d.getFullYear()}-${m}-${day}`;
}

/** The day `days` before `d` (calendar arithmetic, so month ends and DST do not matter). */
export function daysBefore(d: Date, days: number): string {
  return isoDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() - days));
}
