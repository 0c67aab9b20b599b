// Batches and expiry (batches/): HQ's mirror of every store's dated lots (the sums of the lot
// deltas the stores' events and HQ's own movements carry; the undated rest of a SKU is its
// on-hand less these), the chain's markdown rules, and the markdowns they made (one promotion
// per store, SKU and expiry day, sent through a change set).
// Part of the hub's one schema (../schema.ts re-exports every file here; drizzle-kit reads it).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const storeLots = sqliteTable(
  "store_lots",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    batch: text("batch").notNull(),
    /** YYYY-MM-DD (China day). */
    expiresOn: text("expires_on").notNull(),
    /** Units, or grams for weighed goods; below zero when a lot was oversold. */
    qty: integer("qty").notNull(),
    firstAt: text("first_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.sku, t.batch, t.expiresOn] }),
    index("store_lots_by_expiry").on(t.expiresOn, t.storeId),
  ],
);

export const markdownRules = sqliteTable("markdown_rules", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** A category code (any level of the product's path); null: every dated product. */
  category: text("category"),
  /** Applies when the lot has at most this many days left (0 = its last day). */
  maxDaysLeft: integer("max_days_left").notNull(),
  /** ...and at least this many units (grams) of it are on the shelf. */
  minQty: integer("min_qty").notNull(),
  /** Percent off the shelf price, 1..90. */
  percent: integer("percent").notNull(),
  active: integer("active").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const lotMarkdowns = sqliteTable(
  "lot_markdowns",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    expiresOn: text("expires_on").notNull(),
    promotionId: text("promotion_id").notNull(),
    ruleId: text("rule_id").notNull(),
    percent: integer("percent").notNull(),
    changesetId: integer("changeset_id").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku, t.expiresOn] })],
);

/** The dated lots a transfer shipped (drawn FEFO from HQ's mirror of the sender), for its receipt. */
export const transferLots = sqliteTable(
  "transfer_lots",
  {
    transferId: text("transfer_id").notNull(),
    sku: text("sku").notNull(),
    batch: text("batch").notNull(),
    expiresOn: text("expires_on").notNull(),
    qty: integer("qty").notNull(),
  },
  (t) => [primaryKey({ columns: [t.transferId, t.sku, t.batch, t.expiresOn] })],
);
