-- A counter that every commit touching what the catalog caches (change sets, their items,
-- stores, settings) moves, through triggers. The catalog used to drop all its caches whenever
-- SQLite's data_version said another connection had committed anything; with ingest in its own
-- Worker (its own connection) that is every group commit, so it now compares this counter.
CREATE TABLE catalog_epoch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
INSERT INTO catalog_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER catalog_epoch_stores_insert AFTER INSERT ON stores BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_stores_update AFTER UPDATE ON stores BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_stores_delete AFTER DELETE ON stores BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_settings_insert AFTER INSERT ON settings BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_settings_update AFTER UPDATE ON settings BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_settings_delete AFTER DELETE ON settings BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_changesets_insert AFTER INSERT ON changesets BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_changesets_update AFTER UPDATE ON changesets BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_changesets_delete AFTER DELETE ON changesets BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_changeset_items_insert AFTER INSERT ON changeset_items BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_changeset_items_update AFTER UPDATE ON changeset_items BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_changeset_items_delete AFTER DELETE ON changeset_items BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
