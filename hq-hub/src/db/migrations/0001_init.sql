-- 0001: the whole first schema. Money columns end in _fen and are integers; times are ISO text.

CREATE TABLE stores (
  id TEXT PRIMARY KEY,                      -- store code, also the MQTT topic id (A-Z0-9, 1-16)
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  ring TEXT NOT NULL DEFAULT 'general',     -- 'pilot' stores get change sets first
  lat_e6 INTEGER,                           -- for "stock in nearby stores"
  lng_e6 INTEGER,
  enrollment_state TEXT NOT NULL DEFAULT 'pending',  -- pending | enrolled | revoked
  enrollment_code_hash TEXT,
  enrollment_code_expires_at TEXT,
  mqtt_password_hash TEXT,                  -- Bun.password (argon2id)
  mqtt_password_mosquitto TEXT,             -- $7$ PBKDF2-SHA512, for the external-broker export
  snapshot_floor INTEGER NOT NULL DEFAULT 0, -- raised when the store's targeting changes
  created_at TEXT NOT NULL,
  enrolled_at TEXT
);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,          -- sha256 hex of the bearer token
  name TEXT NOT NULL,
  role TEXT NOT NULL,                       -- hq_admin | regional_manager | auditor
  region TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Change sets: every catalog edit lands in one. Drafts have no version; release assigns the
-- next version, so store-facing versions grow in release order.
CREATE TABLE changesets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  target_json TEXT NOT NULL,                -- {"kind":"all"} | region | ring | stores
  state TEXT NOT NULL DEFAULT 'draft',      -- draft | pilot | released | rolled_back
  pilot_stores_json TEXT,                   -- the pilot stores at release time
  effective_at TEXT,
  compensates INTEGER,                      -- the change set id this one rolls back
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  released_by TEXT,
  released_at TEXT,
  promoted_by TEXT,
  promoted_at TEXT,
  rolled_back_by TEXT,
  rolled_back_at TEXT
);

CREATE TABLE changeset_items (
  changeset_id INTEGER NOT NULL REFERENCES changesets(id),
  entity TEXT NOT NULL,                     -- product | barcode | price | promotion | member | cashier | coupon
  key TEXT NOT NULL,                        -- for price: sku|scope|scopeKey
  op TEXT NOT NULL,                         -- upsert | delete
  data_json TEXT,
  prev_json TEXT,                           -- the master record before, for rollback
  store_scope TEXT,                         -- store id of a store-override price, else NULL
  PRIMARY KEY (changeset_id, entity, key)
);
CREATE INDEX changeset_items_key ON changeset_items(entity, key);
CREATE INDEX changeset_items_store_scope ON changeset_items(store_scope) WHERE store_scope IS NOT NULL;

CREATE TABLE changeset_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  changeset_id INTEGER NOT NULL,
  action TEXT NOT NULL,                     -- create | edit | release | promote | rollback
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);

CREATE TABLE catalog_applied (
  store_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  applied_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (store_id, version)
);

-- Master data: HQ's working copy (drafts included). Each row keeps the protocol record as JSON
-- beside the columns queries need.
CREATE TABLE products (
  sku TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_en TEXT,
  category TEXT NOT NULL,                   -- leaf category code
  unit TEXT NOT NULL,
  tax_rate INTEGER NOT NULL,
  weighed INTEGER NOT NULL,
  plu TEXT UNIQUE,
  status TEXT NOT NULL,
  data_json TEXT NOT NULL
);

CREATE TABLE barcodes (
  code TEXT PRIMARY KEY,                    -- normalised GTIN, unique chain-wide
  sku TEXT NOT NULL
);
CREATE INDEX barcodes_sku ON barcodes(sku);

-- A price schedule: the windows of one SKU at one scope (chain, a region or a store).
CREATE TABLE price_schedules (
  sku TEXT NOT NULL,
  scope TEXT NOT NULL,                      -- chain | region | store
  scope_key TEXT NOT NULL,                  -- '' | region | store id
  windows_json TEXT NOT NULL,               -- [{price_fen, startsAt?, endsAt?}]
  PRIMARY KEY (sku, scope, scope_key)
);

