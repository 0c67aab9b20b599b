// Purchasing: import jobs, supplier SKUs, purchase orders.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const importJobs = sqliteTable("import_jobs", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  state: text("state").notNull(),
  totalRows: integer("total_rows").notNull(),
  processedRows: integer("processed_rows").notNull(),
  errorsJson: text("errors_json").notNull().default("[]"),
  changesetId: integer("changeset_id"),
  createdBy: text("created_by").notNull(),
  createdAt: text("created_at").notNull(),
  finishedAt: text("finished_at"),
});

/** Which supplier delivers a SKU, chain-wide (migration 0007). */

export const supplierSkus = sqliteTable(
  "supplier_skus",
  {
    sku: text("sku").primaryKey(),
    supplierId: text("supplier_id").notNull(),
    assignedBy: text("assigned_by").notNull(),
    assignedAt: text("assigned_at").notNull(),
  },
  (t) => [index("supplier_skus_supplier").on(t.supplierId)],
);

export const purchaseOrders = sqliteTable(
  "purchase_orders",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    supplierId: text("supplier_id").notNull(),
    status: text("status").notNull(),
    note: text("note"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    orderedBy: text("ordered_by"),
    orderedAt: text("ordered_at"),
    expectedAt: text("expected_at"),
    endedBy: text("ended_by"),
    endedAt: text("ended_at"),
  },
  (t) => [
    index("purchase_orders_status").on(t.status),
    index("purchase_orders_store").on(t.storeId, t.status),
  ],
);

/** `received` is re-summed from the receivings naming the order, never incremented. */

export const purchaseOrderLines = sqliteTable(
  "purchase_order_lines",
  {
    poId: text("po_id").notNull(),
    sku: text("sku").notNull(),
    qty: integer("qty").notNull(),
    received: integer("received").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.poId, t.sku] }), check("purchase_order_lines_qty", sql`qty > 0`)],
);
