// Member points redemption (issue 18): the chain's rule (HQ's working copy of the catalog entity
// `points_rule`) and the points ledger of redemptions and their returns, written by ingest in the
// event's savepoint (members/points.ts).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** HQ's working copy of the chain's points rule (PointsRuleV1 JSON; one row, id "chain"). */
export const pointsRules = sqliteTable("points_rules", {
  id: text("id").primaryKey(),
  dataJson: text("data_json").notNull(),
});

/**
 * Points a store's sale spent (negative) or its return gave back (positive), once per document:
 * the key refuses a second copy of the same sale or return whatever got past the inbox.
 * `overdrawn` > 0: the balance went below zero by that many points (an offline store spent
 * points the member no longer had), raised as a finding and listed for a person.
 */
export const memberPointsRedemptions = sqliteTable(
  "member_points_redemptions",
  {
    storeId: text("store_id").notNull(),
    docKind: text("doc_kind").notNull(),
    docId: text("doc_id").notNull(),
    /** The sale a return gave points back for ("" for a sale itself). */
    saleId: text("sale_id").notNull(),
    memberId: text("member_id").notNull(),
    points: integer("points").notNull(),
    amountFen: integer("amount_fen").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    overdrawn: integer("overdrawn").notNull().default(0),
    at: text("at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.docKind, t.docId] }),
    index("member_points_redemptions_member").on(t.memberId, t.at),
    index("member_points_redemptions_sale").on(t.storeId, t.saleId),
  ],
);
