-- Coupons spent at this store, kept apart from the coupon records HQ sends: a snapshot replaces
-- those records with HQ's, and until HQ has ingested the sale its record still says "issued".
-- Filled from the sales already stored.
CREATE TABLE coupon_redemptions (code TEXT PRIMARY KEY, sale_id TEXT NOT NULL, redeemed_at TEXT NOT NULL);
INSERT OR IGNORE INTO coupon_redemptions (code, sale_id, redeemed_at)
  SELECT j.value, s.sale_id, s.completed_at FROM sales s, json_each(s.data, '$.coupons') j WHERE s.training = 0;
