// Stock value per store and SKU (issue 19 item 8): the running sums of the costing ledger
// (cost_movements), so the valuation at a day's end is these totals less the few movements
// after it, not every movement since the chain opened summed at each read. Kept by an SQL
// trigger on cost_movements (drizzle-kit cannot declare it: migration 0031_stock_value.sql):
// movements are only ever inserted (the ledger is append-only), each one moves the totals in
// the cost catch-up's own transaction.
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const stockValueTotals = sqliteTable(
  "stock_value_totals",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    /** How many movements (a SKU with none up to a day is not in that day's valuation). */
    movements: integer("movements").notNull().default(0),
    /** Σ qty: the units (grams when weighed) on hand after every movement. */
    qty: integer("qty").notNull().default(0),
    /** Σ (value_fen - correction_fen), as the valuation sums them. */
    valueFen: integer("value_fen").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] })],
);
