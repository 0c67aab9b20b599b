// Daily totals per store (issue 19 item 8): what the dashboard and the reports read instead of
// summing a month of sales at every screen. Kept by SQL triggers (drizzle-kit cannot declare
// them: migration 0023_daily_totals.sql) on sales, returns, their lines, tenders and
// cost_movements, so every write that adds or removes a row (ingest, a conflict's reversal, the
// cost catch-up on the hub or the Worker, a bulk load) moves the totals in its own transaction:
// exactly once, never behind. Sums may pass exact integers (SQLite then stores a REAL): readers
// keep them through reports/exact.ts like the sums they replace.
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Per (store, business day): the sales and returns documents, line revenue and its cost. */
export const storeDayTotals = sqliteTable(
  "store_day_totals",
  {
    storeId: text("store_id").notNull(),
    businessDay: text("business_day").notNull(),
    saleCount: integer("sale_count").notNull().default(0),
    grossFen: integer("gross_fen").notNull().default(0),
    discountFen: integer("discount_fen").notNull().default(0),
    netFen: integer("net_fen").notNull().default(0),
    taxFen: integer("tax_fen").notNull().default(0),
    returnCount: integer("return_count").notNull().default(0),
    refundFen: integer("refund_fen").notNull().default(0),
    /** Σ sale lines' net less tax (the margin report's revenue). */
    lineRevenueFen: integer("line_revenue_fen").notNull().default(0),
    /** Σ return lines' refund less tax. */
    returnRevenueFen: integer("return_revenue_fen").notNull().default(0),
    /** What the costing ledger took for the day's sales (cost_movements kind sale, by the sale). */
    costFen: integer("cost_fen").notNull().default(0),
    /** What returns put back (cost_movements kind return, by the return). */
    returnCostFen: integer("return_cost_fen").notNull().default(0),
    /** Σ sale lines' qty (units, grams when weighed) and how many lines: the margin report by store/region. */
    soldQty: integer("sold_qty").notNull().default(0),
    lineCount: integer("line_count").notNull().default(0),
    /** Σ return lines' qty and how many. */
    returnedQty: integer("returned_qty").notNull().default(0),
    returnLineCount: integer("return_line_count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.businessDay] })],
);

/** Per (store, business day, tender kind, document kind): payments and refunds. */
export const storeDayTenders = sqliteTable(
  "store_day_tenders",
  {
    storeId: text("store_id").notNull(),
    businessDay: text("business_day").notNull(),
    kind: text("kind").notNull(),
    docKind: text("doc_kind").notNull(),
    count: integer("count").notNull().default(0),
    amountFen: integer("amount_fen").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.businessDay, t.kind, t.docKind] })],
);
