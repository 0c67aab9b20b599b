// Inventory accounting on a generated month: every costed movement posted once as balanced
// vouchers, the inventory account equal to the stock valuation per store on every day to the
// fen, COGS equal to the cost of the units sold (less returns, plus negative-stock corrections),
// GRNI equal to the receipts' cost; a failing batch posts nothing and is posted whole later.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { createAccounts } from "../accounts/accounts.ts";
import { createCosting } from "../costing/costing.ts";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { createBooks } from "./books.ts";
import { daysOf, rng, seedMaster, writeDay } from "./month-fixture.ts";

// A month of movements on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(120_000);

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function setup() {
  const dir = tempDir();
  dirs.push(dir);
  let t = Date.parse("2026-12-01T02:00:00.000Z");
  const now = () => {
    t += 1000;
    return new Date(t);
  };
  const db = openDatabase({ dataDir: dir.path });
  migrate(db, now);
  const costing = createCosting({ db, now });
  const books = createBooks({ db, now, costing });
  return { db, now, costing, books };
}

const one = <T>(db: Sqlite, sql: string, ...args: (string | number)[]) => db.prepare(sql).get(...args) as T;
/** Debit - credit of an account over all vouchers (optionally of one store). */
const balance = (db: Sqlite, account: string, store?: string) =>
  one<{ b: number }>(
    db,
    `SELECT COALESCE(SUM(l.debit_fen - l.credit_fen), 0) AS b FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
     WHERE l.account = ? ${store ? "AND v.store_id = ?" : ""}`,
    ...(store ? [account, store] : [account]),
  ).b;
const moved = (db: Sqlite, where: string) =>
  one<{ v: number; c: number }>(
    db,
    `SELECT COALESCE(SUM(value_fen), 0) AS v, COALESCE(SUM(correction_fen), 0) AS c FROM cost_movements WHERE ${where}`,
  );

