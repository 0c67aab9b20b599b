// Store groups (issue 19 item 2): named sets of stores an HQ admin builds once (by search or
// region) and then uses in bulk actions: a draft change set's target, a ring move.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const storeGroups = sqliteTable("store_groups", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: text("created_at").notNull(),
});

export const storeGroupMembers = sqliteTable(
  "store_group_members",
  {
    groupId: text("group_id").notNull(),
    storeId: text("store_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.storeId] })],
);
