-- Fleet alerts (a store's MQTT session taken over, enrollment attempts refused for an address),
-- the record of every session takeover, and MQTT credential rotations (issue 13 item 6).
CREATE TABLE fleet_alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  store_id TEXT,
  -- what the alert is about beyond the store (an address for enrollment); '' when none
  subject TEXT NOT NULL DEFAULT '',
  opened_at TEXT NOT NULL,
  last_at TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 1,
  detail_json TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT
);
CREATE INDEX fleet_alerts_open ON fleet_alerts (kind, store_id, subject) WHERE closed_at IS NULL;

CREATE TABLE session_takeovers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL,
  at TEXT NOT NULL,
  new_address TEXT NOT NULL,
  old_address TEXT NOT NULL,
  old_connected_at TEXT,
  alert_id INTEGER
);
CREATE INDEX session_takeovers_store ON session_takeovers (store_id, id);

-- A rotation issues a new password and keeps it (clear, until the store has used it) beside
-- the current one: both are accepted until the store connects with the new one.
ALTER TABLE stores ADD COLUMN mqtt_password_pending TEXT;
ALTER TABLE stores ADD COLUMN mqtt_password_pending_hash TEXT;
CREATE TABLE credential_rotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  sent_at TEXT,
  sends INTEGER NOT NULL DEFAULT 0,
  completed_at TEXT,
  completed_from TEXT,
  state TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX credential_rotations_store ON credential_rotations (store_id, id);
