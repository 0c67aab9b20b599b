-- Suppliers can be edited and deactivated (kept for the history that refers to them).
ALTER TABLE suppliers ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE suppliers ADD COLUMN updated_at TEXT;
ALTER TABLE suppliers ADD COLUMN deactivated_by TEXT;
ALTER TABLE suppliers ADD COLUMN deactivated_at TEXT;
