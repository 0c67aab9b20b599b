// A store's daily sales history of a SKU from its stock ledger, pure: units sold per business
// day (China time, net of returns) and whether the shelf was empty that day (on hand at or
// below zero at the day's end, or a sale took it there during the day): the forecast treats
// those days as censored, not as zero demand.
import { isoDay } from "../forecast/calendar.ts";

const DAY_MS = 86_400_000;
const CHINA_MS = 8 * 3_600_000;

/** The business day (China time) of an instant, as a day number. */
export function businessDay(at: string | Date): number {
  const t = typeof at === "string" ? Date.parse(at) : at.getTime();
  return Math.floor((t + CHINA_MS) / DAY_MS);
}

export interface LedgerRow {
  qtyDelta: number;
  kind: string;
  at: string;
}

/**
 * Days `from`..`to` (day numbers, inclusive). `onHandNow` is the on-hand after every row, so
 * the level before the first day is found walking back from it. A stock-out day: a sale left
 * the level at or below zero, or the day ended there, or it began there and sold nothing (a
 * delivery at opening that was then sold from is an ordinary day).
 */
export function dailySales(
  rows: readonly LedgerRow[],
  onHandNow: number,
  from: number,
  to: number,
): { start: string; units: number[]; stockout: boolean[] } {
  const n = Math.max(0, to - from + 1);
  const units = new Array<number>(n).fill(0);
  const sorted = [...rows].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  let level = onHandNow;
  for (const r of sorted) if (businessDay(r.at) >= from) level -= r.qtyDelta;
  const stockout = new Array<boolean>(n).fill(false);
  let k = 0;
  while (k < sorted.length && businessDay(sorted[k]!.at) < from) k++;
  for (let i = 0; i < n; i++) {
    const startLevel = level;
    let sales = 0;
    let out = false;
    for (; k < sorted.length && businessDay(sorted[k]!.at) === from + i; k++) {
      const r = sorted[k]!;
      level += r.qtyDelta;
      if (r.kind === "sale" || r.kind === "return") units[i] = units[i]! - r.qtyDelta;
      if (r.kind === "sale") {
        sales++;
        if (level <= 0) out = true;
      }
    }
    stockout[i] = out || level <= 0 || (startLevel <= 0 && sales === 0);
  }
  return { start: isoDay(from), units: units.map((u) => Math.max(0, u)), stockout };
}
