// The margin report by store and region reads the daily totals' per-store sums (a roll-up the
// triggers keep); by category, SKU and promotion it sums the documents. Over random
// interleavings of sales, returns, their cost movements (before or after the document),
// replayed documents and conflict reversals (testing/sales-documents.ts), the roll-up's answer
// equals the full computation from the documents, to the fen, for the chain, a region and a
// store and for ranges of one or both days.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import {
  applyDocuments,
  clearDocuments,
  DAYS,
  documentOps,
  documentsDatabase,
  STORES,
} from "../testing/sales-documents.ts";
import { createMarginReports } from "./margin-report.ts";

setDefaultTimeout(120_000);

const dirs: { remove: () => void }[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

test("margin by store and region from the roll-up equals the documents' sums after any interleaving", () => {
  const { db, remove } = documentsDatabase();
  dirs.push({ remove });
  const margin = createMarginReports({ db, catchUpCost: () => {} });
  const ranges = [
    { from: DAYS[0]!, to: DAYS[1]! },
    { from: DAYS[1]!, to: DAYS[1]! },
  ];
  const scopes = [{}, { region: "west" }, { store: STORES[0]! }];
  let nonEmpty = 0;
  fc.assert(
    fc.property(documentOps({ minLines: 1 }), (list) => {
      clearDocuments(db);
      applyDocuments(db, list);
      for (const by of ["store", "region"] as const)
        for (const range of ranges)
          for (const scope of scopes) {
            const q = { ...range, by };
            const rolled = margin.margin(q, scope);
            expect(rolled).toEqual(margin.margin(q, scope, { fromDocuments: true }));
            if (rolled.rows.length > 0) nonEmpty++;
          }
    }),
    { numRuns: 100 },
  );
  // The generator must reach the interesting case, not only empty reports.
  expect(nonEmpty).toBeGreaterThan(50);
});
