// Stocktakes: count sessions (full or cycle) at a store, their counted lines against the frozen
// snapshot, and who opened, submitted and decided them (stocktakes/).
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const stocktakeSessions = sqliteTable(
  "stocktake_sessions",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    kind: text("kind", { enum: ["full", "cycle"] }).notNull(),
    /** stocktakes/lifecycle.ts */
    status: text("status", {
      enum: ["requested", "submitted", "approved", "rejected", "cancelled"],
    }).notNull(),
    origin: text("origin", { enum: ["hq", "store"] }).notNull(),
    /** The SKUs of a cycle count as JSON; [] for a full count. */
    skusJson: text("skus_json").notNull(),
    recountOver: integer("recount_over").notNull(),
    openedBy: text("opened_by").notNull(),
    openedAt: text("opened_at").notNull(),
    submittedBy: text("submitted_by"),
    submittedAt: text("submitted_at"),
    /** The stocktake.submitted event that brought the counts. */
    eventId: text("event_id"),
    decidedBy: text("decided_by"),
    decidedAt: text("decided_at"),
    note: text("note"),
  },
  (t) => [index("stocktake_sessions_store").on(t.storeId, t.status)],
);

export const stocktakeLines = sqliteTable(
  "stocktake_lines",
  {
    sessionId: text("session_id").notNull(),
    sku: text("sku").notNull(),
    /** Book stock at the store when the session opened (the frozen snapshot). */
    expected: integer("expected").notNull(),
    counted: integer("counted").notNull(),
    recounted: integer("recounted").notNull(),
    countersJson: text("counters_json").notNull(),
    /** Dated goods counted by lot: the line's lots as the store sent them (JSON CountedLot[]); null otherwise. */
    lotsJson: text("lots_json"),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.sku] })],
);
