-- Conflicts are held until a person decides (docs/sync.md "Conflicts"). The store's event in
-- a conflict is not delivered: its seq is listed in the ack's `held` while status is 'open'.
-- status: open | take_store | keep_hq | keep_both (the choice made) | duplicate (a second row
-- for the same incoming version, older data only: ingest no longer writes one per resend).
ALTER TABLE conflicts ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE conflicts ADD COLUMN resolved_by TEXT;
ALTER TABLE conflicts ADD COLUMN resolved_at TEXT;
ALTER TABLE conflicts ADD COLUMN note TEXT;
-- The committed version as HQ held it when the conflict was resolved (readable after a
-- take_store removed it from the sales tables).
ALTER TABLE conflicts ADD COLUMN committed_json TEXT;
-- keep_both: the new identity the incoming version was applied under.
ALTER TABLE conflicts ADD COLUMN applied_event_id TEXT;
ALTER TABLE conflicts ADD COLUMN applied_doc_id TEXT;
CREATE INDEX conflicts_store_seq ON conflicts(store_id, seq);

-- Every resolution, append-only: who, when, which choice, what it changed.
CREATE TABLE conflict_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conflict_id INTEGER NOT NULL,
  store_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  choice TEXT NOT NULL,                     -- take_store | keep_hq | keep_both
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT,
  detail_json TEXT NOT NULL
);

-- Events committed ahead of a gap in a store's seqs, until the store's own traffic confirms
-- them: every ack lists them with the committed id (`checks`), so a store whose own event with
-- that seq never arrived (a forged one took the seq) does not count it delivered.
CREATE TABLE seq_ahead (
  store_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (store_id, seq)
) WITHOUT ROWID;
