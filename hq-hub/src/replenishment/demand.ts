// A store's demand: each planned SKU's daily sales from the stock ledger (stock-out days
// flagged; before the store's first movement of it, the imported history), fitted with the
// store's other SKUs of its top category (forecast/), and a SKU's history beside its forecast
// for the console's chart.
import { Sku } from "@retail/protocol";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../errors.ts";
import { isoDay } from "../forecast/calendar.ts";
import { type DemandModel, type ForecastDay, fitDemand, forecastDemand } from "../forecast/model.ts";
import { type ImportedDay, importedBefore } from "../sales-history/merge.ts";
import type { Stock } from "../stock/stock.ts";
import type { AutoStore } from "./auto-store.ts";
import { businessDay, dailySales } from "./history.ts";
import type { OrderStore } from "./order-store.ts";
import { type PromotionLike, promoDays } from "./promo-days.ts";

const HISTORY_DAYS = 730;

export const ForecastQuery = z.object({
  days: z.coerce.number().int().min(1).max(90).optional(),
  historyDays: z.coerce.number().int().min(7).max(365).optional(),
});

export function createStoreDemand(deps: {
  now: () => Date;
  stock: Stock;
  store: AutoStore;
  orders: OrderStore;
  /** Daily sales imported from before the store ran on this system (sales-history/). */
  imported?: { daysOf(storeId: string, skus: readonly string[]): Map<string, ImportedDay[]> };
}) {
  const { now, stock, store, orders, imported } = deps;
  const poolOf = (sku: string) => store.product(sku)?.pool ?? "-";
  /** The item promotions of a SKU at the store on `days` days from `from` (promo-days.ts). */
  const promosOf = (
    list: readonly PromotionLike[],
    storeId: string,
    sku: string,
    from: number,
    days: number,
  ) => promoDays(list, storeId, sku, store.product(sku)?.path ?? [], from, days);

  /**
   * The store's daily sales of SKUs up to yesterday (China time), from each SKU's first
   * movement, and before it the imported history of the days before the store went live
   * (sales-history/merge.ts).
   */
  function histories(storeId: string, skus: readonly string[]) {
    const today = businessDay(now());
    const promos = store.promotions();
    const before = imported?.daysOf(storeId, skus);
    return skus.map((sku) => {
      const rows = stock
        .movements(storeId, sku)
        .map((r) => ({ qtyDelta: r.qty_delta, kind: r.kind, at: r.at }));
      const onHandNow = rows.reduce((a, r) => a + r.qtyDelta, 0);
      const first = rows.length ? Math.min(businessDay(rows[0]!.at), today) : today;
      const from = Math.max(today - HISTORY_DAYS, first);
      const h = dailySales(rows, onHandNow, from, today - 1);
      const pre = importedBefore(before?.get(sku) ?? [], from, today - HISTORY_DAYS);
      const start = pre ? pre.from : from;
      const units = pre ? [...pre.units, ...h.units] : h.units;
      return {
        id: sku,
        category: poolOf(sku),
        start: isoDay(start),
        units,
        stockout: pre ? [...pre.stockout, ...h.stockout] : h.stockout,
        promo: promosOf(promos, storeId, sku, start, units.length),
      };
    });
  }

  /** Models of a store's SKUs, fitted together (pooled by top category); none without history. */
  function models(storeId: string, skus: readonly string[]): Map<string, DemandModel> {
    const hs = histories(storeId, skus).filter((h) => h.units.length > 0);
    const out = new Map<string, DemandModel>();
    const fitted = fitDemand(hs);
    for (const [i, h] of hs.entries()) out.set(h.id, fitted[i]!);
    return out;
  }

  /** The days ahead from today (China time), planned promotions taken into account. */
  function ahead(
    promos: readonly PromotionLike[],
    storeId: string,
    sku: string,
    m: DemandModel,
    days: number,
  ): ForecastDay[] {
    const today = businessDay(now());
    const from = isoDay(today) > m.lastDay ? { from: isoDay(today) } : {};
    return forecastDemand(m, days, { ...from, promo: promosOf(promos, storeId, sku, today, days) });
  }

  /** Mean demand of the days ahead; `promos` read once per run (store.promotions()). */
  function forecastFrom(
    promos: readonly PromotionLike[],
    storeId: string,
    sku: string,
    m: DemandModel | undefined,
    days: number,
  ): number[] {
    return m ? ahead(promos, storeId, sku, m, days).map((d) => d.units) : new Array(days).fill(0);
  }

  /** A SKU's recent daily sales and its forecast, each day with the factors that make it. */
  function forecastOf(
    storeId: string,
    sku: string,
    opts: z.infer<typeof ForecastQuery> = {},
  ): {
    storeId: string;
    sku: string;
    name: string | null;
    history: { day: string; units: number; stockout: boolean }[];
    forecast: ForecastDay[];
    model: (Omit<DemandModel, "yearly" | "events" | "id" | "category"> & { pool: string }) | null;
  } {
    if (!orders.storeExists(storeId)) throw new NotFoundError("store", storeId);
    if (!Sku.safeParse(sku).success) throw new ValidationError("sku", `"${sku}" is not a SKU`);
    const name = orders.productName(sku) ?? null;
    if (name === null) throw new NotFoundError("SKU", sku);
    const days = opts.days ?? 28;
    // The SKU is fitted with the store's other planned SKUs of its category (the pool).
    const pool = poolOf(sku);
    const peers = store.plannedSkus(storeId).filter((s) => s !== sku && poolOf(s) === pool);
    const hs = histories(storeId, [sku, ...peers]).filter((h) => h.units.length > 0);
    const own = hs.find((h) => h.id === sku);
    const m = own ? fitDemand(hs)[hs.indexOf(own)] : undefined;
    const historyDays = opts.historyDays ?? 56;
    const history = own
      ? own.units
          .map((u, i) => ({
            day: isoDay(businessDay(now()) - own.units.length + i),
            units: u,
            stockout: own.stockout[i]!,
          }))
          .slice(-historyDays)
      : [];
    const forecast = m ? ahead(store.promotions(), storeId, sku, m, days) : [];
    const model = m
      ? {
          pool,
          lastDay: m.lastDay,
          level: m.level,
          alpha: m.alpha,
          dow: m.dow,
          promoUplift: m.promoUplift,
          errorSd: m.errorSd,
          observedDays: m.observedDays,
          censoredDays: m.censoredDays,
        }
      : null;
    return { storeId, sku, name, history, forecast, model };
  }

  return { histories, models, forecastFrom, forecastOf, promotions: () => store.promotions() };
}
