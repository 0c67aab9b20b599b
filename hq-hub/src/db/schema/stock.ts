// Stock: the ledger, its look-ups, levels, reorder points and price findings.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const stockLedger = sqliteTable("stock_ledger", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  storeId: text("store_id").notNull(),
  sku: text("sku").notNull(),
  qtyDelta: integer("qty_delta").notNull(),
  kind: text("kind").notNull(),
  ref: text("ref").notNull(),
  eventId: text("event_id"),
  at: text("at").notNull(),
});

/** stock_ledger ids by (store, SKU), filled in sorted batches (migration 0004, deferred-index.ts). */

export const stockLedgerBySku = sqliteTable(
  "stock_ledger_by_sku",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    id: integer("id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku, t.id] })],
);

/** How far each batch-built look-up has caught up with its source table. */

export const deferredIndexMarks = sqliteTable("deferred_index_marks", {
  name: text("name").primaryKey(),
  upTo: integer("up_to").notNull(),
});

export const stockLevels = sqliteTable(
  "stock_levels",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    onHand: integer("on_hand").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] }), index("stock_levels_sku").on(t.sku)],
);

export const reorderPoints = sqliteTable(
  "reorder_points",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    reorderPoint: integer("reorder_point").notNull(),
    alerted: integer("alerted").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] })],
);

export const priceFindings = sqliteTable(
  "price_findings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    eventId: text("event_id").notNull(),
    catalogVersion: integer("catalog_version").notNull(),
    lineId: text("line_id"),
    field: text("field").notNull(),
    expected: text("expected").notNull(),
    actual: text("actual").notNull(),
    foundAt: text("found_at").notNull(),
  },
  (t) => [index("price_findings_store").on(t.storeId)],
);
