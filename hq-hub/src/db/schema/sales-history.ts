// Daily sales from before a store ran on this system (issue 17's forecast needs history on its
// first day: a chain moving in brings its old POS's daily sales per store and SKU). Read by the
// forecast beside the stock ledger, for the days before the store's first movement of the SKU;
// it moves no stock and no money.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { check, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const importedDailySales = sqliteTable(
  "imported_daily_sales",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    /** Business day, China time, YYYY-MM-DD. */
    day: text("day").notNull(),
    /** Units sold net of returns (grams for weighed goods, as the stock ledger counts them). */
    units: integer("units").notNull(),
    /** The shelf was empty that day: the forecast treats the day as censored demand. */
    stockout: integer("stockout").notNull().default(0),
    importedBy: text("imported_by").notNull(),
    importedAt: text("imported_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.sku, t.day] }),
    check("imported_daily_sales_units", sql`units >= 0`),
  ],
);
