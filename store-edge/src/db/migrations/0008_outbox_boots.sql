-- Where each run of the edge process began in the outbox (outbox/resync.ts): the first event
-- a run appended. A restored copy of edge.db always starts a new run, so the point where it
-- parts from what HQ holds is one of these; the edge's hello lists those above its ack.
-- A re-base (HQ holds seqs this copy was about to reuse) moves first_seq with the events.
CREATE TABLE outbox_boots (
  boot INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL UNIQUE, event_id TEXT NOT NULL,
  started_at TEXT NOT NULL);
