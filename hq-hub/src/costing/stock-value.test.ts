// The stock valuation from the running totals (stock-value.ts: totals per store and SKU kept by
// a trigger, less the movements after the day) against the full sum of the ledger it replaced,
// over random cost ledgers: movements of any kind arriving out of time order (a store's late
// sales), corrections, SKUs without a product row, categories changed between reads, a movement
// sent twice (the ledger id is the stock ledger's: the second insert fails and counts nothing),
// for every day around the movements and for one store or the chain.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { migrate, openDatabase } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { createStockValue } from "./stock-value.ts";

setDefaultTimeout(120_000);

const dirs: { remove: () => void }[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

const STORES = ["S1", "S2"];
const SKUS = ["A", "B", "C", "D"]; // D has no product row
const DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"];
const CATEGORIES = ["10", "20", "30"];

const movement = fc.record({
  store: fc.integer({ min: 0, max: 1 }),
  sku: fc.integer({ min: 0, max: SKUS.length - 1 }),
  kind: fc.constantFrom("receipt", "sale", "return", "transfer_out", "adjust"),
  day: fc.integer({ min: 0, max: DAYS.length - 1 }),
  /** Late in the day or early: both sides of the day's end (UTC) are read. */
  hour: fc.constantFrom("00:00:00.000", "12:30:00.000", "23:59:59.999"),
  qty: fc.integer({ min: -50, max: 50 }),
  value: fc.integer({ min: -100_000, max: 100_000 }),
  correction: fc.integer({ min: -500, max: 500 }),
  /** Sent again after it was written (a replayed stock ledger row). */
  replay: fc.boolean(),
});

test("valuation from the running totals equals the ledger's full sum for every day, store and category change", () => {
  const dir = tempDir();
  dirs.push(dir);
  const db = openDatabase({ dataDir: dir.path });
  migrate(db);
  const stockValue = createStockValue(db);
  const setCategory = db.prepare(
    "INSERT INTO products (sku, name, category, unit, tax_rate, weighed, status, data_json) VALUES (?, ?, ?, 'EA', 13, 0, 'active', '{}') ON CONFLICT (sku) DO UPDATE SET category = excluded.category",
  );
  const insert = db.prepare(
    "INSERT INTO cost_movements (ledger_id, store_id, sku, kind, ref, qty, value_fen, correction_fen, cost_source, at) VALUES (?, ?, ?, ?, 'ref', ?, ?, ?, 'average', ?)",
  );
  let nonEmpty = 0;
  fc.assert(
    fc.property(
      fc.array(movement, { maxLength: 40 }),
      fc.array(fc.constantFrom(...CATEGORIES), { minLength: 3, maxLength: 3 }),
      fc.array(fc.constantFrom(...CATEGORIES), { minLength: 3, maxLength: 3 }),
      (moves, cats, laterCats) => {
        db.exec("DELETE FROM cost_movements; DELETE FROM stock_value_totals; DELETE FROM products");
        const compare = () => {
          for (const date of ["2026-10-31", ...DAYS])
            for (const store of [undefined, "S1"]) {
              const q = { date, ...(store ? { store } : {}) };
              const rolled = stockValue.valuation(q);
              expect(rolled).toEqual(stockValue.fromLedger(q));
              if (rolled.length > 0) nonEmpty++;
            }
        };
        for (const [i, c] of cats.entries()) setCategory.run(SKUS[i]!, SKUS[i]!, c);
        for (const [i, m] of moves.entries()) {
          const row = [
            i + 1,
            STORES[m.store]!,
            SKUS[m.sku]!,
            m.kind,
            m.qty,
            m.value,
            m.correction,
            `${DAYS[m.day]}T${m.hour}Z`,
          ];
          db.transaction(() => insert.run(...row))();
          if (m.replay) expect(() => db.transaction(() => insert.run(...row))()).toThrow();
        }
        compare();
        for (const [i, c] of laterCats.entries()) setCategory.run(SKUS[i]!, SKUS[i]!, c);
        compare();
      },
    ),
    { numRuns: 100 },
  );
  expect(nonEmpty).toBeGreaterThan(200);
  db.close();
});
