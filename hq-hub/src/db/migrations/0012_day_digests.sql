-- The daily completeness proof: each store's latest day.digest per business day (a later one
-- replaces an earlier one), and look-ups of a store-day's sales and returns so HQ can list what
-- it holds of that day. Each insert lands at the end of its store's current day, so the new
-- indexes cost a hot page per store, not a random b-tree page per sale.
CREATE TABLE day_digests (
  store_id TEXT NOT NULL,
  business_day TEXT NOT NULL,
  seq INTEGER NOT NULL,                     -- the digest's own seq: it accounts for receipts below it
  event_id TEXT NOT NULL,
  final INTEGER NOT NULL,                   -- 1: the day was closed at the store
  payload TEXT NOT NULL,                    -- StoreDayDigestV1 as received
  received_at TEXT NOT NULL,
  PRIMARY KEY (store_id, business_day)
);
CREATE INDEX sales_store_day ON sales(store_id, business_day);
CREATE INDEX returns_store_day ON returns(store_id, business_day);
