// The edge's database: the drizzle schema describes the migrated database, and a file created by
// the earlier bun:sqlite code (user_version 2) opens unchanged, data and all.
import { Database as BunDatabase } from "bun:sqlite";
import { expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { manualClock } from "../clock.ts";
import { EdgeDb, migrationFiles } from "../db.ts";
import { Edge } from "../edge.ts";
import { catalogItems, gtinOf, openLane, T0, tempDir, testConfig } from "../testing/fixtures.ts";
import * as schema from "./schema.ts";

setDefaultTimeout(60_000);

// The migrations of the bun:sqlite code (src/db.ts before drizzle), verbatim: the schema of every
// edge database in the field.
// biome-ignore format: a verbatim copy
const OLD_MIGRATIONS: string[] = [
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

/** Every object's DDL, by name (what `sqlite_master` says), with table names unquoted. */
function ddl(path: string): Record<string, string> {
  const db = new BunDatabase(path, { readonly: true });
  const rows = db
    .query<{ name: string; sql: string | null }, []>(
      "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
  db.close();
  return Object.fromEntries(rows.map((r) => [r.name, (r.sql ?? "").replace(/"(\w+)"/g, "$1")]));
}

test("the drizzle schema matches the SQL migrations, pragmas are WAL + synchronous=FULL", () => {
  const path = join(tempDir(), "edge.db");
  const db = new EdgeDb(path);
  expect(migrationFiles()).toEqual([
    "0001_init.sql",
    "0002_payments_cart.sql",
    "0003_coupon_redemptions.sql",
    "0004_catalog_scheduled_pages.sql",
    "0005_lane_sessions.sql",
    "0006_cashier_pin_failures.sql",
    "0007_day_digest_index.sql",
    "0008_outbox_boots.sql",
    "0009_pin_source_failures.sql",
  ]);
  for (const table of Object.values(schema)) {
    if (typeof table === "function") continue; // the catalog table builders
    const cfg = getTableConfig(table as SQLiteTable);
    const cols = (db.raw.prepare(`PRAGMA table_info(${cfg.name})`).all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect({
      table: cfg.name,
      missing: cfg.columns.map((c) => c.name).filter((c) => !cols.includes(c)),
    }).toEqual({
      table: cfg.name,
      missing: [],
    });
  }
  const pragma = (p: string) => Object.values(db.raw.prepare(`PRAGMA ${p}`).get() as object)[0];
  expect(pragma("journal_mode")).toBe("wal");
  expect(pragma("synchronous")).toBe(2); // FULL
  expect(pragma("busy_timeout")).toBe(5000);
  db.close();
});

test("a database file created by the bun:sqlite code opens unchanged and keeps selling", async () => {
  const dir = tempDir();
  const path = join(dir, "edge.db");
  const old = new BunDatabase(path, { create: true, strict: true });
  old.exec("PRAGMA journal_mode = WAL");
  for (const [v, sql] of OLD_MIGRATIONS.entries()) {
    old.exec(sql);
    old.exec(`PRAGMA user_version = ${v + 1}`);
  }
  // A sale the old code stored with a coupon: the migration records the coupon as spent.
  old
    .query("INSERT INTO sales VALUES ('old-1', 'RC-OLD-1', '1', 'sh-old', 0, '2026-11-24', 90, 10, ?, ?)")
    .run("2026-11-24T10:00:00+08:00", JSON.stringify({ saleId: "old-1", coupons: ["OLD1"] }));
  // A version the old code scheduled ahead, one JSON row: migration 0004 makes it page 0.
  old
    .query("INSERT INTO catalog_scheduled VALUES (1, '2026-11-26T00:00:00+08:00', ?)")
    .run(JSON.stringify([{ op: "delete", entity: "barcode", key: "6900000000017" }]));
  old.close();
  // The first migration files are, byte for byte, the old code's schema.
  const two = join(tempDir(), "two.db");
  const firstTwo = new BunDatabase(two, { create: true });
  for (const f of migrationFiles().slice(0, OLD_MIGRATIONS.length))
    firstTwo.exec(readFileSync(join(import.meta.dir, "migrations", f), "utf8"));
  firstTwo.close();
  expect(ddl(path)).toEqual(ddl(two));
  const fresh = join(tempDir(), "edge.db");
  new EdgeDb(fresh).close();

  // Old file: filled by the old code's SQL (as an edge in the field would be), then opened by
  // the new code, which sells on it.
  const seed = new Edge({ dataDir: dir, config: testConfig(), clock: manualClock(T0) });
  const items = catalogItems({ products: 20 });
  await seed.stop();
  const raw = new BunDatabase(path, { strict: true });
  raw.exec("INSERT INTO meta (key, value) VALUES ('catalog_version', '1')");
  for (const item of items) {
    if (item.op !== "upsert") continue;
    const d = item.data as Record<string, unknown>;
    const put = (sql: string, ...args: (string | number)[]) => raw.query(sql).run(...args);
    if (item.entity === "product")
      put("INSERT INTO products VALUES (?, 1, ?)", d.sku as string, JSON.stringify(d));
    if (item.entity === "barcode")
      put("INSERT INTO barcodes VALUES (?, ?, 1)", d.code as string, d.sku as string);
    if (item.entity === "price")
      put("INSERT INTO prices VALUES (?, 1, ?)", d.sku as string, JSON.stringify(d));
    if (item.entity === "promotion")
      put("INSERT INTO promotions VALUES (?, 1, ?)", d.id as string, JSON.stringify(d));
    if (item.entity === "cashier")
      put("INSERT INTO cashiers VALUES (?, 1, ?)", d.id as string, JSON.stringify(d));
    if (item.entity === "member")
      put("INSERT INTO members VALUES (?, ?, 1, ?)", d.id as string, d.phone as string, JSON.stringify(d));
    if (item.entity === "coupon")
      put("INSERT INTO coupons VALUES (?, 1, ?)", d.code as string, JSON.stringify(d));
  }
  raw.close();
  const edge = new Edge({ dataDir: dir, config: testConfig(), clock: manualClock(T0) });
  expect(edge.replica.applied).toBe(1);
  expect(edge.replica.lookup.products.size).toBe(20);
  await openLane(edge);
  await edge.checkout.scan("1", gtinOf(3));
  const { sale } = edge.checkout.tenderCash("1", 100_000);
  expect(sale?.lines).toHaveLength(1);
  expect(edge.checkout.saleByReceipt(sale!.receiptNo)?.saleId).toBe(sale!.saleId);
  expect(edge.outbox.lastSeq).toBeGreaterThan(0);
  await edge.stop();
  expect(ddl(path)).toEqual(ddl(fresh));
  const check = new BunDatabase(path, { readonly: true });
  expect(check.query("PRAGMA user_version").get()).toEqual({ user_version: migrationFiles().length });
  expect(check.query("SELECT count(*) AS n FROM sales").get()).toEqual({ n: 2 });
  expect(check.query("SELECT code, sale_id FROM coupon_redemptions").all()).toEqual([
    { code: "OLD1", sale_id: "old-1" },
  ]);
  expect(check.query("SELECT version, page, effective_at, item_count FROM catalog_scheduled").all()).toEqual([
    { version: 1, page: 0, effective_at: "2026-11-26T00:00:00+08:00", item_count: 1 },
  ]);
  check.close();
});

test("a volatile write (the cart per scan) skips only its own fsync: the connection is back to synchronous=FULL after it, also when it throws", () => {
  const db = new EdgeDb(join(tempDir(), "edge.db"));
  const sync = () => (db.raw.prepare("PRAGMA synchronous").get() as { synchronous: number }).synchronous;
  expect(sync()).toBe(2); // FULL
  db.writeVolatile(() => db.setMeta("probe", "1"));
  expect(sync()).toBe(2);
  expect(() =>
    db.writeVolatile(() => {
      db.setMeta("probe", "2");
      throw new Error("abort");
    }),
  ).toThrow("abort");
  expect(sync()).toBe(2);
  expect(db.meta("probe")).toBe("1");
  // Inside a durable write it is part of that transaction (a savepoint), durable with it.
  db.write(() => db.writeVolatile(() => db.setMeta("probe", "3")));
  expect(db.meta("probe")).toBe("3");
  expect(sync()).toBe(2);
  db.close();
});
