// Cost (issue 16): supplier price lists, costed PO lines, cost positions and movements.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const supplierPrices = sqliteTable(
  "supplier_prices",
  {
    supplierId: text("supplier_id").notNull(),
    sku: text("sku").notNull(),
    effectiveFrom: text("effective_from").notNull(),
    costFen: integer("cost_fen").notNull(),
    taxRate: integer("tax_rate").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.supplierId, t.sku, t.effectiveFrom] }),
    check("supplier_prices_cost", sql`cost_fen >= 0`),
  ],
);

/** A purchase order line's unit cost, from its supplier's price list on the order's date. */

export const purchaseOrderLineCosts = sqliteTable(
  "purchase_order_line_costs",
  {
    poId: text("po_id").notNull(),
    sku: text("sku").notNull(),
    unitCostFen: integer("unit_cost_fen"),
    taxRate: integer("tax_rate"),
    priceFrom: text("price_from"),
    pricedAt: text("priced_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.poId, t.sku] })],
);

export const costPositions = sqliteTable(
  "cost_positions",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    onHand: integer("on_hand").notNull(),
    valueFen: integer("value_fen").notNull(),
    lastValueFen: integer("last_value_fen"),
    lastQty: integer("last_qty"),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] })],
);

/** The cost of one stock ledger row: value moved (signed) and the negative-stock correction. */

export const costMovements = sqliteTable(
  "cost_movements",
  {
    ledgerId: integer("ledger_id").primaryKey(),
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    kind: text("kind").notNull(),
    ref: text("ref").notNull(),
    /** The sale a return came back from, the transfer_out (ledger id) a transfer_in matches. */
    sourceRef: text("source_ref"),
    qty: integer("qty").notNull(),
    valueFen: integer("value_fen").notNull(),
    correctionFen: integer("correction_fen").notNull(),
    /** Where an incoming unit cost came from: order, price_list, sale, transfer, average. */
    costSource: text("cost_source").notNull(),
    at: text("at").notNull(),
  },
  (t) => [
    index("cost_movements_by_ref").on(t.ref, t.sku),
    index("cost_movements_by_source").on(t.sourceRef).where(sql`source_ref IS NOT NULL`),
    index("cost_movements_by_at").on(t.at),
  ],
);
