// Random interleavings of the writes the hub's roll-ups follow, for the property tests that
// compare a roll-up with the documents it sums (reports/day-totals.test.ts,
// reports/margin-rollup.test.ts): sales with lines and tenders (lines and tenders after their
// sale, as ingest writes them), returns, cost movements for sales and returns (before or after
// the document: the cost catch-up runs later, a re-applied sale finds its old cost), replays of
// a document already held (ingest's guard keeps the first) and conflict reversals deleting a
// document in reverse.ts's order (lines, tenders, then the document). Raw SQL: the documents'
// own tables, written as ingest and the reversal write them.
import fc from "fast-check";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";

export const STORES = ["S1", "S2"];
export const DAYS = ["2026-11-01", "2026-11-02"];
export const SKUS = ["A", "B", "C"];
const KINDS = ["cash", "wechat"];

/** A line: net (or refund) fen, its tax, the SKU (index into SKUS) and its quantity. */
type Line = [number, number, number, number];
export type Op =
  | {
      op: "sale";
      store: number;
      day: number;
      doc: number;
      lines: Line[];
      tenders: [number, number][];
    }
  | {
      op: "return";
      store: number;
      day: number;
      doc: number;
      lines: Line[];
      tenders: [number, number][];
    }
  | { op: "cost"; kind: "sale" | "return"; store: number; doc: number; sku: number; value: number }
  | { op: "reverse"; kind: "sale" | "return"; store: number; doc: number };

const money = fc.integer({ min: 0, max: 100_000 });

/** `minLines` 1: every document has a line (as the protocol's sale and return messages require). */
export function documentOps(opts: { minLines?: number } = {}): fc.Arbitrary<Op[]> {
  const line = fc.tuple(
    money,
    fc.integer({ min: 0, max: 2_000 }),
    fc.integer({ min: 0, max: SKUS.length - 1 }),
    fc.integer({ min: 1, max: 5_000 }),
  );
  const tender = fc.tuple(fc.integer({ min: 0, max: 1 }), money);
  const doc = {
    store: fc.integer({ min: 0, max: 1 }),
    day: fc.integer({ min: 0, max: 1 }),
    doc: fc.integer({ min: 0, max: 5 }),
    lines: fc.array(line, { minLength: opts.minLines ?? 0, maxLength: 3 }),
    tenders: fc.array(tender, { maxLength: 2 }),
  };
  return fc.array(
    fc.oneof(
      fc.record({ op: fc.constant("sale" as const), ...doc }),
      fc.record({ op: fc.constant("return" as const), ...doc }),
      fc.record({
        op: fc.constant("cost" as const),
        kind: fc.constantFrom("sale" as const, "return" as const),
        store: fc.integer({ min: 0, max: 1 }),
        doc: fc.integer({ min: 0, max: 5 }),
        sku: fc.integer({ min: 0, max: SKUS.length - 1 }),
        value: fc.integer({ min: -50_000, max: 50_000 }),
      }),
      fc.record({
        op: fc.constant("reverse" as const),
        kind: fc.constantFrom("sale" as const, "return" as const),
        store: fc.integer({ min: 0, max: 1 }),
        doc: fc.integer({ min: 0, max: 5 }),
      }),
    ),
    { maxLength: 40 },
  );
}

/** A migrated database on temp files holding the two stores (S1 in region east, S2 in west). */
export function documentsDatabase(): { db: Sqlite; remove: () => void } {
  const dir = tempDir();
  const db = openDatabase({ dataDir: dir.path });
  migrate(db);
  const insertStore = db.prepare(
    "INSERT INTO stores (id, name, region, created_at) VALUES (?, ?, ?, '2026-11-01T00:00:00Z')",
  );
  insertStore.run(STORES[0], "徐汇店", "east");
  insertStore.run(STORES[1], "成都店", "west");
  return {
    db,
    remove: () => {
      db.close();
      dir.remove();
    },
  };
}

/** Empties the documents and the roll-ups the triggers keep from them. */
export function clearDocuments(db: Sqlite) {
  for (const t of ["sales", "sale_lines", "returns", "return_lines", "tenders", "cost_movements", "inbox"])
    db.exec(`DELETE FROM ${t}`);
  db.exec("DELETE FROM store_day_totals; DELETE FROM store_day_tenders");
}

/**
 * The store's next seq, its inbox row written (as ingest writes one per event, in the document's
 * transaction): the seq a document or a digest arrived with.
 */