CREATE TABLE suppliers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  lead_time_days INTEGER NOT NULL,
  min_order_qty INTEGER NOT NULL,
  pack_size INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE promotions (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  data_json TEXT NOT NULL
);

CREATE TABLE members (
  id TEXT PRIMARY KEY,
  phone TEXT NOT NULL UNIQUE,
  name TEXT,
  tier TEXT NOT NULL,
  points INTEGER NOT NULL,
  status TEXT NOT NULL,
  spend_fen INTEGER NOT NULL DEFAULT 0,
  last_visit_at TEXT,
  dirty INTEGER NOT NULL DEFAULT 0          -- points changed by ingest, not yet sent down
);

CREATE TABLE cashiers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  status TEXT NOT NULL
);

CREATE TABLE coupons (
  code TEXT PRIMARY KEY,
  promotion_id TEXT NOT NULL,
  member_id TEXT,
  valid_until TEXT,
  status TEXT NOT NULL
);

-- Ingest: the inbox makes every event exactly-once in effect.
CREATE TABLE inbox (
  event_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (store_id, seq)
);

CREATE TABLE store_seq (
  store_id TEXT PRIMARY KEY,
  up_to_seq INTEGER NOT NULL                -- highest contiguous seq committed or dead-lettered
);

CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL,
  seq INTEGER,                              -- when it could be read from the raw element
  topic TEXT NOT NULL,
  reason TEXT NOT NULL,
  field TEXT NOT NULL,
  raw TEXT NOT NULL,
  received_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',      -- open | replayed | superseded | discarded
  resolved_by TEXT,
  resolved_at TEXT
);
CREATE INDEX dead_letters_store_seq ON dead_letters(store_id, seq);

CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  existing_event_id TEXT NOT NULL,
  reason TEXT NOT NULL,                     -- same_id_different_content | same_seq_different_content
  existing_hash TEXT NOT NULL,
  incoming_hash TEXT NOT NULL,
  raw TEXT NOT NULL,
  received_at TEXT NOT NULL
);

CREATE TABLE sales (
  store_id TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  receipt_no TEXT NOT NULL,
  lane_id TEXT NOT NULL,
  cashier_id TEXT NOT NULL,
  shift_id TEXT NOT NULL,
  business_day TEXT NOT NULL,
  catalog_version INTEGER NOT NULL,
  member_id TEXT,
  gross_fen INTEGER NOT NULL,
  discount_fen INTEGER NOT NULL,
  net_fen INTEGER NOT NULL,
  tax_fen INTEGER NOT NULL,
  completed_at TEXT NOT NULL,
  PRIMARY KEY (store_id, sale_id)
);

CREATE TABLE sale_lines (
  store_id TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  line_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL,
  weighed INTEGER NOT NULL,
  unit_price_fen INTEGER NOT NULL,
  price_version INTEGER NOT NULL,
  tax_rate INTEGER NOT NULL,
  gross_fen INTEGER NOT NULL,
  discount_fen INTEGER NOT NULL,
  net_fen INTEGER NOT NULL,
  tax_fen INTEGER NOT NULL,
  override_catalog_price_fen INTEGER,
  PRIMARY KEY (store_id, sale_id, line_id)
);

CREATE TABLE tenders (
  store_id TEXT NOT NULL,
  doc_id TEXT NOT NULL,                     -- sale id or return id
  doc_kind TEXT NOT NULL,                   -- sale | return
  idx INTEGER NOT NULL,
  kind TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  received_fen INTEGER,
  change_fen INTEGER,
  reference TEXT,
  PRIMARY KEY (store_id, doc_kind, doc_id, idx)
);

CREATE TABLE returns (
  store_id TEXT NOT NULL,
  return_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  receipt_no TEXT NOT NULL,
  original_sale_id TEXT,
  original_store_id TEXT,
  reason TEXT NOT NULL,
  cashier_id TEXT NOT NULL,
  supervisor_id TEXT,
  business_day TEXT NOT NULL,
  refund_fen INTEGER NOT NULL,
  tax_fen INTEGER NOT NULL,
  returned_at TEXT NOT NULL,
  PRIMARY KEY (store_id, return_id)
);

