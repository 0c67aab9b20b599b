-- The per-source PIN limit (staff/verify-pin.ts, staff/pin-sources.ts), kept so a restart of the
-- edge (or a crash an attacker provokes) does not reset it. One row per wrong PIN (or unknown
-- code) a LAN address sent: `locked` = 1 when that wrong PIN locked the code. Rows older than
-- the window (1 h) are deleted as the source sends more, and at start.
CREATE TABLE pin_source_failures (
  source TEXT NOT NULL, at_ms INTEGER NOT NULL, cashier_id TEXT NOT NULL,
  locked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX pin_source_failures_source ON pin_source_failures(source, at_ms);
-- Each throttle of a source (refused until until_ms, epoch ms on the store's clock); those of the
-- last 24 h double the next one. A supervisor ending a source's throttle deletes its rows.
CREATE TABLE pin_source_throttles (
  source TEXT NOT NULL, at_ms INTEGER NOT NULL, until_ms INTEGER NOT NULL);
CREATE INDEX pin_source_throttles_source ON pin_source_throttles(source, at_ms);
