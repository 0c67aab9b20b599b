-- The highest lastSeq each edge database (instance) of a store reported in its store.status, so
-- that when a store comes back restored or replaced HQ can say how many events the database
-- that is gone had numbered but never delivered (ingest/resync.ts).
CREATE TABLE edge_instance_seqs (
  store_id TEXT NOT NULL, instance_id TEXT NOT NULL, max_reported_seq INTEGER NOT NULL,
  last_status_at TEXT NOT NULL, PRIMARY KEY (store_id, instance_id));
ALTER TABLE edge_resyncs ADD COLUMN unreceived_json TEXT;
