-- One ordered release log per store (docs/sync.md, "Down: catalog change sets"). Every release
-- of a change set to a store (pilot, release to all, promotion, a rollback's compensation, the
-- listing of a new or moved store) appends it at the next position of that store's log, taken
-- from one counter shared with changesets.version; a store fetches by position, so a change set
-- promoted later sits after everything released to that store before it and is never skipped.
-- The logs of stores that existed before this migration are built by the hub at its first start
-- (catalog/release-log.ts), each ending above every old version so each store takes one snapshot.
CREATE TABLE catalog_releases (
  store_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  changeset_id INTEGER NOT NULL,
  released_at TEXT NOT NULL,
  PRIMARY KEY (store_id, position)
);
CREATE UNIQUE INDEX catalog_releases_changeset ON catalog_releases(changeset_id, store_id);
CREATE INDEX catalog_releases_position ON catalog_releases(position);

-- Where a change set sits in release order: for its pilot stores (or everyone, released to all)
-- and for the rest of its target (promotion). A store's log is rebuilt in this order when it is
-- listed (new store) or moved to another region or ring.
ALTER TABLE changesets ADD COLUMN pilot_position INTEGER;
ALTER TABLE changesets ADD COLUMN general_position INTEGER;
-- 'catalog' (master data) or 'members' (the periodic member balance sync, hidden from the
-- change set list unless asked for).
ALTER TABLE changesets ADD COLUMN kind TEXT NOT NULL DEFAULT 'catalog';

CREATE TRIGGER catalog_epoch_releases_insert AFTER INSERT ON catalog_releases BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER catalog_epoch_releases_delete AFTER DELETE ON catalog_releases BEGIN UPDATE catalog_epoch SET n = n + 1 WHERE id = 1; END;
