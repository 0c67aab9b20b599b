// The peer of the ingest bench rows (issue 15): the same rows ingest writes for each sale,
// inserted raw through the same driver (libsql, a migrated hub database with the hub's pragmas:
// WAL, synchronous=FULL) in the same batches (ingest's messages per commit) and one
// transaction per batch. What it leaves out is what ingest adds: decoding, validation, the
// content hash, the dedupe decision, the price audit, the broker and the acks (the envelopes
// are built before the clock starts; turning them into rows is timed).
import { randomUUID } from "node:crypto";
import { migrate, openDatabase } from "./db/open.ts";
import { SALE_LINES, SALES, saleLineRows, saleRow, saleTenderRows, TENDERS } from "./ingest/sale-rows.ts";
import { saleEvent, tempDir } from "./test-kit.ts";

type Sale = ReturnType<typeof saleEvent>;

/**
 * Sales per second of the raw inserts: `stores` x `messagesPerStore` messages of
 * `salesPerMessage` sales, committed `perCommit` messages at a time, `rounds` rounds (median).
 */
export function rawRowsRate(opts: {
  stores: number;
  messagesPerStore: number;
  salesPerMessage: number;
  perCommit: number;
  rounds: number;
  catalogVersion: number;
}): number[] {
  const dir = tempDir("hq-bench-raw-");
  const db = openDatabase({ dataDir: dir.path });
  try {
    migrate(db);
    // Every table's rows of a batch gathered and written 128 rows per statement, as ingest
    // writes its append-only rows (ingest/rows.ts): the fastest plain way through this driver.
    const tables = {
      inbox: "INSERT INTO inbox (event_id, store_id, seq, type, content_hash, occurred_at, received_at)",
      sale: SALES,
      line: SALE_LINES,
      tender: TENDERS,
      ledger: "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at)",
    };
    const LEVEL = "INSERT INTO stock_levels (store_id, sku, on_hand)";
    const LEVEL_TAIL = "ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand";
    const HEAD = "INSERT INTO store_seq (store_id, up_to_seq)";
    const HEAD_TAIL = "ON CONFLICT (store_id) DO UPDATE SET up_to_seq = MAX(up_to_seq, excluded.up_to_seq)";
    const prepared = new Map<string, ReturnType<typeof db.prepare<unknown[]>>>();
    function insert(head: string, rows: unknown[][], tail = "") {
      for (let i = 0; i < rows.length; i += 128) {
        const chunk = rows.slice(i, i + 128);
        const key = `${head}|${chunk.length}`;
        let st = prepared.get(key);
        if (!st) {
          const one = `(${Array(chunk[0]!.length).fill("?").join(",")})`;
          st = db.prepare(`${head} VALUES ${Array(chunk.length).fill(one).join(",")} ${tail}`);
          prepared.set(key, st);
        }
        st.run(chunk.flat());
      }
    }
    const at = new Date().toISOString();
    function rowsOf(s: Sale, out: Record<keyof typeof tables, unknown[][]>, levels: Map<string, unknown[]>) {
      const p = s.payload;
      out.inbox.push([s.id, s.storeId, s.seq, s.type, randomUUID(), s.occurredAt, at]);
      out.sale.push(saleRow(s));
      out.line.push(...saleLineRows(s));
      out.tender.push(...saleTenderRows(s));
      for (const l of p.lines) {
        out.ledger.push([s.storeId, l.sku, -l.qty, "sale", p.saleId, s.id, p.completedAt]);
        const k = `${s.storeId}|${l.sku}`;
        const lv = levels.get(k);
        if (lv) (lv[2] as number) -= l.qty;
        else levels.set(k, [s.storeId, l.sku, -l.qty]);
      }
    }
    const rates: number[] = [];
    let seq = 1;
    for (let r = 0; r < opts.rounds; r++) {
      // The messages in the order the stores' clients interleave them, built before timing.
      const messages: Sale[][] = [];
      for (let m = 0; m < opts.messagesPerStore; m++)
        for (let i = 0; i < opts.stores; i++)
          messages.push(
            Array.from({ length: opts.salesPerMessage }, (_, k) =>
              saleEvent(`R${String(i).padStart(4, "0")}`, seq + m * opts.salesPerMessage + k, {
                lines: 5,
                catalogVersion: opts.catalogVersion,
              }),
            ),
          );
      seq += opts.messagesPerStore * opts.salesPerMessage;
      const group = db.transaction((batch: Sale[][]) => {
        const out = { inbox: [], sale: [], line: [], tender: [], ledger: [] } as Record<
          keyof typeof tables,
          unknown[][]
        >;
        const levels = new Map<string, unknown[]>();
        const heads = new Map<string, number>();
        for (const msg of batch)
          for (const s of msg) {
            rowsOf(s, out, levels);
            heads.set(s.storeId, s.seq);
          }
        for (const t of Object.keys(tables) as (keyof typeof tables)[]) insert(tables[t], out[t]);
        insert(LEVEL, [...levels.values()], LEVEL_TAIL);
        insert(
          HEAD,
          [...heads].map(([storeId, upTo]) => [storeId, upTo]),
          HEAD_TAIL,
        );
      });
      const t0 = performance.now();
      for (let i = 0; i < messages.length; i += opts.perCommit) group(messages.slice(i, i + opts.perCommit));
      const sales = messages.length * opts.salesPerMessage;
      rates.push((sales * 1000) / (performance.now() - t0));
    }
    return rates;
  } finally {
    db.close();
    dir.remove();
  }
}
