-- Sale lines and tenders become append-only tables keyed by arrival order, with their look-ups
-- (by sale, by document) built behind ingest in sorted batches like the stock ledger's (0004).
-- Their composite primary keys made every row an insert into the middle of a b-tree: about a
-- quarter of ingest's CPU per sale. A sale id is still unique per store (the sales table's
-- key), and the inbox still admits each event once, so no line or tender can be stored twice.
CREATE TABLE sale_lines_0005 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,     -- arrival order; sale_lines_by_sale refers to it
  store_id TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  line_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL,
  weighed INTEGER NOT NULL,
  unit_price_fen INTEGER NOT NULL,
  price_version INTEGER NOT NULL,
  tax_rate INTEGER NOT NULL,
  gross_fen INTEGER NOT NULL,
  discount_fen INTEGER NOT NULL,
  net_fen INTEGER NOT NULL,
  tax_fen INTEGER NOT NULL,
  override_catalog_price_fen INTEGER
);
INSERT INTO sale_lines_0005 (store_id, sale_id, line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate,
  gross_fen, discount_fen, net_fen, tax_fen, override_catalog_price_fen)
  SELECT store_id, sale_id, line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate,
    gross_fen, discount_fen, net_fen, tax_fen, override_catalog_price_fen
  FROM sale_lines ORDER BY store_id, sale_id, line_id;
DROP TABLE sale_lines;
ALTER TABLE sale_lines_0005 RENAME TO sale_lines;

CREATE TABLE sale_lines_by_sale (
  store_id TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  id INTEGER NOT NULL,                      -- sale_lines.id
  PRIMARY KEY (store_id, sale_id, id)
) WITHOUT ROWID;
INSERT INTO sale_lines_by_sale (store_id, sale_id, id)
  SELECT store_id, sale_id, id FROM sale_lines ORDER BY store_id, sale_id, id;
INSERT INTO deferred_index_marks (name, up_to)
  VALUES ('sale_lines_by_sale', COALESCE((SELECT MAX(id) FROM sale_lines), 0));

CREATE TABLE tenders_0005 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,     -- arrival order; tenders_by_doc refers to it
  store_id TEXT NOT NULL,
  doc_id TEXT NOT NULL,                     -- sale id or return id
  doc_kind TEXT NOT NULL,                   -- sale | return
  idx INTEGER NOT NULL,
  kind TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  received_fen INTEGER,
  change_fen INTEGER,
  reference TEXT
);
INSERT INTO tenders_0005 (store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference)
  SELECT store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference
  FROM tenders ORDER BY store_id, doc_kind, doc_id, idx;
DROP TABLE tenders;
ALTER TABLE tenders_0005 RENAME TO tenders;

CREATE TABLE tenders_by_doc (
  store_id TEXT NOT NULL,
  doc_kind TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  id INTEGER NOT NULL,                      -- tenders.id
  PRIMARY KEY (store_id, doc_kind, doc_id, id)
) WITHOUT ROWID;
INSERT INTO tenders_by_doc (store_id, doc_kind, doc_id, id)
  SELECT store_id, doc_kind, doc_id, id FROM tenders ORDER BY store_id, doc_kind, doc_id, id;
INSERT INTO deferred_index_marks (name, up_to)
  VALUES ('tenders_by_doc', COALESCE((SELECT MAX(id) FROM tenders), 0));
