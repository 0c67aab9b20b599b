// The demo's sales history (`npm start`, scripts/demo/supply.ts): nine weeks of daily sales per
// store and dairy SKU before the demo's first day, as a chain moving in would bring from its old
// POS, imported at HQ (POST /api/v1/sales-history/import) so the forecast and the replenishment
// run have something to learn from on the first start. Demo data, not used by the hub itself. Shape: each SKU its own rate (2-12 a day), each store its own
// size, weekends above weekdays (Friday a little, Saturday and Sunday a third more), Poisson
// noise, and about one sold-out day in forty (a third of a day's sales, marked as a stock-out).
// Pure and deterministic: the same stores, SKUs, day and seed give the same file.
import { prng } from "@retail/protocol";

export const HISTORY_WEEKS = 9;
export const HISTORY_SEED = 20261208;

/** Monday .. Sunday. */
const WEEK = [0.85, 0.85, 0.9, 0.95, 1.1, 1.35, 1.3] as const;
const STORE_SIZE = [1, 0.85, 1.15] as const;
const DAY_MS = 86_400_000;

/** A Poisson draw by inversion (rates here are small). */
function poisson(rand: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit && k < 1000) {
    p *= rand();
    k++;
  }
  return k;
}

/** Days since 1970-01-01 of "YYYY-MM-DD". */
const dayNo = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** 0 = Monday (1970-01-01 was a Thursday). */
const weekday = (n: number) => (((n + 3) % 7) + 7) % 7;

export interface HistoryRow {
  storeId: string;
  sku: string;
  day: string;
  units: number;
  stockout: boolean;
}

/** `today` is the China business day the demo starts on: history is the weeks before it. */
export function demoHistory(opts: {
  storeIds: readonly string[];
  skus: readonly string[];
  today: string;
  weeks?: number;
  seed?: number;
}): HistoryRow[] {
  const end = dayNo(opts.today);
  const days = (opts.weeks ?? HISTORY_WEEKS) * 7;
  const seed = opts.seed ?? HISTORY_SEED;
  const rows: HistoryRow[] = [];
  for (const [s, storeId] of opts.storeIds.entries())
    for (const sku of opts.skus) {
      const rand = prng(seed + s * 104_729 + Number(sku.replace(/\D/g, "").slice(-7) || 0));
      const rate = (2 + rand() * 10) * (STORE_SIZE[s % STORE_SIZE.length] ?? 1);
      for (let d = end - days; d < end; d++) {
        const sold = poisson(rand, rate * WEEK[weekday(d)]!);
        const out = rand() < 1 / 40;
        rows.push({ storeId, sku, day: isoOf(d), units: out ? Math.floor(sold / 3) : sold, stockout: out });
      }
    }
  return rows;
}

export function historyCsv(rows: readonly HistoryRow[]): string {
  const lines = ["store,sku,day,units,stockout"];
  for (const r of rows) lines.push(`${r.storeId},${r.sku},${r.day},${r.units},${r.stockout ? 1 : 0}`);
  return `${lines.join("\n")}\n`;
}
