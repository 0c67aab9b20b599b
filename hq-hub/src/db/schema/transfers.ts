// Transfers between stores as documents (transfers/): requested, approved, shipped (stock in
// transit, its cost in 1402), received with differences; or rejected / cancelled.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const transfers = sqliteTable(
  "transfers",
  {
    /** TR-YYYYMMDD-NNNN: also the ledger rows' ref, so the stock and cost cards name it. */
    id: text("id").primaryKey(),
    fromStoreId: text("from_store_id").notNull(),
    toStoreId: text("to_store_id").notNull(),
    status: text("status").notNull(),
    /** "hq" (the console or API) or "till" (asked at the receiving store's till). */
    origin: text("origin").notNull(),
    /** A till's request id: the same request twice names one document. */
    requestId: text("request_id"),
    requestedBy: text("requested_by").notNull(),
    note: text("note").notNull().default(""),
    createdAt: text("created_at").notNull(),
    approvedAt: text("approved_at"),
    shippedAt: text("shipped_at"),
    receivedAt: text("received_at"),
    closedAt: text("closed_at"),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [
    uniqueIndex("transfers_request").on(t.toStoreId, t.requestId),
    index("transfers_from").on(t.fromStoreId, t.status),
    index("transfers_to").on(t.toStoreId, t.status),
  ],
);

export const transferLines = sqliteTable(
  "transfer_lines",
  {
    transferId: text("transfer_id").notNull(),
    sku: text("sku").notNull(),
    requestedQty: integer("requested_qty").notNull(),
    /** Set when shipped (0: not sent). */
    shippedQty: integer("shipped_qty"),
    /** Set when received; received - shipped is the difference booked at the receiver. */
    receivedQty: integer("received_qty"),
  },
  (t) => [primaryKey({ columns: [t.transferId, t.sku] })],
);