describe("inventory accounting over a generated month", () => {
  test("inventory account = valuation per store on every day, COGS = cost of units sold, all balanced, posted once", () => {
    const { db, books } = setup();
    const stores = ["S1", "S2", "S3"];
    seedMaster(db, stores, "2026-11-01T00:00:00.000Z");
    const r = rng(16);
    const n = { seq: 1 };
    const days = daysOf("2026-11", 30);
    // Three posting runs during the month, and a late day-3 movement arriving after the second.
    for (const d of days.slice(0, 10)) writeDay(db, d, stores, r, n);
    const first = books.postInventory();
    expect(first.vouchers).toBeGreaterThan(30);
    for (const d of days.slice(10, 20)) writeDay(db, d, stores, r, n);
    books.postInventory();
    db.prepare(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES ('S2', 'A001', -2, 'sale', 'LATE-1', NULL, '2026-11-03T20:00:00.000+08:00')",
    ).run();
    for (const d of days.slice(20)) writeDay(db, d, stores, r, n);
    books.postInventory();
    expect(books.postInventory()).toEqual({ movements: 0, vouchers: 0 });
    expect(books.unpostedMovements()).toBe(0);

    const movements = one<{ n: number }>(db, "SELECT COUNT(*) AS n FROM cost_movements").n;
    const ledgerRows = one<{ n: number }>(db, "SELECT COUNT(*) AS n FROM stock_ledger").n;
    expect(movements).toBe(ledgerRows);
    expect(movements).toBeGreaterThan(1000);
    // The month exercised what it should: weighed goods, negative stock corrected, transfers, counts, returns at sale cost.
    expect(
      one<{ n: number }>(db, "SELECT COUNT(*) AS n FROM cost_movements WHERE correction_fen != 0").n,
    ).toBeGreaterThan(0);
    for (const kind of ["transfer_in", "transfer_out", "count_adjustment", "return", "receipt"])
      expect(
        one<{ n: number }>(db, "SELECT COUNT(*) AS n FROM cost_movements WHERE kind = ?", kind).n,
      ).toBeGreaterThan(0);
    expect(
      one<{ n: number }>(db, "SELECT COUNT(*) AS n FROM cost_movements WHERE cost_source = 'sale'").n,
    ).toBeGreaterThan(0);

    // Every voucher balanced, in its header and its lines; every document once.
    expect(
      db
        .prepare(
          `SELECT v.id FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id GROUP BY v.id
           HAVING SUM(l.debit_fen) != SUM(l.credit_fen) OR SUM(l.debit_fen) != MAX(v.debit_fen)`,
        )
        .all(),
    ).toEqual([]);
    expect(
      db
        .prepare(
          "SELECT source_kind, source_id FROM vouchers GROUP BY 1, 2 HAVING COUNT(*) > 1 AND source_kind IS NOT NULL",
        )
        .all(),
    ).toEqual([]);
    // The late movement got its own (delta) COGS voucher for 2026-11-03.
    expect(
      one<{ n: number }>(
        db,
        "SELECT COUNT(*) AS n FROM vouchers WHERE source_kind = 'inventory.cogs' AND store_id = 'S2' AND business_day = '2026-11-03'",
      ).n,
    ).toBe(2);

    // COGS = cost of the units sold - cost put back by returns + negative-stock corrections.
    const sold = moved(db, "kind = 'sale'");
    const returned = moved(db, "kind = 'return'");
    const corrections = moved(db, "1 = 1").c;
    expect(balance(db, "6401")).toBe(-sold.v - returned.v + corrections);
    // GRNI = the receipts' cost; goods in transit nets to 0 once both sides of every transfer posted.
    expect(-balance(db, "2202.02")).toBe(moved(db, "kind = 'receipt'").v);
    expect(balance(db, "1402")).toBe(0);
    // Count gains and losses go to 1901 at average cost.
    expect(-balance(db, "1901")).toBe(moved(db, "kind = 'count_adjustment'").v);

    // On every day of the month, per store and in total: valuation = inventory account, to the fen.
    let checked = 0;
    for (const day of days) {
      const rep = books.valuation({ date: day });
      expect(rep.differenceFen).toBe(0);
      expect(rep.unpostedMovements).toBe(0);
      for (const s of rep.stores) {
        expect(s.accountFen, `${s.storeId} ${day}`).toBe(s.valuationFen);
        expect(s.inventoryAccount).toBe("1405");
        const perCategory = rep.rows
          .filter((x) => x.storeId === s.storeId)
          .reduce((n, x) => n + x.valueFen, 0);
        expect(perCategory).toBe(s.valuationFen);
        checked++;
      }
    }
    expect(checked).toBe(90);
    const end = books.valuation({ date: "2026-11-30" });
    expect(end.accountFen).toBe(balance(db, "1405"));
    expect(end.valuationFen).toBe(one<{ v: number }>(db, "SELECT SUM(value_fen) AS v FROM cost_positions").v);
    // One store's report.
    const s1 = books.valuation({ date: "2026-11-15", store: "S1" });
    expect(s1.stores.map((s) => s.storeId)).toEqual(["S1"]);
    expect(s1.differenceFen).toBe(0);
  });

  test("unposted movements show as the difference; a batch that cannot post writes nothing and posts whole later", () => {
    const { db, now, books } = setup();
    seedMaster(db, ["S1", "S2"], "2026-11-01T00:00:00.000Z");
    const r = rng(7);
    const n = { seq: 1 };
    for (const d of daysOf("2026-11", 5)) writeDay(db, d, ["S1", "S2"], r, n);
    // Before posting, the valuation runs ahead of the books and says by how many movements.
    const before = books.valuation({ date: "2026-11-05" });
    expect(before.accountFen).toBe(0);
    expect(before.unpostedMovements).toBeGreaterThan(0);
    expect(before.differenceFen).toBe(before.valuationFen);
    // The inventory account deactivated behind the chart's back: the run fails naming it, nothing posted.
    db.prepare("UPDATE ledger_accounts SET active = 0 WHERE code = '1405'").run();
    createAccounts({ db, now }).list(); // seeded already: the deactivation stays
    db.prepare("UPDATE ledger_accounts SET active = 0 WHERE code = '1405'").run();
    // Each store is held (item 4: a store that cannot post stops only itself), the reason named.
    const refused = books.postInventory();
    expect(refused.vouchers).toBe(0);
    expect(refused.held?.map((h) => h.storeId)).toEqual(["S1", "S2"]);
    for (const h of refused.held!) expect(h.reason).toMatch(/1405.*inactive/);
    expect(one<{ n: number }>(db, "SELECT COUNT(*) AS n FROM vouchers").n).toBe(0);
    db.prepare("UPDATE ledger_accounts SET active = 1 WHERE code = '1405'").run();
    const run = books.postInventory();
    expect(run.movements).toBe(before.unpostedMovements);
    expect(books.valuation({ date: "2026-11-05" }).differenceFen).toBe(0);
  });

  test("one store that cannot post is held, named, and kept; the others post; fixed, it posts whole, each movement once", () => {
    const { db, now, books } = setup();
    seedMaster(db, ["S1", "S2", "S3"], "2026-11-01T00:00:00.000Z");
    const accounts = createAccounts({ db, now });
    // S2 keeps its books in company c2, whose inventory account is switched off behind the chart's back.
    accounts.putCompany("c2", { name: "二号公司" });
    accounts.assignStore("c2", "S2");
    db.prepare("UPDATE ledger_accounts SET active = 0 WHERE company_id = 'c2' AND code = '1405'").run();
    const r = rng(11);
    const n = { seq: 1 };
    const days = daysOf("2026-11", 6);
    for (const d of days.slice(0, 3)) writeDay(db, d, ["S1", "S2", "S3"], r, n);
    const run = books.postInventory({ batch: 50 });
    expect(run.held?.map((h) => [h.storeId, h.reason])).toEqual([
      ["S2", 'lines.0.account: account "1405" is inactive (company c2)'],
    ]);
    const s2 = one<{ n: number }>(db, "SELECT COUNT(*) AS n FROM cost_movements WHERE store_id = 'S2'").n;
    expect(run.held![0]!.movements).toBe(s2);
    expect(books.held()).toEqual(run.held!);
    expect(books.unpostedMovements()).toBe(s2);
    // The others posted to the fen; S2's account is empty, its valuation waiting.
    const v = books.valuation({ date: days[2]! });
    const byStore = new Map(v.stores.map((x) => [x.storeId, x]));
    expect([byStore.get("S1")!.differenceFen, byStore.get("S3")!.differenceFen]).toEqual([0, 0]);
    expect(byStore.get("S2")!.accountFen).toBe(0);
    expect(balance(db, "1405", "S2")).toBe(0);
    // More days arrive: S2 stays held (its movements wait in order), the others post.
    for (const d of days.slice(3)) writeDay(db, d, ["S1", "S2", "S3"], r, n);
    const later = books.postInventory({ batch: 50 });
    expect(later.held?.map((h) => h.storeId)).toEqual(["S2"]);
    expect(balance(db, "1405", "S2")).toBe(0);
    // Fixed: the hold's retry posts all of S2 at once; nothing twice, every store equal.
    db.prepare("UPDATE ledger_accounts SET active = 1 WHERE company_id = 'c2' AND code = '1405'").run();
    const fixed = books.postInventory();
    expect(fixed.held).toBeUndefined();
    expect(fixed.movements).toBe(
      one<{ n: number }>(db, "SELECT COUNT(*) AS n FROM cost_movements WHERE store_id = 'S2'").n,
    );
    expect(books.held()).toEqual([]);
    expect(books.unpostedMovements()).toBe(0);
    expect(books.postInventory()).toEqual({ movements: 0, vouchers: 0 });
    const end = books.valuation({ date: days.at(-1)! });
    expect(end.stores.map((x) => [x.storeId, x.differenceFen])).toEqual([
      ["S1", 0],
      ["S2", 0],
      ["S3", 0],
    ]);
    const dup = db
      .prepare("SELECT source_kind, source_id, COUNT(*) AS n FROM vouchers GROUP BY 1, 2 HAVING n > 1")
      .all();
    expect(dup).toEqual([]);
  });

  test("posting rules are data: count losses moved to 6711 post there from then on, the valuation still equals the account", () => {
    const { db, now, books } = setup();
    seedMaster(db, ["S1"], "2026-11-01T00:00:00.000Z");
    const accounts = createAccounts({ db, now });
    accounts.putRule("default", "count_loss", { account: "6711" }, "admin");
    const ledger = db.prepare(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES ('S1', ?, ?, ?, ?, NULL, ?)",
    );
    db.prepare(
      "INSERT INTO receivings (store_id, receiving_id, supplier_id, confirmed_by, lines_json, confirmed_at) VALUES ('S1', 'R1', 'SUP1', 'c', '[]', '2026-11-02T08:00:00+08:00')",
    ).run();
    ledger.run("A001", 10, "receipt", "R1", "2026-11-02T08:00:00+08:00"); // 10 x 3.50 = 35.00
    ledger.run("A001", -3, "count_adjustment", "CNT-1", "2026-11-02T22:00:00+08:00"); // 10.50 lost
    books.postInventory();
    expect(balance(db, "6711")).toBe(1050);
    expect(balance(db, "1405")).toBe(2450);
    expect(-balance(db, "2202.02")).toBe(3500);
    const v = db.prepare("SELECT source_kind, source_id, memo FROM vouchers ORDER BY id").all() as {
      source_kind: string;
      source_id: string;
      memo: string;
    }[];
    expect(v.map((x) => x.source_kind)).toEqual(["inventory.receipt", "inventory.count"]);
    expect(v[0]!.source_id).toBe("S1/R1#1");
    expect(v[0]!.memo).toBe("2026-11-02 S1 采购入库 (暂估) R1");
    expect(books.valuation({ date: "2026-11-02" }).differenceFen).toBe(0);
  });
});

