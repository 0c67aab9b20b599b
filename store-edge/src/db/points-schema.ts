// Member points redemption at the till (issue 18): the chain's rule as HQ's change sets carry it
// (a catalog replica table, built by name like the others for the shadow build) and the points
// this store spent or gave back. Part of the edge's one schema (schema.ts re-exports it).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The chain's points redemption rule (one record, id "chain"; protocol/src/points.ts). */
export const pointsRulesTable = (name: string) =>
  sqliteTable(name, {
    id: text("id").primaryKey(),
    version: integer("version").notNull(),
    data: text("data").notNull(),
  });
export const pointsRules = pointsRulesTable("points_rules");

/**
 * Member points this store spent (a sale's points tender, positive) or gave back (a return's,
 * negative), written in the sale's or return's transaction, with the catalog version the lane
 * sold at. The till's known balance of a member is HQ's last balance (the member record, at its
 * version) less what this store spent at that version or later (src/member/points.ts).
 */
export const memberPointsUsed = sqliteTable(
  "member_points_used",
  {
    docId: text("doc_id").primaryKey(),
    memberId: text("member_id").notNull(),
    points: integer("points").notNull(),
    catalogVersion: integer("catalog_version").notNull(),
  },
  (t) => [index("member_points_used_member").on(t.memberId, t.catalogVersion)],
);
