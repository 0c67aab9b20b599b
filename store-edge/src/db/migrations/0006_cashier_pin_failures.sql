-- Wrong PINs in a row per cashier code (checkout/sessions.ts guardPin), so the PIN lockout
-- survives an edge restart or a power cut: 5 wrong in a row set locked_until_ms (epoch ms on the
-- store's clock; 0 = not locked). A right PIN deletes the row; a lock that has run out is ignored
-- (the next answer rewrites or deletes the row).
CREATE TABLE cashier_pin_failures (
  cashier_id TEXT PRIMARY KEY, count INTEGER NOT NULL, locked_until_ms INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL);
