-- Finance (double-entry vouchers per store and business day, period close) and the names of
-- top-level categories for the sales report. Nothing is added to the ingest tables' write
-- path except a trigger on shifts (a few rows per lane and day): posting finds new sales,
-- returns and tenders by their arrival order (rowid / id) above its own marks.

-- What `post` has folded in so far: rows of each source up to this rowid / id.
CREATE TABLE finance_marks (
  name TEXT PRIMARY KEY,                    -- sales | returns | tenders
  up_to INTEGER NOT NULL
);
INSERT INTO finance_marks (name, up_to) VALUES ('sales', 0), ('returns', 0), ('tenders', 0);

-- The summary of each (store, business day) as the accounts see it: what every ingested row of
-- that day adds up to, folded in by `post` in the same transaction as its vouchers.
CREATE TABLE finance_day_totals (
  store_id TEXT NOT NULL,
  business_day TEXT NOT NULL,
  account TEXT NOT NULL,
  debit_fen INTEGER NOT NULL,
  credit_fen INTEGER NOT NULL,
  PRIMARY KEY (store_id, business_day, account)
) WITHOUT ROWID;

-- A shift close is an upsert of the opened shift's row (its rowid does not move), so closes
-- are queued by trigger; finance_shifts keeps the over/short each shift has contributed.
CREATE TABLE finance_shift_queue (
  store_id TEXT NOT NULL,
  shift_id TEXT NOT NULL,
  PRIMARY KEY (store_id, shift_id)
) WITHOUT ROWID;
CREATE TRIGGER finance_shift_closed_insert AFTER INSERT ON shifts WHEN NEW.over_short_fen IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO finance_shift_queue (store_id, shift_id) VALUES (NEW.store_id, NEW.shift_id);
END;
CREATE TRIGGER finance_shift_closed_update AFTER UPDATE OF over_short_fen, business_day ON shifts
  WHEN NEW.over_short_fen IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO finance_shift_queue (store_id, shift_id) VALUES (NEW.store_id, NEW.shift_id);
END;
INSERT OR IGNORE INTO finance_shift_queue (store_id, shift_id)
  SELECT store_id, shift_id FROM shifts WHERE over_short_fen IS NOT NULL;
CREATE TABLE finance_shifts (
  store_id TEXT NOT NULL,
  shift_id TEXT NOT NULL,
  business_day TEXT NOT NULL,
  over_short_fen INTEGER NOT NULL,
  PRIMARY KEY (store_id, shift_id)
) WITHOUT ROWID;

-- Vouchers are never updated or deleted. business_day is the voucher's accounting date;
-- source_day the store's business day it summarises (different only after a period close).
CREATE TABLE vouchers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL,
  business_day TEXT NOT NULL,
  source_day TEXT NOT NULL,
  posted_at TEXT NOT NULL,
  memo TEXT NOT NULL,
  debit_fen INTEGER NOT NULL,
  credit_fen INTEGER NOT NULL,
  CHECK (debit_fen = credit_fen)
);
CREATE INDEX vouchers_by_day ON vouchers (business_day, store_id);
CREATE INDEX vouchers_by_source ON vouchers (store_id, source_day);

CREATE TABLE voucher_lines (
  voucher_id INTEGER NOT NULL REFERENCES vouchers (id),
  line_no INTEGER NOT NULL,
  account TEXT NOT NULL,
  debit_fen INTEGER NOT NULL,
  credit_fen INTEGER NOT NULL,
  PRIMARY KEY (voucher_id, line_no)
) WITHOUT ROWID;

CREATE TRIGGER vouchers_immutable_update BEFORE UPDATE ON vouchers
BEGIN SELECT RAISE(ABORT, 'vouchers are immutable'); END;
CREATE TRIGGER vouchers_immutable_delete BEFORE DELETE ON vouchers
BEGIN SELECT RAISE(ABORT, 'vouchers are immutable'); END;
CREATE TRIGGER voucher_lines_immutable_update BEFORE UPDATE ON voucher_lines
BEGIN SELECT RAISE(ABORT, 'vouchers are immutable'); END;
CREATE TRIGGER voucher_lines_immutable_delete BEFORE DELETE ON voucher_lines
BEGIN SELECT RAISE(ABORT, 'vouchers are immutable'); END;

CREATE TABLE finance_periods (
  period TEXT PRIMARY KEY,                  -- YYYY-MM
  closed_at TEXT NOT NULL,
  closed_by TEXT NOT NULL
);

-- zh-CN names of top-level category codes (master data has codes only).
CREATE TABLE category_names (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
