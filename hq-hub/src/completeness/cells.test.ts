// The completeness grid from kept verdicts (completeness_cells, deleted by triggers when a
// store-day's receipts or digest change) against the grid compared receipt by receipt, over
// random interleavings of sales and returns with their tenders and inbox seqs, replays and
// conflict reversals (testing/sales-documents.ts), digests (exact, missing a receipt, with one
// HQ lacks, a wrong total, unlisted; replaced by a newer one), HQ's seq catching up (pending vs
// incomplete), and grid reads and the hub's warming tick in between, which keep cells that later
// writes must invalidate. After every step both grids are equal for the chain, a region and a
// store and for one or both days.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { packReceipts, receiptsHash, type StoreDayDigest } from "@retail/protocol";
import fc from "fast-check";
import type { Sqlite } from "../db/open.ts";
import {
  applyDocuments,
  clearDocuments,
  DAYS,
  documentOps,
  documentsDatabase,
  nextSeq,
  type Op,
  STORES,
} from "../testing/sales-documents.ts";
import { createCompleteness } from "./completeness.ts";

setDefaultTimeout(180_000);

const dirs: { remove: () => void }[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

type Step =
  | { step: "documents"; ops: Op[] }
  | { step: "digest"; store: number; day: number; flaw: number; final: boolean; lastSeqOffset: number }
  | { step: "upTo"; store: number; upTo: number }
  | { step: "read"; store: number | null }
  | { step: "warm"; limit: number };

const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    fc.record({ step: fc.constant("documents" as const), ops: documentOps({ minLines: 1 }) }),
    fc.record({
      step: fc.constant("digest" as const),
      store: fc.integer({ min: 0, max: 1 }),
      day: fc.integer({ min: 0, max: 1 }),
      flaw: fc.integer({ min: 0, max: 5 }),
      final: fc.boolean(),
      lastSeqOffset: fc.integer({ min: -2, max: 2 }),
    }),
    fc.record({
      step: fc.constant("upTo" as const),
      store: fc.integer({ min: 0, max: 1 }),
      upTo: fc.integer({ min: 0, max: 60 }),
    }),
    fc.record({ step: fc.constant("read" as const), store: fc.constantFrom(null, 0, 1) }),
    fc.record({ step: fc.constant("warm" as const), limit: fc.integer({ min: 1, max: 4 }) }),
  ),
  { maxLength: 12 },
);

