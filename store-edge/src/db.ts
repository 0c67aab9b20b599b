// The store's local database: one SQLite file in WAL mode with synchronous=FULL, so a
// committed sale is on disk (fsynced WAL) before the customer leaves.
//
// One writer: every write runs as a synchronous bun:sqlite transaction through `write`. The JS
// thread runs one of them at a time and nothing can interleave inside one (no await), which is
// the single-writer queue; async transactions are never used because on bun:sqlite they are not
// atomic across awaits.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** Append-only list: a database at user_version N has had migrations 0..N-1 applied. */
const MIGRATIONS: string[] = [
  `
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
  `,
  // 2: the lane view looks up a cart's unanswered wallet payments on every change.
  `CREATE INDEX payments_cart ON payments(cart_id, status);`,
];

export class EdgeDb {
  readonly sql: Database;
  private readonly metaGet;
  private readonly metaSet;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.sql = new Database(path, { create: true, strict: true });
    this.sql.exec("PRAGMA journal_mode = WAL");
    this.sql.exec("PRAGMA synchronous = FULL");
    this.sql.exec("PRAGMA busy_timeout = 5000");
    this.sql.exec("PRAGMA foreign_keys = ON");
    this.migrate();
    this.metaGet = this.sql.query<{ value: string }, [string]>("SELECT value FROM meta WHERE key = ?");
    this.metaSet = this.sql.query(
      "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
  }

  private migrate(): void {
    const current = this.sql.query<{ user_version: number }, []>("PRAGMA user_version").get()!.user_version;
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.sql.transaction(() => {
        this.sql.exec(MIGRATIONS[v]!);
        this.sql.exec(`PRAGMA user_version = ${v + 1}`);
      })();
    }
  }

  /** Runs `fn` as one durable transaction; the only way anything is written. */
  write<T>(fn: () => T): T {
    return this.sql.transaction(fn)();
  }

  meta(key: string): string | undefined {
    return this.metaGet.get(key)?.value;
  }

  metaInt(key: string): number {
    return Number(this.meta(key) ?? 0);
  }

  setMeta(key: string, value: string | number): void {
    this.metaSet.run(key, String(value));
  }

  close(): void {
    this.sql.close();
  }
}
