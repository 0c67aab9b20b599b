// The daily totals' reads (schema/daily-totals.ts: kept by triggers in every write's own
// transaction): per (store, day) sales, returns, line revenue and cost, and per (store, day,
// tender) payments, for a scope of stores and a range of days. The dashboard and the sales and
// tender reports read these few thousand rows instead of a month of documents.
import { and, between, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { storeDayTenders, storeDayTotals, stores } from "../db/schema.ts";

/** Which stores: a list of ids, or a store / region scope (none: the chain). */
export type StoreFilter = { ids: readonly string[] } | { store?: string; region?: string };

/**
 * Recomputes every total from the documents (the migration's fill, kept here for bulk loaders
 * whose batches write lines before their sale: the line triggers need the sale first, as ingest
 * writes it). Raw SQL: upserts from grouped joins, which drizzle's builder cannot say.
 */
export const REBUILD_DAY_TOTALS = `
DELETE FROM store_day_totals;
DELETE FROM store_day_tenders;
INSERT INTO store_day_totals (store_id, business_day, sale_count, gross_fen, discount_fen, net_fen, tax_fen)
  SELECT store_id, business_day, COUNT(*), TOTAL(gross_fen), TOTAL(discount_fen), TOTAL(net_fen), TOTAL(tax_fen)
  FROM sales GROUP BY store_id, business_day;
INSERT INTO store_day_totals (store_id, business_day, return_count, refund_fen)
  SELECT store_id, business_day, COUNT(*), TOTAL(refund_fen) FROM returns WHERE true GROUP BY store_id, business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET return_count = excluded.return_count, refund_fen = excluded.refund_fen;
INSERT INTO store_day_totals (store_id, business_day, line_revenue_fen, sold_qty, line_count)
  SELECT s.store_id, s.business_day, TOTAL(l.net_fen - l.tax_fen), TOTAL(l.qty), COUNT(*) FROM sale_lines l
  JOIN sales s ON s.store_id = l.store_id AND s.sale_id = l.sale_id WHERE true GROUP BY s.store_id, s.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET line_revenue_fen = excluded.line_revenue_fen,
    sold_qty = excluded.sold_qty, line_count = excluded.line_count;
INSERT INTO store_day_totals (store_id, business_day, cost_fen)
  SELECT s.store_id, s.business_day, TOTAL(-c.value_fen) FROM cost_movements c
  JOIN sales s ON s.store_id = c.store_id AND s.sale_id = c.ref WHERE c.kind = 'sale' GROUP BY s.store_id, s.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET cost_fen = excluded.cost_fen;
INSERT INTO store_day_totals (store_id, business_day, return_revenue_fen, returned_qty, return_line_count)
  SELECT r.store_id, r.business_day, TOTAL(l.refund_fen - l.tax_fen), TOTAL(l.qty), COUNT(*) FROM return_lines l
  JOIN returns r ON r.store_id = l.store_id AND r.return_id = l.return_id WHERE true GROUP BY r.store_id, r.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET return_revenue_fen = excluded.return_revenue_fen,
    returned_qty = excluded.returned_qty, return_line_count = excluded.return_line_count;
INSERT INTO store_day_totals (store_id, business_day, return_cost_fen)
  SELECT r.store_id, r.business_day, TOTAL(c.value_fen) FROM cost_movements c
  JOIN returns r ON r.store_id = c.store_id AND r.return_id = c.ref WHERE c.kind = 'return' GROUP BY r.store_id, r.business_day
  ON CONFLICT (store_id, business_day) DO UPDATE SET return_cost_fen = excluded.return_cost_fen;
INSERT INTO store_day_tenders (store_id, business_day, kind, doc_kind, count, amount_fen)
  SELECT t.store_id, COALESCE(s.business_day, r.business_day) AS d, t.kind, t.doc_kind, COUNT(*), TOTAL(t.amount_fen)
  FROM tenders t
  LEFT JOIN sales s ON t.doc_kind = 'sale' AND s.store_id = t.store_id AND s.sale_id = t.doc_id
  LEFT JOIN returns r ON t.doc_kind = 'return' AND r.store_id = t.store_id AND r.return_id = t.doc_id
  WHERE COALESCE(s.business_day, r.business_day) IS NOT NULL
  GROUP BY t.store_id, d, t.kind, t.doc_kind;
`;

export function rebuildDayTotals(db: Sqlite): void {
  db.transaction(() => db.exec(REBUILD_DAY_TOTALS))();
}

export function createDayTotals(db: Sqlite) {
  const orm = openDrizzle(db);
  const scoped = (storeId: SQLiteColumn, f: StoreFilter): SQL | undefined => {
    if ("ids" in f) return inArray(storeId, [...f.ids]);
    return and(
      f.store ? eq(storeId, f.store) : undefined,
      f.region
        ? inArray(storeId, orm.select({ id: stores.id }).from(stores).where(eq(stores.region, f.region)))
        : undefined,
    );
  };
  const inRange = (f: StoreFilter, from: string, to: string) =>
    and(scoped(storeDayTotals.storeId, f), between(storeDayTotals.businessDay, from, to));

  /** Per (store, day) with at least one sale: the sales report's and dashboard's groups. */
  const sales = (f: StoreFilter, from: string, to: string) =>
    orm
      .select({
        storeId: storeDayTotals.storeId,
        day: storeDayTotals.businessDay,
        saleCount: storeDayTotals.saleCount,
        grossFen: storeDayTotals.grossFen,
        discountFen: storeDayTotals.discountFen,
        netFen: storeDayTotals.netFen,
        taxFen: storeDayTotals.taxFen,
      })
      .from(storeDayTotals)
      .where(and(inRange(f, from, to), gt(storeDayTotals.saleCount, 0)))
      .all();

  /** Per (store, day) with at least one return. */
  const returns = (f: StoreFilter, from: string, to: string) =>
    orm
      .select({
        storeId: storeDayTotals.storeId,
        day: storeDayTotals.businessDay,
        returnCount: storeDayTotals.returnCount,
        refundFen: storeDayTotals.refundFen,
      })
      .from(storeDayTotals)
      .where(and(inRange(f, from, to), gt(storeDayTotals.returnCount, 0)))
      .all();

  /** Per store over the range: revenue and cost as the margin report counts them. */
  const margin = (f: StoreFilter, from: string, to: string) =>
    orm
      .select({
        storeId: storeDayTotals.storeId,
        salesFen: sql<number>`TOTAL(${storeDayTotals.lineRevenueFen})`,
        costFen: sql<number>`TOTAL(${storeDayTotals.costFen})`,
        returnsFen: sql<number>`TOTAL(${storeDayTotals.returnRevenueFen})`,
        returnCostFen: sql<number>`TOTAL(${storeDayTotals.returnCostFen})`,
      })
      .from(storeDayTotals)
      .where(inRange(f, from, to))
      .groupBy(storeDayTotals.storeId)
      .all();

  /**
   * Per store over the range: the margin report's per-store groups (quantities, revenue and cost),
   * for the stores with at least one sale or return line in it (as the report's line sums find them).
   */
  const marginByStore = (f: StoreFilter, from: string, to: string) =>
    orm
      .select({
        storeId: storeDayTotals.storeId,
        soldQty: sql<number>`TOTAL(${storeDayTotals.soldQty})`,
        salesFen: sql<number>`TOTAL(${storeDayTotals.lineRevenueFen})`,
        costFen: sql<number>`TOTAL(${storeDayTotals.costFen})`,
        returnedQty: sql<number>`TOTAL(${storeDayTotals.returnedQty})`,
        returnsFen: sql<number>`TOTAL(${storeDayTotals.returnRevenueFen})`,
        returnCostFen: sql<number>`TOTAL(${storeDayTotals.returnCostFen})`,
      })
      .from(storeDayTotals)
      .where(inRange(f, from, to))
      .groupBy(storeDayTotals.storeId)
      .having(gt(sql`TOTAL(${storeDayTotals.lineCount}) + TOTAL(${storeDayTotals.returnLineCount})`, 0))
      .all();

  /** Per (store, tender kind, document kind) over the range, as the tender report groups them. */
  const tenders = (f: StoreFilter, from: string, to: string) =>
    orm
      .select({
        storeId: storeDayTenders.storeId,
        kind: storeDayTenders.kind,
        docKind: storeDayTenders.docKind,
        count: sql<number>`TOTAL(${storeDayTenders.count})`,
        amountFen: sql<number>`TOTAL(${storeDayTenders.amountFen})`,
      })
      .from(storeDayTenders)
      .where(and(scoped(storeDayTenders.storeId, f), between(storeDayTenders.businessDay, from, to)))
      .groupBy(storeDayTenders.storeId, storeDayTenders.kind, storeDayTenders.docKind)
      .having(gt(sql`TOTAL(${storeDayTenders.count})`, 0))
      .all();

  return { sales, returns, margin, marginByStore, tenders };
}

export type DayTotals = ReturnType<typeof createDayTotals>;
