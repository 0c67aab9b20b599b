// The stock ledger's batch-built (store, SKU) look-up: readers see every movement exactly once
// whatever the look-up's lag, and migrations 0004-0005 carry existing rows over.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createStock } from "../stock/stock.ts";
import { tempDir } from "../test-kit.ts";
import { createDeferredIndex, STOCK_LEDGER_BY_SKU } from "./deferred-index.ts";
import { migrate, openDatabase, type Sqlite } from "./open.ts";

function appendMoves(db: Sqlite, moves: [store: string, sku: string, qty: number][]) {
  const ins = db.prepare(
    "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES (?, ?, ?, 'sale', 'r', NULL, '2026-11-25T00:00:00Z')",
  );
  db.transaction(() => {
    for (const [s, k, q] of moves) ins.run(s, k, q);
  })();
}

test("movements and ledger on-hand are whole before, during and after the look-up catches up", () => {
  const dir = tempDir();
  const db = openDatabase({ dataDir: dir.path });
  migrate(db);
  const stock = createStock({ db, now: () => new Date() });
  const moves: [string, string, number][] = [];
  for (let i = 1; i <= 300; i++) moves.push([`S${i % 3}`, `SKU${i % 7}`, i]);
  appendMoves(db, moves);
  const expected = (s: string, k: string) =>
    moves.filter(([ms, mk]) => ms === s && mk === k).map((m) => m[2]);
  const check = () => {
    for (const s of ["S0", "S1", "S2"])
      for (let k = 0; k < 7; k++) {
        const want = expected(s, `SKU${k}`);
        expect(stock.movements(s, `SKU${k}`).map((m) => m.qty_delta)).toEqual(want);
        expect(stock.ledgerOnHand(s, `SKU${k}`)).toBe(want.reduce((a, b) => a + b, 0));
      }
  };
  expect(stock.ledgerIndex.lag()).toBe(300);
  check(); // all in the unindexed tail
  expect(stock.ledgerIndex.catchUp(120)).toBe(120);
  expect(stock.ledgerIndex.lag()).toBe(180);
  check(); // split between look-up and tail
  expect(stock.ledgerIndex.catchUp()).toBe(180);
  expect(stock.ledgerIndex.catchUp()).toBe(0);
  check(); // all in the look-up
  expect(db.prepare("SELECT COUNT(*) AS n FROM stock_ledger_by_sku").get()).toEqual({ n: 300 });
  // The latest `limit`, still oldest first.
  expect(stock.movements("S1", "SKU1", 2).map((m) => m.qty_delta)).toEqual(expected("S1", "SKU1").slice(-2));
  appendMoves(db, [["S1", "SKU1", 1000]]);
  expect(stock.movements("S1", "SKU1", 2).map((m) => m.qty_delta)).toEqual([
    ...expected("S1", "SKU1").slice(-1),
    1000,
  ]);
  // The query reads the look-up by key, not the whole ledger.
  const plan = db
    .prepare(`EXPLAIN QUERY PLAN SELECT id FROM stock_ledger WHERE id IN (${stock.ledgerIndex.idsWhereKey})`)
    .all("S1", "SKU1", "S1", "SKU1") as { detail: string }[];
  expect(plan.map((p) => p.detail).join("\n")).toContain(
    "stock_ledger_by_sku USING PRIMARY KEY (store_id=? AND sku=?)",
  );
  db.close();
  dir.remove();
});

test("migrations 0004-0005 carry an existing ledger, sale lines and tenders over into their look-ups", () => {
  const dir = tempDir();
  const db = openDatabase({ dataDir: dir.path });
  // A database as the hub left it before 0004.
  const migrations = join(import.meta.dir, "migrations");
  db.exec("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  for (const f of readdirSync(migrations)
    .sort()
    .filter((f) => f < "0004")) {
    db.exec(readFileSync(join(migrations, f), "utf8"));
    db.prepare("INSERT INTO _migrations VALUES (?, '2026-11-01T00:00:00Z')").run(f);
  }
  appendMoves(db, [
    ["S1", "A", -1],
    ["S2", "A", 5],
    ["S1", "A", -2],
  ]);
  const line = db.prepare(
    "INSERT INTO sale_lines VALUES ('S1', ?, ?, 'A', 1, 0, 100, 3, 13, 100, 0, 100, 12, NULL)",
  );
  for (const [sale, lineId] of [
    ["b", "l1"],
    ["a", "l2"],
    ["a", "l1"],
  ])
    line.run(sale, lineId);
  db.prepare("INSERT INTO tenders VALUES ('S1', 'a', 'sale', 0, 'cash', 300, 500, 200, NULL)").run();
  // 0004 and 0005 come first; later migrations (if any) follow them.
  expect(migrate(db).slice(0, 2)).toEqual([
    "0004_ledger_index_in_batches.sql",
    "0005_sale_lines_tenders_in_batches.sql",
  ]);
  const index = createDeferredIndex(db, STOCK_LEDGER_BY_SKU);
  expect(index.lag()).toBe(0);
  expect(db.prepare("SELECT store_id, sku, id FROM stock_ledger_by_sku").all()).toEqual([
    { store_id: "S1", sku: "A", id: 1 },
    { store_id: "S1", sku: "A", id: 3 },
    { store_id: "S2", sku: "A", id: 2 },
  ]);
  expect(
    db.prepare("SELECT name FROM sqlite_master WHERE name = 'stock_ledger_store_sku'").get(),
  ).toBeUndefined();
  db.close();
  dir.remove();
});
