// Oversold stock is listed, never silent: every (store, SKU) below zero, with the movement that
// took it below zero and the sales since; a regional manager sees its own region only.
import { afterEach, expect, test } from "bun:test";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { listOversells } from "./oversell.ts";

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function db(): Sqlite {
  const dir = tempDir();
  dirs.push(dir);
  const d = openDatabase({ dataDir: dir.path });
  migrate(d);
  for (const [id, region] of [
    ["S001", "SH"],
    ["S002", "BJ"],
  ])
    d.prepare("INSERT INTO stores (id, name, region, created_at) VALUES (?, ?, ?, ?)").run(
      id,
      id,
      region,
      "2026-12-07T00:00:00Z",
    );
  return d;
}

function move(d: Sqlite, store: string, sku: string, delta: number, ref: string) {
  d.prepare(
    "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES (?, ?, ?, 'sale', ?, ?, '2026-12-07T10:00:00Z')",
  ).run(store, sku, delta, ref, `ev-${ref}`);
  d.prepare(
    "INSERT INTO stock_levels (store_id, sku, on_hand) VALUES (?, ?, ?) ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand",
  ).run(store, sku, delta);
}

test("the same last units sold at two stores: both listed below zero with the sales that took them there", () => {
  const d = db();
  for (const s of ["S001", "S002"]) {
    move(d, s, "SKU000007", 2, `count-${s}`);
    move(d, s, "SKU000007", -1, `a-${s}`);
    move(d, s, "SKU000007", -2, `b-${s}`); // 1 on hand, 2 sold: 1 short
  }
  move(d, "S001", "SKU000001", 5, "in");
  move(d, "S001", "SKU000001", -5, "all"); // exactly zero: not oversold
  const all = listOversells(d, {});
  expect(all.map((o) => [o.storeId, o.sku, o.onHand, o.short])).toEqual([
    ["S001", "SKU000007", -1, 1],
    ["S002", "SKU000007", -1, 1],
  ]);
  expect(all[0]!.since?.ref).toBe("b-S001");
  expect(all[0]!.movements.map((m) => m.ref)).toEqual(["b-S001"]);
  // A regional manager of BJ sees its store only; a filter by store or SKU narrows the list.
  expect(listOversells(d, {}, "BJ").map((o) => o.storeId)).toEqual(["S002"]);
  expect(listOversells(d, { store: "S001" }).length).toBe(1);
  expect(listOversells(d, { sku: "SKU000001" })).toEqual([]);
  // A count back to zero or above closes it.
  move(d, "S001", "SKU000007", 3, "recount");
  expect(listOversells(d, {}).map((o) => o.storeId)).toEqual(["S002"]);
  d.close();
});

test("sold below zero from the start: the first sale is where it went short, every sale since listed", () => {
  const d = db();
  move(d, "S001", "SKU000002", -1, "s1");
  move(d, "S001", "SKU000002", -1, "s2");
  const [o] = listOversells(d, {});
  expect(o!.onHand).toBe(-2);
  expect(o!.since?.ref).toBe("s1");
  expect(o!.movements.map((m) => m.ref)).toEqual(["s1", "s2"]);
  d.close();
});