describe("inventory posting model", () => {
  test("random interleavings of arriving movements (late ones too) and posting runs: every run leaves valuation = account, each movement once", () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("day" as const),
        day: fc.integer({ min: 1, max: 12 }),
        seed: fc.integer(),
      }),
      fc.record({ kind: fc.constant("post" as const), batch: fc.integer({ min: 1, max: 400 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const { db, books } = setup();
        const stores = ["S1", "S2"];
        seedMaster(db, stores, "2026-11-01T00:00:00.000Z");
        const n = { seq: 1 };
        for (const s of steps) {
          if (s.kind === "day")
            writeDay(db, `2026-11-${String(s.day).padStart(2, "0")}`, stores, rng(s.seed), n);
          else books.postInventory({ batch: s.batch });
        }
        books.postInventory({ batch: 97 });
        expect(books.unpostedMovements()).toBe(0);
        // Each costed movement's value is in exactly one voucher: the inventory account moved by
        // the sum of all movements, and no document twice.
        expect(balance(db, "1405")).toBe(
          one<{ v: number }>(
            db,
            "SELECT COALESCE(SUM(value_fen - correction_fen), 0) AS v FROM cost_movements",
          ).v,
        );
        expect(
          db.prepare("SELECT 1 FROM vouchers GROUP BY source_kind, source_id HAVING COUNT(*) > 1").all(),
        ).toEqual([]);
        for (const day of ["2026-11-03", "2026-11-07", "2026-11-12"])
          expect(books.valuation({ date: day }).differenceFen).toBe(0);
        db.close();
      }),
      { numRuns: Number(process.env.INVENTORY_MODEL_RUNS ?? 12) },
    );
  });
});

