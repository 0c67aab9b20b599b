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

// The bun:sqlite code (src/db.ts before drizzle) created its databases with what are now
// migrations 0001 and 0002, byte for byte: `npm run lint` holds every hand-written migration to
// its hash (scripts/check-migrations.ts), so the files are that schema and no copy is kept here.
const OLD_CODE_MIGRATIONS = 2;

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
    "drizzle/0001_member_signups.sql",
    "drizzle/0002_stocktakes.sql",
    "drizzle/0003_stock_lots.sql",
    "drizzle/0004_fleet_commands.sql",
    "drizzle/0005_points.sql",
    "drizzle/0006_stocktake_lots.sql",
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
  for (const [v, f] of migrationFiles().slice(0, OLD_CODE_MIGRATIONS).entries()) {
    old.exec(readFileSync(join(import.meta.dir, "migrations", f), "utf8"));
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
  await edge.scanner.scan("1", gtinOf(3));
  const { sale } = edge.sales.tenderCash("1", 100_000);
  expect(sale?.lines).toHaveLength(1);
  expect(edge.sales.saleByReceipt(sale!.receiptNo)?.saleId).toBe(sale!.saleId);
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