export function nextSeq(db: Sqlite, store: string, eventId: string, type: string): number {
  const seq = (
    db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM inbox WHERE store_id = ?").get(store) as {
      n: number;
    }
  ).n;
  db.prepare(
    "INSERT INTO inbox (event_id, store_id, seq, type, content_hash, occurred_at, received_at) VALUES (?, ?, ?, ?, 'h', 't', 't')",
  ).run(eventId, store, seq, type);
  return seq;
}

export function applyDocuments(db: Sqlite, ops: Op[]) {
  let ledgerId = 0;
  const exists = (table: string, key: string, store: string, id: string) =>
    db.prepare(`SELECT 1 FROM ${table} WHERE store_id = ? AND ${key} = ?`).get(store, id) !== undefined;
  for (const o of ops) {
    const store = STORES[o.store]!;
    db.transaction(() => {
      if (o.op === "sale") {
        const id = `s${o.doc}`;
        if (exists("sales", "sale_id", store, id)) return; // one document per id (ingest's guard)
        const net = o.lines.reduce((s, l) => s + l[0], 0);
        const eventId = `e-${store}-${id}-${Math.random()}`;
        nextSeq(db, store, eventId, "sale.completed");
        db.prepare(
          "INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day, catalog_version, gross_fen, discount_fen, net_fen, tax_fen, completed_at) VALUES (?, ?, ?, ?, 'L1', 'c', 'sh', ?, 1, ?, 7, ?, ?, 't')",
        ).run(store, id, eventId, `R-${id}`, DAYS[o.day], net + 7, net, Math.floor(net / 10));
        for (const [i, [n, tax, sku, qty]] of o.lines.entries())
          db.prepare(
            "INSERT INTO sale_lines (store_id, sale_id, line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate, gross_fen, discount_fen, net_fen, tax_fen) VALUES (?, ?, ?, ?, ?, 0, ?, 1, 13, ?, 0, ?, ?)",
          ).run(store, id, `l${i}`, SKUS[sku]!, qty, n, n, n, tax);
        for (const [i, [k, a]] of o.tenders.entries())
          db.prepare(
            "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen) VALUES (?, ?, 'sale', ?, ?, ?)",
          ).run(store, id, i, KINDS[k], a);
      } else if (o.op === "return") {
        const id = `r${o.doc}`;
        if (exists("returns", "return_id", store, id)) return;
        const refund = o.lines.reduce((s, l) => s + l[0], 0);
        const eventId = `e-${store}-${id}-${Math.random()}`;
        nextSeq(db, store, eventId, "sale.returned");
        db.prepare(
          "INSERT INTO returns (store_id, return_id, event_id, receipt_no, reason, cashier_id, business_day, refund_fen, tax_fen, returned_at) VALUES (?, ?, ?, ?, 'x', 'c', ?, ?, 0, 't')",
        ).run(store, id, eventId, `R-${id}`, DAYS[o.day], refund);
        for (const [i, [n, tax, sku, qty]] of o.lines.entries())
          db.prepare(
            "INSERT INTO return_lines (store_id, return_id, line_id, sku, qty, refund_fen, tax_fen, restock) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
          ).run(store, id, `l${i}`, SKUS[sku]!, qty, n, tax);
        for (const [i, [k, a]] of o.tenders.entries())
          db.prepare(
            "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen) VALUES (?, ?, 'return', ?, ?, ?)",
          ).run(store, id, i, KINDS[k], a);
      } else if (o.op === "cost") {
        db.prepare(
          "INSERT INTO cost_movements (ledger_id, store_id, sku, kind, ref, qty, value_fen, correction_fen, cost_source, at) VALUES (?, ?, ?, ?, ?, -1, ?, 0, 'average', 't')",
        ).run(
          ++ledgerId + 1_000_000 * Math.floor(Math.random() * 1000),
          store,
          SKUS[o.sku]!,
          o.kind,
          `${o.kind === "sale" ? "s" : "r"}${o.doc}`,
          o.value,
        );
      } else {
        const [table, lines, key, prefix] =
          o.kind === "sale"
            ? ["sales", "sale_lines", "sale_id", "s"]
            : ["returns", "return_lines", "return_id", "r"];
        const id = `${prefix}${o.doc}`;
        db.prepare(`DELETE FROM ${lines} WHERE store_id = ? AND ${key} = ?`).run(store, id);
        db.prepare("DELETE FROM tenders WHERE store_id = ? AND doc_kind = ? AND doc_id = ?").run(
          store,
          o.kind,
          id,
        );
        db.prepare(`DELETE FROM ${table} WHERE store_id = ? AND ${key} = ?`).run(store, id);
      }
    })();
  }
}
