// The daily totals the triggers keep against the documents they sum: random interleavings of
// sales, returns, their cost movements, replays and conflict reversals (testing/sales-documents.ts). After every run the triggers' totals
// equal a rebuild from the documents (the same grouped sums the reports read before), to the fen.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { applyDocuments, clearDocuments, DAYS, documentOps } from "../testing/sales-documents.ts";
import { createDayTotals, rebuildDayTotals } from "./day-totals.ts";

setDefaultTimeout(120_000);

const dirs: { remove: () => void }[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

const snapshot = (db: Sqlite) => {
  const t = createDayTotals(db);
  const all = { region: undefined };
  const [from, to] = [DAYS[0]!, DAYS[1]!];
  const byKey = <R extends object>(rows: R[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    sales: byKey(t.sales(all, from, to)),
    returns: byKey(t.returns(all, from, to)),
    margin: byKey(t.margin(all, from, to)),
    marginByStore: byKey(t.marginByStore(all, from, to)),
    tenders: byKey(t.tenders(all, from, to)),
  };
};

test("the triggers' daily totals equal the documents' sums after any interleaving of writes and reversals", () => {
  const dir = tempDir();
  dirs.push(dir);
  const db = openDatabase({ dataDir: dir.path });
  migrate(db);
  fc.assert(
    fc.property(documentOps(), (list) => {
      clearDocuments(db);
      applyDocuments(db, list);
      const kept = snapshot(db);
      rebuildDayTotals(db);
      expect(kept).toEqual(snapshot(db));
    }),
    { numRuns: 100 },
  );
  db.close();
});
