-- The stock ledger's per-(store, SKU) look-up is built behind the writes, in sorted batches.
-- Ingest appends ledger rows in arrival order; an index on (store_id, sku) made every row an
-- insert into a different part of a large b-tree (a page read and rewritten per row: about a
-- fifth of ingest's CPU per sale). Batches of thousands of rows, sorted by key, touch each page
-- once. Rows above `deferred_index_marks.up_to` are not in the look-up yet; readers add them by
-- scanning that short tail of the ledger (see src/db/deferred-index.ts).
CREATE TABLE stock_ledger_by_sku (
  store_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  id INTEGER NOT NULL,                      -- stock_ledger.id
  PRIMARY KEY (store_id, sku, id)
) WITHOUT ROWID;

CREATE TABLE deferred_index_marks (
  name TEXT PRIMARY KEY,                    -- the look-up table
  up_to INTEGER NOT NULL                    -- source rows with id <= up_to are in it
);

INSERT INTO stock_ledger_by_sku (store_id, sku, id)
  SELECT store_id, sku, id FROM stock_ledger ORDER BY store_id, sku, id;
INSERT INTO deferred_index_marks (name, up_to)
  VALUES ('stock_ledger_by_sku', COALESCE((SELECT MAX(id) FROM stock_ledger), 0));
DROP INDEX stock_ledger_store_sku;