CREATE TABLE return_lines (
  store_id TEXT NOT NULL,
  return_id TEXT NOT NULL,
  line_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL,
  refund_fen INTEGER NOT NULL,
  tax_fen INTEGER NOT NULL,
  restock INTEGER NOT NULL,
  PRIMARY KEY (store_id, return_id, line_id)
);

CREATE TABLE shifts (
  store_id TEXT NOT NULL,
  shift_id TEXT NOT NULL,
  lane_id TEXT NOT NULL,
  cashier_id TEXT NOT NULL,
  business_day TEXT NOT NULL,
  float_fen INTEGER,
  opened_at TEXT,
  closed_at TEXT,
  counted_fen INTEGER,
  expected_fen INTEGER,
  over_short_fen INTEGER,
  close_json TEXT,
  PRIMARY KEY (store_id, shift_id)
);

CREATE TABLE cash_movements (
  store_id TEXT NOT NULL,
  movement_id TEXT NOT NULL,
  shift_id TEXT NOT NULL,
  direction TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  reason TEXT NOT NULL,
  moved_at TEXT NOT NULL,
  PRIMARY KEY (store_id, movement_id)
);

CREATE TABLE stock_counts (
  store_id TEXT NOT NULL,
  count_id TEXT NOT NULL,
  counted_by TEXT NOT NULL,
  lines_json TEXT NOT NULL,
  counted_at TEXT NOT NULL,
  PRIMARY KEY (store_id, count_id)
);

CREATE TABLE receivings (
  store_id TEXT NOT NULL,
  receiving_id TEXT NOT NULL,
  purchase_order_id TEXT,
  supplier_id TEXT,
  confirmed_by TEXT NOT NULL,
  lines_json TEXT NOT NULL,
  confirmed_at TEXT NOT NULL,
  PRIMARY KEY (store_id, receiving_id)
);

CREATE TABLE audits (
  store_id TEXT NOT NULL,
  audit_id TEXT NOT NULL,
  action TEXT NOT NULL,
  lane_id TEXT NOT NULL,
  cashier_id TEXT NOT NULL,
  supervisor_id TEXT,
  sale_id TEXT,
  sku TEXT,
  amount_fen INTEGER,
  detail TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (store_id, audit_id)
);

CREATE TABLE training_activity (
  event_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  type TEXT NOT NULL,
  summary_json TEXT NOT NULL,
  at TEXT NOT NULL
);

-- Stock: append-only movements; stock_levels is a cache of their sum kept in the same
-- transaction (rebuildable from the ledger).
CREATE TABLE stock_ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty_delta INTEGER NOT NULL,
  kind TEXT NOT NULL,                       -- sale | return | receipt | transfer_in | transfer_out | count_adjustment | adjustment
  ref TEXT NOT NULL,
  event_id TEXT,
  at TEXT NOT NULL
);
CREATE INDEX stock_ledger_store_sku ON stock_ledger(store_id, sku);

CREATE TABLE stock_levels (
  store_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  on_hand INTEGER NOT NULL,
  PRIMARY KEY (store_id, sku)
);
CREATE INDEX stock_levels_sku ON stock_levels(sku);

CREATE TABLE reorder_points (
  store_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  reorder_point INTEGER NOT NULL,
  alerted INTEGER NOT NULL DEFAULT 0,       -- an alert was sent and on-hand has not recovered
  PRIMARY KEY (store_id, sku)
);

CREATE TABLE price_findings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  catalog_version INTEGER NOT NULL,
  line_id TEXT,
  field TEXT NOT NULL,
  expected TEXT NOT NULL,
  actual TEXT NOT NULL,
  found_at TEXT NOT NULL
);
CREATE INDEX price_findings_store ON price_findings(store_id);

CREATE TABLE store_status (
  store_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  app_version TEXT NOT NULL,
  catalog_version INTEGER NOT NULL,
  outbox_backlog INTEGER NOT NULL,
  oldest_unacked_age_sec INTEGER,
  last_seq INTEGER NOT NULL,
  devices_json TEXT NOT NULL,
  status_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
);

CREATE TABLE import_jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,                      -- running | done | failed
  total_rows INTEGER NOT NULL,
  processed_rows INTEGER NOT NULL,
  errors_json TEXT NOT NULL DEFAULT '[]',
  changeset_id INTEGER,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