/** The store's digest of a day from what HQ holds, with one flaw or none. */
function writeDigest(db: Sqlite, s: Extract<Step, { step: "digest" }>) {
  const store = STORES[s.store]!;
  const day = DAYS[s.day]!;
  const sales = db
    .prepare(
      "SELECT s.receipt_no AS no, s.net_fen AS net, s.tax_fen AS tax, i.seq AS seq FROM sales s LEFT JOIN inbox i ON i.event_id = s.event_id WHERE s.store_id = ? AND s.business_day = ?",
    )
    .all(store, day) as { no: string; net: number; tax: number; seq: number }[];
  const returns = db
    .prepare(
      "SELECT r.receipt_no AS no, r.refund_fen AS refund, i.seq AS seq FROM returns r LEFT JOIN inbox i ON i.event_id = r.event_id WHERE r.store_id = ? AND r.business_day = ?",
    )
    .all(store, day) as { no: string; refund: number; seq: number }[];
  const tenders = db
    .prepare(
      "SELECT t.doc_kind AS docKind, t.kind AS kind, TOTAL(t.amount_fen) AS amount FROM tenders t LEFT JOIN sales s ON t.doc_kind = 'sale' AND s.store_id = t.store_id AND s.sale_id = t.doc_id LEFT JOIN returns r ON t.doc_kind = 'return' AND r.store_id = t.store_id AND r.return_id = t.doc_id WHERE t.store_id = ? AND COALESCE(s.business_day, r.business_day) = ? GROUP BY 1, 2",
    )
    .all(store, day) as { docKind: string; kind: string; amount: number }[];
  let receipts = [...sales.map((x) => x.no), ...returns.map((x) => x.no)];
  if (s.flaw === 1 && receipts.length > 0) receipts = receipts.slice(1);
  if (s.flaw === 2) receipts = [...receipts, "R-X9"];
  const seqs = [...sales, ...returns].map((x) => x.seq);
  const lastSeq = Math.max(0, ...seqs) + s.lastSeqOffset;
  const digest: StoreDayDigest = {
    businessDay: day,
    final: s.final,
    asOf: "2026-11-03T00:00:00.000+08:00",
    sales: {
      count: sales.length,
      net: sales.reduce((n, x) => n + x.net, 0) + (s.flaw === 3 ? 1 : 0),
      tax: sales.reduce((n, x) => n + x.tax, 0),
    },
    returns: { count: returns.length, refund: returns.reduce((n, x) => n + x.refund, 0) },
    salesByTender: Object.fromEntries(
      tenders.filter((t) => t.docKind === "sale").map((t) => [t.kind, t.amount]),
    ),
    returnsByTender: Object.fromEntries(
      tenders.filter((t) => t.docKind === "return").map((t) => [t.kind, t.amount]),
    ),
    ...(lastSeq > 0 ? { firstSeq: 1, lastSeq } : {}),
    receiptCount: receipts.length,
    receiptsHash: receiptsHash(receipts),
    ...(s.flaw === 4 ? {} : { receipts: packReceipts(receipts) }),
  };
  const eventId = `d-${store}-${day}-${Math.random()}`;
  db.transaction(() => {
    const seq = nextSeq(db, store, eventId, "day.digest");
    // The highest seq per store-day wins (ingest/ledger.ts).
    db.prepare(
      "INSERT INTO day_digests (store_id, business_day, seq, event_id, final, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, 't') ON CONFLICT (store_id, business_day) DO UPDATE SET seq = excluded.seq, event_id = excluded.event_id, final = excluded.final, payload = excluded.payload, received_at = excluded.received_at WHERE excluded.seq > day_digests.seq",
    ).run(store, day, seq, eventId, s.final ? 1 : 0, JSON.stringify(digest));
  })();
}

test("the grid from kept verdicts equals the grid compared receipt by receipt after any interleaving", () => {
  const { db, remove } = documentsDatabase();
  dirs.push({ remove });
  const completeness = createCompleteness({ db, now: () => new Date("2026-11-03T04:00:00Z") });
  const ranges = [
    { from: DAYS[0]!, to: DAYS[1]! },
    { from: DAYS[1]!, to: DAYS[1]! },
  ];
  const scopes = [{}, { region: "west" }, { store: STORES[0]! }];
  const statuses = new Set<string>();
  const compare = () => {
    for (const range of ranges)
      for (const scope of scopes) {
        const kept = completeness.grid(range, scope);
        expect(kept).toEqual(completeness.gridFromDocuments(range, scope));
        for (const c of kept.cells) statuses.add(c.status);
      }
  };
  fc.assert(
    fc.property(steps, (list) => {
      clearDocuments(db);
      db.exec("DELETE FROM day_digests; DELETE FROM completeness_cells; DELETE FROM store_seq");
      for (const s of list) {
        if (s.step === "documents") applyDocuments(db, s.ops);
        else if (s.step === "digest") writeDigest(db, s);
        else if (s.step === "upTo")
          db.prepare(
            "INSERT INTO store_seq (store_id, up_to_seq) VALUES (?, ?) ON CONFLICT (store_id) DO UPDATE SET up_to_seq = excluded.up_to_seq",
          ).run(STORES[s.store], s.upTo);
        else if (s.step === "warm") completeness.warm(s.limit);
        else completeness.grid(ranges[0]!, s.store === null ? {} : { store: STORES[s.store]! });
        compare();
      }
    }),
    { numRuns: 60 },
  );
  // Every verdict was reached, not only empty grids.
  expect([...statuses].sort()).toEqual(["complete", "incomplete", "no_digest", "pending"]);
});