describe("the close checklist's counts step", () => {
  test("unpostedCounts posts what waits and lists the month's counts not in a voucher; [] once posted", () => {
    const { db, books } = setup();
    seedMaster(db, ["S1"], "2026-11-01T00:00:00.000Z");
    const ledger = db.prepare(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES ('S1', 'A001', ?, 'count_adjustment', ?, NULL, ?)",
    );
    db.prepare(
      "INSERT INTO receivings (store_id, receiving_id, supplier_id, confirmed_by, lines_json, confirmed_at) VALUES ('S1', 'R1', 'SUP1', 'c', '[]', '2026-11-02T08:00:00+08:00')",
    ).run();
    db.prepare(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES ('S1', 'A001', 10, 'receipt', 'R1', NULL, '2026-11-02T08:00:00+08:00')",
    ).run();
    ledger.run(2, "CNT-9", "2026-11-09T22:00:00+08:00");
    expect(books.unpostedCounts("2026-11")).toEqual([]);
    expect(balance(db, "1901")).toBe(-700); // 2 x 3.50 gained
    expect(books.unpostedMovements()).toBe(0);
    // A batch that cannot post: the step names why.
    db.prepare("UPDATE ledger_accounts SET active = 0 WHERE code = '1405'").run();
    ledger.run(-1, "CNT-10", "2026-11-10T22:00:00+08:00");
    const left = books.unpostedCounts("2026-11");
    expect(left).toHaveLength(1);
    expect(left[0]).toContain("1405");
  });

  test("countsOfPeriod: the month's counts from stock_counts with their lines costed and posted; one not costed is named", () => {
    const { db, books } = setup();
    seedMaster(db, ["S1"], "2026-11-01T00:00:00.000Z");
    const count = db.prepare(
      "INSERT INTO stock_counts (store_id, count_id, counted_by, lines_json, counted_at) VALUES ('S1', ?, 'c', ?, ?)",
    );
    const ledger = db.prepare(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES ('S1', ?, ?, 'count_adjustment', ?, NULL, ?)",
    );
    const lines = JSON.stringify([
      { sku: "A001", counted: 3, expected: 5 },
      { sku: "B001", counted: 4, expected: 4 },
      { sku: "B002", counted: 2, expected: 1 },
    ]);
    count.run("CNT-1", lines, "2026-11-09T22:00:00+08:00");
    ledger.run("A001", -2, "CNT-1", "2026-11-09T22:00:00+08:00");
    ledger.run("B002", 1, "CNT-1", "2026-11-09T22:00:00+08:00");
    count.run("CNT-OCT", lines, "2026-10-31T22:00:00+08:00"); // another month: not this one's
    expect(books.countsOfPeriod("2026-11")).toEqual({ counts: 1, left: [] });
    // A count whose ledger lines are missing (2 of its lines differ, none costed).
    count.run("CNT-2", lines, "2026-11-20T22:00:00+08:00");
    expect(books.countsOfPeriod("2026-11")).toEqual({
      counts: 2,
      left: ["S1 count CNT-2: 2 of 2 line(s) not costed"],
    });
  });
});
