// Members (issue 18): profiles kept by ingest, tier rules, segments, campaigns with a holdout,
// consents. The member record itself (phone, tier, points) stays in catalog.ts `members`.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per member sale or return HQ ingested: the exactly-once guard of the profile (the
 * primary key refuses a second copy) and the member's points history.
 */
export const memberActivity = sqliteTable(
  "member_activity",
  {
    storeId: text("store_id").notNull(),
    docKind: text("doc_kind").notNull(),
    docId: text("doc_id").notNull(),
    memberId: text("member_id").notNull(),
    at: text("at").notNull(),
    /** Net spend; negative for a return. */
    netFen: integer("net_fen").notNull(),
    points: integer("points").notNull(),
    coupons: integer("coupons").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.docKind, t.docId] }),
    index("member_activity_member").on(t.memberId, t.at),
    // Covering: a campaign's window sums spend per member from the index alone.
    index("member_activity_at").on(t.at, t.memberId, t.netFen),
    check("member_activity_kind", sql`doc_kind IN ('sale', 'return')`),
  ],
);

/** What a member's sales add up to (kept by ingest in the sale's transaction; RFM by the daily run). */
export const memberProfiles = sqliteTable("member_profiles", {
  memberId: text("member_id").primaryKey(),
  visits: integer("visits").notNull().default(0),
  spendFen: integer("spend_fen").notNull().default(0),
  returnsFen: integer("returns_fen").notNull().default(0),
  firstVisitAt: text("first_visit_at"),
  lastVisitAt: text("last_visit_at"),
  couponsUsed: integer("coupons_used").notNull().default(0),
  rScore: integer("r_score").notNull().default(0),
  fScore: integer("f_score").notNull().default(0),
  mScore: integer("m_score").notNull().default(0),
});

export const memberCategorySpend = sqliteTable(
  "member_category_spend",
  {
    memberId: text("member_id").notNull(),
    category: text("category").notNull(),
    spendFen: integer("spend_fen").notNull(),
    lines: integer("lines").notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.category] }), index("member_category_by").on(t.category)],
);

export const memberStoreSpend = sqliteTable(
  "member_store_spend",
  {
    memberId: text("member_id").notNull(),
    storeId: text("store_id").notNull(),
    visits: integer("visits").notNull(),
    spendFen: integer("spend_fen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.storeId] }), index("member_store_by").on(t.storeId)],
);

/** The chain's tier rules: the highest rank whose threshold a member meets over the window. */
export const memberTierRules = sqliteTable(
  "member_tier_rules",
  {
    tier: text("tier").primaryKey(),
    rank: integer("rank").notNull(),
    metric: text("metric").notNull(),
    windowDays: integer("window_days").notNull(),
    minValue: integer("min_value").notNull(),
  },
  (t) => [check("member_tier_rules_metric", sql`metric IN ('spend', 'points')`)],
);

/** The scheduled runs (tiers, RFM scores): when, and what changed. */
export const memberRuns = sqliteTable("member_runs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  kind: text("kind").notNull(),
  ranAt: text("ran_at").notNull(),
  members: integer("members").notNull(),
  changed: integer("changed").notNull(),
});

export const memberSegments = sqliteTable("member_segments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  ruleJson: text("rule_json").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: text("created_at").notNull(),
  evaluatedAt: text("evaluated_at"),
  size: integer("size"),
});

export const memberCampaigns = sqliteTable(
  "member_campaigns",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    segmentId: integer("segment_id").notNull(),
    promotionId: text("promotion_id").notNull(),
    /** Percent of the segment kept as the control group (no coupon). */
    holdoutPercent: integer("holdout_percent").notNull(),
    seed: integer("seed").notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    treated: integer("treated").notNull(),
    control: integer("control").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    /** Cancelled by a person while planned or running (campaign-lifecycle.ts). */
    cancelledAt: text("cancelled_at"),
    cancelledBy: text("cancelled_by"),
  },
  (t) => [check("member_campaigns_holdout", sql`holdout_percent BETWEEN 1 AND 90`)],
);

export const campaignMembers = sqliteTable(
  "campaign_members",
  {
    campaignId: integer("campaign_id").notNull(),
    memberId: text("member_id").notNull(),
    /** 1 = treated (got a coupon), 0 = control (held out). */
    treated: integer("treated").notNull(),
    couponCode: text("coupon_code"),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.memberId] }),
    index("campaign_members_coupon").on(t.couponCode),
  ],
);

/** Consent as given (PIPL): what the member was shown, when, and through whom. Never updated. */
export const memberConsents = sqliteTable(
  "member_consents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    memberId: text("member_id").notNull(),
    purpose: text("purpose").notNull(),
    granted: integer("granted").notNull(),
    wording: text("wording").notNull(),
    at: text("at").notNull(),
    recordedBy: text("recorded_by").notNull(),
  },
  (t) => [index("member_consents_member").on(t.memberId, t.id)],
);

/** That a member was erased (no personal data: the id, who asked it done, when). */
export const memberErasures = sqliteTable("member_erasures", {
  memberId: text("member_id").primaryKey(),
  erasedAt: text("erased_at").notNull(),
  erasedBy: text("erased_by").notNull(),
  changesetId: integer("changeset_id"),
});

/**
 * Members signed up at a till (member.enrolled, exactly once with its event): the outcome, and
 * for a phone HQ already had, the member it belongs to. No phone here (PIPL: it lives on the
 * member only).
 */
export const memberEnrolments = sqliteTable("member_enrolments", {
  memberId: text("member_id").primaryKey(),
  storeId: text("store_id").notNull(),
  eventId: text("event_id").notNull(),
  laneId: text("lane_id").notNull(),
  cashierId: text("cashier_id").notNull(),
  enrolledAt: text("enrolled_at").notNull(),
  /** created | duplicate_phone | erased (an id erased before its sign-up arrived) */
  outcome: text("outcome").notNull(),
  existingMemberId: text("existing_member_id"),
});
