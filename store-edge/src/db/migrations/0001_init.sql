-- The edge's schema as the bun:sqlite code created it (user_version 1), byte for byte: the DDL
-- text is stored in sqlite_master, and edge databases in the field hold exactly this.

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- Catalog replica: each record as HQ sent it (JSON), keyed; version = change set that wrote it.
  CREATE TABLE products (sku TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE TABLE barcodes (code TEXT PRIMARY KEY, sku TEXT NOT NULL, version INTEGER NOT NULL);
  CREATE TABLE prices (sku TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE TABLE promotions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE TABLE members (id TEXT PRIMARY KEY, phone TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE INDEX members_phone ON members(phone);
  CREATE TABLE cashiers (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE TABLE coupons (code TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
  -- Pages of a version being fetched; applied all at once when complete.
  CREATE TABLE catalog_staging (
    version INTEGER NOT NULL, page INTEGER NOT NULL, kind TEXT NOT NULL, from_version INTEGER NOT NULL,
    pages INTEGER NOT NULL, effective_at TEXT, items TEXT NOT NULL, PRIMARY KEY (version, page));
  -- Applied versions whose effectiveAt is still in the future on the store's clock.
  CREATE TABLE catalog_scheduled (version INTEGER PRIMARY KEY, effective_at TEXT NOT NULL, items TEXT NOT NULL);

  -- Checkout state that must survive kill -9.
  CREATE TABLE lanes (lane TEXT PRIMARY KEY, data TEXT NOT NULL);
  CREATE TABLE carts (lane TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE TABLE suspended (id TEXT PRIMARY KEY, lane TEXT NOT NULL, data TEXT NOT NULL, suspended_at TEXT NOT NULL);

  CREATE TABLE shifts (
    shift_id TEXT PRIMARY KEY, lane TEXT NOT NULL, cashier_id TEXT NOT NULL, business_day TEXT NOT NULL,
    training INTEGER NOT NULL, float_fen INTEGER NOT NULL, opened_at TEXT NOT NULL, closed_at TEXT,
    closing TEXT);
  CREATE TABLE sales (
    sale_id TEXT PRIMARY KEY, receipt_no TEXT NOT NULL UNIQUE, lane TEXT NOT NULL, shift_id TEXT NOT NULL,
    training INTEGER NOT NULL, business_day TEXT NOT NULL, net_fen INTEGER NOT NULL, tax_fen INTEGER NOT NULL,
    completed_at TEXT NOT NULL, data TEXT NOT NULL);
  CREATE INDEX sales_shift ON sales(shift_id);
  CREATE TABLE sale_lines (
    sale_id TEXT NOT NULL, line_id TEXT NOT NULL, sku TEXT NOT NULL, qty INTEGER NOT NULL,
    weighed INTEGER NOT NULL, net_fen INTEGER NOT NULL, tax_fen INTEGER NOT NULL,
    price_version INTEGER NOT NULL, PRIMARY KEY (sale_id, line_id));
  CREATE TABLE tenders (
    sale_id TEXT NOT NULL, idx INTEGER NOT NULL, kind TEXT NOT NULL, amount_fen INTEGER NOT NULL,
    received_fen INTEGER, change_fen INTEGER, reference TEXT, PRIMARY KEY (sale_id, idx));
  CREATE TABLE returns (
    return_id TEXT PRIMARY KEY, receipt_no TEXT NOT NULL UNIQUE, original_sale_id TEXT, lane TEXT NOT NULL,
    shift_id TEXT NOT NULL, training INTEGER NOT NULL, refund_fen INTEGER NOT NULL, tender_kind TEXT NOT NULL,
    returned_at TEXT NOT NULL, data TEXT NOT NULL);
  CREATE INDEX returns_shift ON returns(shift_id);
  CREATE TABLE return_lines (
    return_id TEXT NOT NULL, sale_id TEXT, line_id TEXT NOT NULL, qty INTEGER NOT NULL,
    refund_fen INTEGER NOT NULL, tax_fen INTEGER NOT NULL, PRIMARY KEY (return_id, line_id));
  CREATE INDEX return_lines_sale ON return_lines(sale_id, line_id);
  CREATE TABLE cash_movements (
    movement_id TEXT PRIMARY KEY, shift_id TEXT NOT NULL, direction TEXT NOT NULL, amount_fen INTEGER NOT NULL,
    reason TEXT NOT NULL, moved_at TEXT NOT NULL);
  CREATE INDEX cash_movements_shift ON cash_movements(shift_id);

  -- Stock: an append-only ledger; on_hand is the derived sum kept in the same transaction.
  CREATE TABLE stock_moves (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT NOT NULL, qty INTEGER NOT NULL, kind TEXT NOT NULL,
    reference TEXT NOT NULL, at TEXT NOT NULL);
  CREATE TABLE stock_on_hand (sku TEXT PRIMARY KEY, qty INTEGER NOT NULL);
  CREATE TABLE applied_movements (movement_id TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
  CREATE TABLE stock_alerts (sku TEXT PRIMARY KEY, data TEXT NOT NULL);
  CREATE TABLE replenishment (sku TEXT PRIMARY KEY, data TEXT NOT NULL);

  -- The outbox ledger: seq is the store's gapless counter (primary key, next = max + 1 in the
  -- same transaction as the effects). Delivery is the meta cursor 'acked_up_to', moved only by
  -- HQ's events.ack.
  CREATE TABLE outbox (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
    occurred_at TEXT NOT NULL, envelope TEXT NOT NULL);

  -- Payment-code attempts, so a crash between "sent to provider" and "answered" can be queried.
  CREATE TABLE payments (
    payment_id TEXT PRIMARY KEY, lane TEXT NOT NULL, cart_id TEXT NOT NULL, provider TEXT NOT NULL,
    amount_fen INTEGER NOT NULL, status TEXT NOT NULL, reference TEXT, created_at TEXT NOT NULL);
  