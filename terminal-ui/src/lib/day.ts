// A calendar day typed at the till (an expiry printed on a case, a count's lot): always shown and
// taken as yyyy-mm-dd, as printed in China. The native <input type="date"> follows the browser's
// locale (a thin client set to en-US shows mm/dd/yyyy), so date fields are text fields read here.
// Accepted: 2027-03-01, 2027-3-1, 2027/3/1, 2027.3.1, 2027年3月1日, 20270301. Pure, no clock.

export type DayProblem = "format" | "date" | "range";
export type DayResult = { ok: true; day: string } | { ok: false; problem: DayProblem };

/** Years a till ever types (expiry and production days); outside is a typo. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;

const SEPARATED = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
const PACKED = /^(\d{4})(\d{2})(\d{2})$/;

/** The day as yyyy-mm-dd, or what is wrong with the text (empty text is "format"). */
export function parseDay(text: string): DayResult {
  const s = text.trim();
  if (s.length > 20) return { ok: false, problem: "format" };
  const m = SEPARATED.exec(s) ?? PACKED.exec(s);
  if (!m) return { ok: false, problem: "format" };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return { ok: false, problem: "date" };
  if (y < FIRST_YEAR || y > LAST_YEAR) return { ok: false, problem: "range" };
  return { ok: true, day: `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}` };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
