-- Finance posting isolates a (store, business day) whose figures cannot be posted (sums beyond
-- exact integers, an unbalanced summary): it is listed here with the reason, and the other
-- stores' days post as usual. Each posting run tries the open ones again from their source
-- rows; one that posts is marked resolved.
CREATE TABLE finance_failures (
  store_id TEXT NOT NULL,
  business_day TEXT NOT NULL,
  reason TEXT NOT NULL,
  failed_at TEXT NOT NULL,
  tried_at TEXT NOT NULL,
  resolved_at TEXT,
  PRIMARY KEY (store_id, business_day)
) WITHOUT ROWID;
