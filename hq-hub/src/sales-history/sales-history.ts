// Sales history from before a store ran on this system (issue 17: the forecast needs history on
// day one). HQ imports the old POS's daily sales per store and SKU by CSV, all or nothing (every
// bad row named); importing a day again replaces it, so a corrected file is simply sent again.
// The forecast reads it for the days before the store's first stock movement of a SKU
// (merge.ts); it moves no stock and no money.
import { asc, count, eq, inArray, max, min, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { importedDailySales, products, stores } from "../db/schema.ts";
import { badRows, NotFoundError } from "../errors.ts";
import { dayNumber, isoDay } from "../forecast/calendar.ts";
import { parseHistoryCsv, STORE_ID } from "./history-csv.ts";
import type { ImportedDay } from "./merge.ts";

/** Today's business day (China time, UTC+8) as a day number. */
const chinaDay = (d: Date) => Math.floor((d.getTime() + 8 * 3_600_000) / 86_400_000);

export interface HistorySummary {
  storeId: string;
  skus: number;
  rows: number;
  from: string | null;
  to: string | null;
}

/** The reading side, for the forecast (replenishment/demand.ts). */
export function createImportedHistory(db: Sqlite) {
  const orm = openDrizzle(db);
  const t = importedDailySales;
  // One prepared read per store (a run asks for all its planned SKUs at once).
  const ofStore = orm
    .select({ sku: t.sku, day: t.day, units: t.units, stockout: t.stockout })
    .from(t)
    .where(eq(t.storeId, sql.placeholder("store")))
    .orderBy(asc(t.sku), asc(t.day))
    .prepare();
  /** A store's imported days of the given SKUs, oldest first. */
  function daysOf(storeId: string, skus: readonly string[]): Map<string, ImportedDay[]> {
    const wanted = new Set(skus);
    const out = new Map<string, ImportedDay[]>();
    for (const r of ofStore.all({ store: storeId })) {
      if (!wanted.has(r.sku)) continue;
      const list = out.get(r.sku) ?? [];
      list.push({ day: dayNumber(r.day), units: r.units, stockout: r.stockout === 1 });
      out.set(r.sku, list);
    }
    return out;
  }
  return { daysOf };
}
export type ImportedHistory = ReturnType<typeof createImportedHistory>;

export function createSalesHistory(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);
  const t = importedDailySales;

  /** Imports a CSV (store,sku,day,units[,stockout]); refuses the whole file on any bad row. */
  function importCsv(text: string, actor: string): { imported: number; stores: HistorySummary[] } {
    const today = chinaDay(now());
    const { rows, errors } = parseHistoryCsv(text, today);
    const storeIds = [...new Set(rows.map((r) => r.storeId))];
    const skus = [...new Set(rows.map((r) => r.sku))];
    const knownStores = new Set(
      storeIds.length
        ? orm
            .select({ id: stores.id })
            .from(stores)
            .where(inArray(stores.id, storeIds))
            .all()
            .map((s) => s.id)
        : [],
    );
    const knownSkus = new Set<string>();
    for (let i = 0; i < skus.length; i += 500)
      for (const p of orm
        .select({ sku: products.sku })
        .from(products)
        .where(inArray(products.sku, skus.slice(i, i + 500)))
        .all())
        knownSkus.add(p.sku);
    for (const r of rows) {
      if (!knownStores.has(r.storeId))
        errors.push({ row: r.row, column: "store", reason: `unknown store ${r.storeId}` });
      if (!knownSkus.has(r.sku)) errors.push({ row: r.row, column: "sku", reason: `unknown SKU ${r.sku}` });
    }
    errors.sort((a, b) => a.row - b.row);
    if (errors.length) throw badRows(errors);
    if (rows.length === 0) throw badRows([{ row: 0, column: "csv", reason: "no history rows" }]);
    const at = now().toISOString();
    db.transaction(() => {
      // Multi-row upserts: 7 columns, 100 rows a statement.
      for (let i = 0; i < rows.length; i += 100)
        orm
          .insert(t)
          .values(
            rows.slice(i, i + 100).map((r) => ({
              storeId: r.storeId,
              sku: r.sku,
              day: isoDay(r.day),
              units: r.units,
              stockout: r.stockout ? 1 : 0,
              importedBy: actor,
              importedAt: at,
            })),
          )
          .onConflictDoUpdate({
            target: [t.storeId, t.sku, t.day],
            set: {
              units: sql.raw("excluded.units"),
              stockout: sql.raw("excluded.stockout"),
              importedBy: sql.raw("excluded.imported_by"),
              importedAt: sql.raw("excluded.imported_at"),
            },
          })
          .run();
    })();
    return { imported: rows.length, stores: summary(storeIds) };
  }

  /** Per store: how many SKUs and days it holds, first and last day. */
  function summary(storeIds?: readonly string[]): HistorySummary[] {
    for (const id of storeIds ?? []) {
      if (!STORE_ID.test(id) || !orm.select({ id: stores.id }).from(stores).where(eq(stores.id, id)).get())
        throw new NotFoundError("store", id);
    }
    const rows = orm
      .select({ storeId: t.storeId, rows: count(), from: min(t.day), to: max(t.day) })
      .from(t)
      .where(storeIds ? inArray(t.storeId, [...storeIds]) : undefined)
      .groupBy(t.storeId)
      .orderBy(asc(t.storeId))
      .all();
    const skuCounts = new Map(
      orm
        .selectDistinct({ storeId: t.storeId, sku: t.sku })
        .from(t)
        .where(storeIds ? inArray(t.storeId, [...storeIds]) : undefined)
        .all()
        .reduce((m, r) => m.set(r.storeId, (m.get(r.storeId) ?? 0) + 1), new Map<string, number>()),
    );
    return rows.map((r) => ({
      storeId: r.storeId,
      skus: skuCounts.get(r.storeId) ?? 0,
      rows: r.rows,
      from: r.from ?? null,
      to: r.to ?? null,
    }));
  }

  return { importCsv, summary };
}
export type SalesHistory = ReturnType<typeof createSalesHistory>;
