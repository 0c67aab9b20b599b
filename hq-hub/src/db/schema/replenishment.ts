// Automatic replenishment: reorder parameters per store and SKU, each store's schedule and
// approval threshold, the runs and the decision on each order a run drafted.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A store's SKU's parameters; a null column falls back to the supplier's, then the defaults. */
export const reorderParams = sqliteTable(
  "reorder_params",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    serviceLevelBp: integer("service_level_bp"),
    leadTimeDays: integer("lead_time_days"),
    reviewDays: integer("review_days"),
    packSize: integer("pack_size"),
    minOrderQty: integer("min_order_qty"),
    updatedBy: text("updated_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] }), index("reorder_params_sku").on(t.sku)],
);

export const replenishmentSchedules = sqliteTable(
  "replenishment_schedules",
  {
    storeId: text("store_id").primaryKey(),
    everyDays: integer("every_days").notNull(),
    /** Hour of the day, China time. */
    atHour: integer("at_hour").notNull(),
    /** Orders worth at most this go out by themselves; dearer ones wait for approval. */
    autoMaxFen: integer("auto_max_fen").notNull(),
    enabled: integer("enabled").notNull().default(1),
    updatedBy: text("updated_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [check("replenishment_schedules_hour", sql`at_hour BETWEEN 0 AND 23`)],
);

export const replenishmentRuns = sqliteTable(
  "replenishment_runs",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    trigger: text("trigger").notNull(),
    runBy: text("run_by").notNull(),
    at: text("at").notNull(),
    /** Per SKU: forecast over the cover, safety stock, position, quantity, or why not. */
    linesJson: text("lines_json").notNull(),
  },
  (t) => [index("replenishment_runs_store").on(t.storeId, t.at)],
);

export const replenishmentRunOrders = sqliteTable(
  "replenishment_run_orders",
  {
    poId: text("po_id").primaryKey(),
    runId: text("run_id").notNull(),
    valueFen: integer("value_fen"),
    decision: text("decision").notNull(),
    decidedBy: text("decided_by"),
    decidedAt: text("decided_at"),
  },
  (t) => [
    index("replenishment_run_orders_run").on(t.runId),
    index("replenishment_run_orders_decision").on(t.decision),
  ],
);
