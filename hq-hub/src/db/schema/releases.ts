// Signed edge releases and each store's update state (releases/, docs/appliance.md "Updates").
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const releases = sqliteTable("releases", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  version: text("version").notNull().unique(),
  sha256: text("sha256").notNull(),
  size: integer("size").notNull(),
  /** ed25519 over releaseManifest(...) (protocol), base64. */
  signature: text("signature").notNull(),
  /** draft, pilot, all, withdrawn (releases/lifecycle.ts). */
  stage: text("stage").notNull(),
  createdAt: text("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  releasedAt: text("released_at"),
  promotedAt: text("promoted_at"),
  withdrawnAt: text("withdrawn_at"),
  updatedBy: text("updated_by").notNull(),
});

/** The last step each store reported for each release (update.report). */
export const storeUpdates = sqliteTable(
  "store_updates",
  {
    storeId: text("store_id").notNull(),
    releaseId: integer("release_id").notNull(),
    step: text("step").notNull(),
    runningVersion: text("running_version").notNull(),
    reason: text("reason"),
    /** The edge's time of the step. */
    at: text("at").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.releaseId] }), index("store_updates_release").on(t.releaseId)],
);
