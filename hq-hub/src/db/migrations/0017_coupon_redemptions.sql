-- Coupons spent chain-wide (issue 14 item 3). Every use of a coupon HQ ingests is a row, written
-- in the sale's own ingest transaction (so exactly once, like the sale). The first use of a
-- one-time coupon spends it; `pushed` says whether the "spent" record went down to the stores
-- in a change set yet. A later use of a one-time coupon by another sale (two stores offline)
-- is a conflict HQ lists; the sale itself stands (a committed sale is never lost).
CREATE TABLE coupon_redemptions (
  code TEXT NOT NULL,
  store_id TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  redeemed_at TEXT NOT NULL,   -- the sale's completedAt
  received_at TEXT NOT NULL,
  pushed INTEGER NOT NULL,     -- 1: nothing (more) to send down for this row
  PRIMARY KEY (code, store_id, sale_id)
);
CREATE INDEX coupon_redemptions_unpushed ON coupon_redemptions(pushed) WHERE pushed = 0;
CREATE TABLE coupon_conflicts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL,
  first_store_id TEXT NOT NULL,
  first_sale_id TEXT NOT NULL,
  first_redeemed_at TEXT NOT NULL,
  store_id TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  redeemed_at TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',   -- open | resolved
  resolved_by TEXT,
  resolved_at TEXT,
  note TEXT,
  UNIQUE (code, store_id, sale_id)
);
-- A campaign code anyone may present any number of times (CouponV1.multiUse).
ALTER TABLE coupons ADD COLUMN multi_use INTEGER NOT NULL DEFAULT 0;
