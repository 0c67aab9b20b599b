// The drizzle schema must describe the migrated database: every table and column exists.
import { expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { tempDir } from "../test-kit.ts";
import { migrate, migrationPlan, openDatabase, openDrizzle } from "./open.ts";
import * as schema from "./schema.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

test("drizzle schema matches the SQL migrations, and drizzle queries run on libsql", () => {
  const dir = tempDir();
  const db = openDatabase({ dataDir: dir.path });
  // Every migration file, in name order, once.
  const files = readdirSync(join(import.meta.dir, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  expect(files.slice(0, 5)).toEqual([
    "0001_init.sql",
    "0002_catalog_epoch.sql",
    "0003_supplier_active.sql",
    "0004_ledger_index_in_batches.sql",
    "0005_sale_lines_tenders_in_batches.sql",
  ]);
  // The hand-written chain, then drizzle-kit's migrations after its baseline (none yet).
  expect(migrate(db)).toEqual(migrationPlan().map((m) => m.name));
  expect(
    migrationPlan()
      .map((m) => m.name)
      .filter((n) => !n.startsWith("drizzle/")),
  ).toEqual(files);
  expect(migrate(db)).toEqual([]);
  for (const table of Object.values(schema)) {
    const cfg = getTableConfig(table);
    const cols = (db.prepare(`PRAGMA table_info(${cfg.name})`).all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect({
      table: cfg.name,
      missing: cfg.columns.map((c) => c.name).filter((c) => !cols.includes(c)),
    }).toEqual({ table: cfg.name, missing: [] });
  }
  const orm = openDrizzle(db);
  orm.insert(schema.settings).values({ key: "k", value: "v" }).run();
  expect(orm.select().from(schema.settings).all()).toEqual([{ key: "k", value: "v" }]);
  expect((db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
  db.close();
  dir.remove();
});

test("a hub database of the previous release (0001..0017) keeps its data and takes the migrations generated after it", () => {
  const dir = tempDir();
  const db = openDatabase({ dataDir: dir.path });
  const chain = migrationPlan().filter((m) => !m.name.startsWith("drizzle/"));
  expect(chain.map((m) => m.name).at(-1)).toBe("0017_coupon_redemptions.sql");
  expect(migrate(db, () => new Date("2026-11-30T00:00:00Z"), chain)).toHaveLength(chain.length);
  const orm = openDrizzle(db);
  orm
    .insert(schema.stores)
    .values({ id: "S001", name: "一号店", region: "east", createdAt: "2026-11-30T00:00:00Z" })
    .run();
  // A migration generated after the chain (as drizzle-kit writes it) applies once, in order.
  const generated = { name: "drizzle/0001_probe.sql", sql: () => "ALTER TABLE `stores` ADD `probe` text;" };
  expect(migrate(db, undefined, [...chain, generated])).toEqual(["drizzle/0001_probe.sql"]);
  expect(migrate(db, undefined, [...chain, generated])).toEqual([]);
  expect(db.prepare("SELECT id, name, probe FROM stores").all()).toEqual([
    { id: "S001", name: "一号店", probe: null },
  ]);
  db.close();
  dir.remove();
});
