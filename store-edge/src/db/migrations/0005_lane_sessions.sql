-- Cashier sessions of the LAN API (checkout/sessions.ts): one per sign-in on a lane, found by the
-- SHA-256 of its bearer token (the token itself is never stored). Ended rows are kept a week so a
-- terminal is told why its session ended (signed out, shift closed, new sign-in, idle too long).
CREATE TABLE lane_sessions (
  token_hash TEXT PRIMARY KEY, lane TEXT NOT NULL, cashier_id TEXT NOT NULL, created_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL, ended_at TEXT, ended_by TEXT);
CREATE INDEX lane_sessions_lane ON lane_sessions(lane, ended_at);
