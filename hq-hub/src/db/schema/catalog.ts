// The catalog: change sets and releases, products, barcodes, prices, suppliers, promotions, members, cashiers, coupons and their redemptions.
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  unique,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

export const catalogEpoch = sqliteTable(
  "catalog_epoch",
  {
    id: integer("id").primaryKey(),
    n: integer("n").notNull(),
  },
  () => [check("catalog_epoch_single_row", sql`id = 1`)],
);

export const changesets = sqliteTable("changesets", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  version: integer("version").unique(),
  description: text("description").notNull().default(""),
  targetJson: text("target_json").notNull(),
  state: text("state").notNull().default("draft"),
  pilotStoresJson: text("pilot_stores_json"),
  effectiveAt: text("effective_at"),
  compensates: integer("compensates"),
  createdBy: text("created_by").notNull(),
  createdAt: text("created_at").notNull(),
  releasedBy: text("released_by"),
  releasedAt: text("released_at"),
  promotedBy: text("promoted_by"),
  promotedAt: text("promoted_at"),
  rolledBackBy: text("rolled_back_by"),
  rolledBackAt: text("rolled_back_at"),
  pilotPosition: integer("pilot_position"),
  generalPosition: integer("general_position"),
  kind: text("kind").notNull().default("catalog"),
});

/** Each store's ordered release log (migration 0010). */

export const catalogReleases = sqliteTable(
  "catalog_releases",
  {
    storeId: text("store_id").notNull(),
    position: integer("position").notNull(),
    changesetId: integer("changeset_id").notNull(),
    releasedAt: text("released_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.position] }),
    uniqueIndex("catalog_releases_changeset").on(t.changesetId, t.storeId),
    index("catalog_releases_position").on(t.position),
  ],
);

export const changesetItems = sqliteTable(
  "changeset_items",
  {
    changesetId: integer("changeset_id")
      .notNull()
      .references(() => changesets.id),
    entity: text("entity").notNull(),
    key: text("key").notNull(),
    op: text("op").notNull(),
    dataJson: text("data_json"),
    prevJson: text("prev_json"),
    storeScope: text("store_scope"),
  },
  (t) => [
    primaryKey({ columns: [t.changesetId, t.entity, t.key] }),
    index("changeset_items_key").on(t.entity, t.key),
    index("changeset_items_store_scope").on(t.storeScope).where(sql`store_scope IS NOT NULL`),
  ],
);

export const changesetAudit = sqliteTable("changeset_audit", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  changesetId: integer("changeset_id").notNull(),
  action: text("action").notNull(),
  actor: text("actor").notNull(),
  at: text("at").notNull(),
  detail: text("detail").notNull().default(""),
  /** The detail as data (rollout/audit-detail.ts, versioned); NULL on rows written before it was kept. */
  detailJson: text("detail_json"),
});

export const catalogApplied = sqliteTable(
  "catalog_applied",
  {
    storeId: text("store_id").notNull(),
    version: integer("version").notNull(),
    appliedAt: text("applied_at").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.version] })],
);

export const products = sqliteTable("products", {
  sku: text("sku").primaryKey(),
  name: text("name").notNull(),
  nameEn: text("name_en"),
  category: text("category").notNull(),
  unit: text("unit").notNull(),
  taxRate: integer("tax_rate").notNull(),
  weighed: integer("weighed").notNull(),
  plu: text("plu").unique(),
  status: text("status").notNull(),
  dataJson: text("data_json").notNull(),
});

export const barcodes = sqliteTable(
  "barcodes",
  {
    code: text("code").primaryKey(),
    sku: text("sku").notNull(),
  },
  (t) => [index("barcodes_sku").on(t.sku)],
);

export const priceSchedules = sqliteTable(
  "price_schedules",
  {
    sku: text("sku").notNull(),
    scope: text("scope").notNull(),
    scopeKey: text("scope_key").notNull(),
    windowsJson: text("windows_json").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sku, t.scope, t.scopeKey] })],
);

export const suppliers = sqliteTable("suppliers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  leadTimeDays: integer("lead_time_days").notNull(),
  minOrderQty: integer("min_order_qty").notNull(),
  packSize: integer("pack_size").notNull(),
  createdAt: text("created_at").notNull(),
  active: integer("active").notNull().default(1),
  updatedAt: text("updated_at"),
  deactivatedBy: text("deactivated_by"),
  deactivatedAt: text("deactivated_at"),
  /** 统一社会信用代码 (18 characters, check digit verified), migration 0019. */
  taxId: text("tax_id"),
  /** Days from invoice to payment (月结30天 = 30), migration 0019. */
  paymentTermsDays: integer("payment_terms_days").notNull().default(30),
});

export const promotions = sqliteTable("promotions", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  dataJson: text("data_json").notNull(),
});

export const members = sqliteTable("members", {
  id: text("id").primaryKey(),
  phone: text("phone").notNull().unique(),
  name: text("name"),
  tier: text("tier").notNull(),
  points: integer("points").notNull(),
  status: text("status").notNull(),
  spendFen: integer("spend_fen").notNull().default(0),
  lastVisitAt: text("last_visit_at"),
  dirty: integer("dirty").notNull().default(0),
});

export const cashiers = sqliteTable("cashiers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  role: text("role").notNull(),
  pinHash: text("pin_hash").notNull(),
  status: text("status").notNull(),
});

export const coupons = sqliteTable("coupons", {
  code: text("code").primaryKey(),
  promotionId: text("promotion_id").notNull(),
  memberId: text("member_id"),
  validUntil: text("valid_until"),
  status: text("status").notNull(),
  multiUse: integer("multi_use").notNull().default(0),
});

export const categoryNames = sqliteTable("category_names", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
});

/** Every ingested use of a coupon (migration 0017, hq-hub/src/coupons/). */

export const couponRedemptions = sqliteTable(
  "coupon_redemptions",
  {
    code: text("code").notNull(),
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    eventId: text("event_id").notNull(),
    redeemedAt: text("redeemed_at").notNull(),
    receivedAt: text("received_at").notNull(),
    pushed: integer("pushed").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.code, t.storeId, t.saleId] }),
    index("coupon_redemptions_unpushed").on(t.pushed).where(sql`pushed = 0`),
  ],
);

/** A one-time coupon used by a second sale (migration 0017). */

export const couponConflicts = sqliteTable(
  "coupon_conflicts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    firstStoreId: text("first_store_id").notNull(),
    firstSaleId: text("first_sale_id").notNull(),
    firstRedeemedAt: text("first_redeemed_at").notNull(),
    storeId: text("store_id").notNull(),
    saleId: text("sale_id").notNull(),
    redeemedAt: text("redeemed_at").notNull(),
    detectedAt: text("detected_at").notNull(),
    status: text("status").notNull().default("open"),
    resolvedBy: text("resolved_by"),
    resolvedAt: text("resolved_at"),
    note: text("note"),
  },
  (t) => [unique().on(t.code, t.storeId, t.saleId)],
);

/** What `post` has folded in so far, per source (migration 0008; its seed rows are SQL). */
