-- A version scheduled ahead is kept as the pages it came in, with their item counts, instead of
-- one JSON row: a 50k-item row took 40-100 ms to parse at once, so a big scheduled version could
-- not be promoted in steps. Rows already scheduled become page 0 of their version.
ALTER TABLE catalog_scheduled RENAME TO catalog_scheduled_0003;
CREATE TABLE catalog_scheduled (
  version INTEGER NOT NULL,
  page INTEGER NOT NULL,
  effective_at TEXT NOT NULL,
  item_count INTEGER NOT NULL,
  items TEXT NOT NULL,
  PRIMARY KEY (version, page)
);
INSERT INTO catalog_scheduled (version, page, effective_at, item_count, items)
  SELECT version, 0, effective_at, json_array_length(items), items FROM catalog_scheduled_0003;
DROP TABLE catalog_scheduled_0003;
