// The edge's stocktake tables (stocktake/), re-exported by schema.ts (drizzle-kit reads it):
// a count session, its frozen snapshot of book stock (per lot for dated goods), and every
// counter's scans (with the lot counted, for dated goods). The finished
// count goes up once as stocktake.submitted through the outbox.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const stocktakeSessions = sqliteTable("stocktake_sessions", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["full", "cycle"] }).notNull(),
  origin: text("origin", { enum: ["hq", "store"] }).notNull(),
  /** counting -> recount -> submitted -> approved | rejected; cancelled (stocktake/stocktakes.ts). */
  status: text("status", {
    enum: ["counting", "recount", "submitted", "approved", "rejected", "cancelled"],
  }).notNull(),
  skusJson: text("skus_json").notNull(),
  recountOver: integer("recount_over").notNull(),
  openedBy: text("opened_by").notNull(),
  openedAt: text("opened_at").notNull(),
  /** The SKUs asked to be recounted when the first round finished. */
  recountJson: text("recount_json"),
  submittedBy: text("submitted_by"),
  submittedAt: text("submitted_at"),
});

export const stocktakeSnapshot = sqliteTable(
  "stocktake_snapshot",
  {
    sessionId: text("session_id").notNull(),
    sku: text("sku").notNull(),
    expected: integer("expected").notNull(),
    /** A dated SKU's lots when the session opened (JSON Lot[], the undated rest included); null otherwise. */
    lotsJson: text("lots_json"),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.sku] })],
);

export const stocktakeEntries = sqliteTable(
  "stocktake_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull(),
    sku: text("sku").notNull(),
    qty: integer("qty").notNull(),
    counter: text("counter").notNull(),
    round: integer("round").notNull(),
    at: text("at").notNull(),
    /** The lot counted (dated goods): its batch ("" the undated rest) and expiry; null when not by lot. */
    batch: text("batch"),
    expiresOn: text("expires_on"),
  },
  (t) => [index("stocktake_entries_session").on(t.sessionId)],
);
