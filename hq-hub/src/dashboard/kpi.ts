// The dashboard's arithmetic, pure: sales and returns summed per (store, business day) become
// the KPIs of a day and of a period (sales, baskets, average basket, refunds), the period's
// daily series with every day present, the top stores and regions. Integer fen throughout;
// every addition checked (reports/exact.ts addExact).
import { addExact } from "../reports/exact.ts";

export interface DayGroup {
  storeId: string;
  day: string;
  saleCount: number;
  netFen: number;
  discountFen: number;
}
export interface ReturnDayGroup {
  storeId: string;
  day: string;
  returnCount: number;
  refundFen: number;
}

export interface Kpis {
  saleCount: number;
  netFen: number;
  discountFen: number;
  /** Net sales per basket, rounded half away from zero to the fen; null without sales. */
  averageBasketFen: number | null;
  returnCount: number;
  refundFen: number;
  /** Stores with at least one sale. */
  sellingStores: number;
}

export interface SeriesDay {
  day: string;
  saleCount: number;
  netFen: number;
  refundFen: number;
}

export interface Ranked {
  key: string;
  label: string;
  saleCount: number;
  netFen: number;
}

/** a / b rounded half away from zero, in integers (b > 0): the average basket in whole fen. */
export function divRound(a: number, b: number): number {
  if (b <= 0) throw new RangeError("divRound: the divisor must be positive");
  const q = Math.trunc(a / b);
  const r = a - q * b;
  if (2 * Math.abs(r) >= b) return q + Math.sign(a);
  return q;
}

/** The KPIs of the groups whose day lies in from..to (inclusive; ISO dates compare as text). */
export function kpis(
  sales: readonly DayGroup[],
  returns: readonly ReturnDayGroup[],
  from: string,
  to: string,
): Kpis {
  let saleCount = 0;
  let netFen = 0;
  let discountFen = 0;
  let returnCount = 0;
  let refundFen = 0;
  const selling = new Set<string>();
  for (const g of sales) {
    if (g.day < from || g.day > to) continue;
    saleCount += g.saleCount;
    netFen = addExact(netFen, g.netFen, "netFen");
    discountFen = addExact(discountFen, g.discountFen, "discountFen");
    if (g.saleCount > 0) selling.add(g.storeId);
  }
  for (const g of returns) {
    if (g.day < from || g.day > to) continue;
    returnCount += g.returnCount;
    refundFen = addExact(refundFen, g.refundFen, "refundFen");
  }
  return {
    saleCount,
    netFen,
    discountFen,
    averageBasketFen: saleCount > 0 ? divRound(netFen, saleCount) : null,
    returnCount,
    refundFen,
    sellingStores: selling.size,
  };
}

/** Every ISO day from..to inclusive (at most `max`, a guard against absurd ranges). */
export function daysOf(from: string, to: string, max = 400): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (d <= end) {
    if (out.length >= max) throw new RangeError(`more than ${max} days from ${from} to ${to}`);
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** The day `n` days before an ISO day (negative n: after). */
export function shiftDay(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

/** The period of the same length just before from..to: what the period is compared with. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const n = daysOf(from, to).length;
  return { from: shiftDay(from, n), to: shiftDay(from, 1) };
}

/** One point per day of from..to, zeros where nothing was sold (a chart with gaps misleads). */
export function dailySeries(
  sales: readonly DayGroup[],
  returns: readonly ReturnDayGroup[],
  from: string,
  to: string,
): SeriesDay[] {
  const by = new Map(daysOf(from, to).map((day) => [day, { day, saleCount: 0, netFen: 0, refundFen: 0 }]));
  for (const g of sales) {
    const p = by.get(g.day);
    if (!p) continue;
    p.saleCount += g.saleCount;
    p.netFen = addExact(p.netFen, g.netFen, "netFen");
  }
  for (const g of returns) {
    const p = by.get(g.day);
    if (p) p.refundFen = addExact(p.refundFen, g.refundFen, "refundFen");
  }
  return [...by.values()];
}

/**
 * Net sales of from..to summed by `keyOf(storeId)` (the store itself, or its region), highest
 * first (ties by key), the first `limit`.
 */
export function ranking(
  sales: readonly DayGroup[],
  from: string,
  to: string,
  keyOf: (storeId: string) => string,
  label: (key: string) => string,
  limit: number,
): Ranked[] {
  const by = new Map<string, Ranked>();
  for (const g of sales) {
    if (g.day < from || g.day > to) continue;
    const key = keyOf(g.storeId);
    let r = by.get(key);
    if (!r) {
      r = { key, label: label(key), saleCount: 0, netFen: 0 };
      by.set(key, r);
    }
    r.saleCount += g.saleCount;
    r.netFen = addExact(r.netFen, g.netFen, "netFen");
  }
  return [...by.values()]
    .sort((a, b) => b.netFen - a.netFen || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}
