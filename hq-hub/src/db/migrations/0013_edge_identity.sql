-- Which edge database (instance) a store last said hello from, what HQ found when a store came
-- back restored, replaced or re-enrolled (a fleet alert for a person), and the seqs HQ will
-- never get because the database that held them is gone (ingest/resync.ts, docs/sync.md).
CREATE TABLE store_identity (
  store_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, since TEXT NOT NULL, last_hello_at TEXT NOT NULL);
CREATE TABLE edge_resyncs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, store_id TEXT NOT NULL, kind TEXT NOT NULL,
  instance_id TEXT, previous_instance_id TEXT, edge_last_seq INTEGER, edge_acked_up_to INTEGER,
  hq_head_seq INTEGER NOT NULL, hq_max_seq INTEGER NOT NULL, new_from INTEGER, shift INTEGER NOT NULL DEFAULT 0,
  lost_json TEXT NOT NULL DEFAULT '[]', detail TEXT NOT NULL, at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open', resolved_by TEXT, resolved_at TEXT);
CREATE INDEX edge_resyncs_store ON edge_resyncs (store_id, id);
-- Counted as received so the store's acks move on; listed for a person with the reason.
CREATE TABLE lost_seqs (
  store_id TEXT NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL, reason TEXT NOT NULL,
  resync_id INTEGER, at TEXT NOT NULL, PRIMARY KEY (store_id, from_seq));
