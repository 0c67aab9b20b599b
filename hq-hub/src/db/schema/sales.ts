// What stores send: sales, returns, tenders, shifts, cash movements, counts, receivings, audits, training.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const sales = sqliteTable(
  "sales",
  {
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    eventId: text("event_id").notNull(),
    receiptNo: text("receipt_no").notNull(),
    laneId: text("lane_id").notNull(),
    cashierId: text("cashier_id").notNull(),
    shiftId: text("shift_id").notNull(),
    businessDay: text("business_day").notNull(),
    catalogVersion: integer("catalog_version").notNull(),
    memberId: text("member_id"),
    grossFen: integer("gross_fen").notNull(),
    discountFen: integer("discount_fen").notNull(),
    netFen: integer("net_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    completedAt: text("completed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.saleId] }),
    index("sales_store_day").on(t.storeId, t.businessDay),
  ],
);

/** Append-only (arrival order); looked up by sale through sale_lines_by_sale (migration 0005). */

export const saleLines = sqliteTable("sale_lines", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  storeId: text("store_id").notNull(),
  saleId: text("sale_id").notNull(),
  lineId: text("line_id").notNull(),
  sku: text("sku").notNull(),
  qty: integer("qty").notNull(),
  weighed: integer("weighed").notNull(),
  unitPriceFen: integer("unit_price_fen").notNull(),
  priceVersion: integer("price_version").notNull(),
  taxRate: integer("tax_rate").notNull(),
  grossFen: integer("gross_fen").notNull(),
  discountFen: integer("discount_fen").notNull(),
  netFen: integer("net_fen").notNull(),
  taxFen: integer("tax_fen").notNull(),
  overrideCatalogPriceFen: integer("override_catalog_price_fen"),
});

/** sale_lines ids by sale, filled in sorted batches (deferred-index.ts). */

export const saleLinesBySale = sqliteTable(
  "sale_lines_by_sale",
  {
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    id: integer("id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.saleId, t.id] })],
);

/** Append-only (arrival order); looked up by document through tenders_by_doc (migration 0005). */

export const tenders = sqliteTable("tenders", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  storeId: text("store_id").notNull(),
  docId: text("doc_id").notNull(),
  docKind: text("doc_kind").notNull(),
  idx: integer("idx").notNull(),
  kind: text("kind").notNull(),
  amountFen: integer("amount_fen").notNull(),
  receivedFen: integer("received_fen"),
  changeFen: integer("change_fen"),
  reference: text("reference"),
});

/** tenders ids by (store, document kind, document id), filled in sorted batches. */

export const tendersByDoc = sqliteTable(
  "tenders_by_doc",
  {
    storeId: text("store_id").notNull(),
    docKind: text("doc_kind").notNull(),
    docId: text("doc_id").notNull(),
    id: integer("id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.docKind, t.docId, t.id] })],
);

export const returns = sqliteTable(
  "returns",
  {
    storeId: text("store_id").notNull(),
    returnId: text("return_id").notNull(),
    eventId: text("event_id").notNull(),
    receiptNo: text("receipt_no").notNull(),
    originalSaleId: text("original_sale_id"),
    originalStoreId: text("original_store_id"),
    reason: text("reason").notNull(),
    cashierId: text("cashier_id").notNull(),
    supervisorId: text("supervisor_id"),
    businessDay: text("business_day").notNull(),
    refundFen: integer("refund_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    returnedAt: text("returned_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.returnId] }),
    index("returns_store_day").on(t.storeId, t.businessDay),
  ],
);

export const returnLines = sqliteTable(
  "return_lines",
  {
    storeId: text("store_id").notNull(),
    returnId: text("return_id").notNull(),
    lineId: text("line_id").notNull(),
    sku: text("sku").notNull(),
    qty: integer("qty").notNull(),
    refundFen: integer("refund_fen").notNull(),
    taxFen: integer("tax_fen").notNull(),
    restock: integer("restock").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.returnId, t.lineId] })],
);

export const shifts = sqliteTable(
  "shifts",
  {
    storeId: text("store_id").notNull(),
    shiftId: text("shift_id").notNull(),
    laneId: text("lane_id").notNull(),
    cashierId: text("cashier_id").notNull(),
    businessDay: text("business_day").notNull(),
    floatFen: integer("float_fen"),
    openedAt: text("opened_at"),
    closedAt: text("closed_at"),
    countedFen: integer("counted_fen"),
    expectedFen: integer("expected_fen"),
    overShortFen: integer("over_short_fen"),
    closeJson: text("close_json"),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.shiftId] })],
);

export const cashMovements = sqliteTable(
  "cash_movements",
  {
    storeId: text("store_id").notNull(),
    movementId: text("movement_id").notNull(),
    shiftId: text("shift_id").notNull(),
    direction: text("direction").notNull(),
    amountFen: integer("amount_fen").notNull(),
    reason: text("reason").notNull(),
    movedAt: text("moved_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.movementId] })],
);

export const stockCounts = sqliteTable(
  "stock_counts",
  {
    storeId: text("store_id").notNull(),
    countId: text("count_id").notNull(),
    countedBy: text("counted_by").notNull(),
    linesJson: text("lines_json").notNull(),
    countedAt: text("counted_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.countId] })],
);

export const receivings = sqliteTable(
  "receivings",
  {
    storeId: text("store_id").notNull(),
    receivingId: text("receiving_id").notNull(),
    purchaseOrderId: text("purchase_order_id"),
    supplierId: text("supplier_id"),
    confirmedBy: text("confirmed_by").notNull(),
    linesJson: text("lines_json").notNull(),
    confirmedAt: text("confirmed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.receivingId] }),
    index("receivings_by_po").on(t.purchaseOrderId).where(sql`purchase_order_id IS NOT NULL`),
  ],
);

export const audits = sqliteTable(
  "audits",
  {
    storeId: text("store_id").notNull(),
    auditId: text("audit_id").notNull(),
    action: text("action").notNull(),
    laneId: text("lane_id").notNull(),
    cashierId: text("cashier_id").notNull(),
    supervisorId: text("supervisor_id"),
    saleId: text("sale_id"),
    sku: text("sku"),
    amountFen: integer("amount_fen"),
    detail: text("detail").notNull(),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.auditId] })],
);

export const trainingActivity = sqliteTable("training_activity", {
  eventId: text("event_id").primaryKey(),
  storeId: text("store_id").notNull(),
  type: text("type").notNull(),
  summaryJson: text("summary_json").notNull(),
  at: text("at").notNull(),
});
