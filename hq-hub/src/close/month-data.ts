// A generated month for the month-end bench (month.bench.ts), bulk-loaded straight into a hub
// database: what ingest would have written for every store's receipts of goods, sales (3 lines,
// tenders cash / WeChat Pay / Alipay), one restocked return a day, the day digests, a month-end
// count; plus the batch-built look-ups (deferred-index.ts) caught up as the hub would. Raw SQL:
// a bulk load (prepared multi-row inserts in one transaction per table batch, synchronous OFF),
// the way a migration tool would, not ingest's path (its rate is hub.bench.ts's figure).
import { packReceipts, receiptsHash } from "@retail/protocol";
import {
  createDeferredIndex,
  SALE_LINES_BY_SALE,
  STOCK_LEDGER_BY_SKU,
  TENDERS_BY_DOC,
} from "../db/deferred-index.ts";
import type { Sqlite } from "../db/open.ts";
import { rebuildDayTotals } from "../reports/day-totals.ts";

export interface MonthShape {
  stores: number;
  /** Sales per store per day. */
  salesPerDay: number;
  skus: number;
  period: string;
  days: number;
}

export interface WalletTender {
  kind: "wechat" | "alipay";
  day: string;
  reference: string;
  amountFen: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const LINES = 3;
const taxOf = (net: number) => Math.floor((net * 13) / 113 + 0.5);

/** Inserts rows of `cols` columns through one prepared statement of `per` rows at a time. */
function bulk(db: Sqlite, head: string, cols: number) {
  const per = Math.floor(900 / cols);
  const one = `(${Array(cols).fill("?").join(",")})`;
  const many = db.prepare(`${head} VALUES ${Array(per).fill(one).join(",")}`);
  const single = db.prepare(`${head} VALUES ${one}`);
  let buf: unknown[] = [];
  let n = 0;
  return {
    add(...row: unknown[]) {
      buf.push(...row);
      if (++n === per) {
        many.run(...buf);
        buf = [];
        n = 0;
      }
    },
    flush() {
      for (let i = 0; i < n; i++) single.run(...buf.slice(i * cols, (i + 1) * cols));
      buf = [];
      n = 0;
    },
  };
}

/** Loads the month; returns the wallet tenders (for the settlement files) and row counts. */
export function loadMonth(db: Sqlite, shape: MonthShape) {
  const { period } = shape;
  const at = `${period}-01T00:00:00.000Z`;
  db.exec("PRAGMA synchronous = OFF");
  const wallet: WalletTender[] = [];
  const counts = { sales: 0, saleLines: 0, returns: 0, tenders: 0, ledger: 0, digests: 0 };
  const skuOf = (i: number) => `SKU${pad(i % shape.skus, 5)}`;
  const priceOf = (i: number) => 300 + ((i % shape.skus) % 37) * 50;
  const costOf = (i: number) => Math.floor((priceOf(i) * 62) / 100);
  db.transaction(() => {
    const prod = bulk(
      db,
      "INSERT INTO products (sku, name, category, unit, tax_rate, weighed, status, data_json)",
      8,
    );
    const price = bulk(
      db,
      "INSERT INTO supplier_prices (supplier_id, sku, effective_from, cost_fen, tax_rate, created_by, created_at)",
      7,
    );
    for (let i = 0; i < shape.skus; i++) {
      const cat = `${10 + (i % 10)}`;
      const data = {
        sku: skuOf(i),
        name: `商品 ${i}`,
        category: [cat, `${cat}01`],
        unit: "EA",
        taxRate: 13,
        weighed: false,
        status: "active",
      };
      prod.add(skuOf(i), data.name, `${cat}/${cat}01`, "EA", 13, 0, "active", JSON.stringify(data));
      price.add("SUP1", skuOf(i), "2026-01-01", costOf(i), 13, "bench", at);
    }
    prod.flush();
    price.flush();
    db.prepare(
      "INSERT INTO suppliers (id, name, lead_time_days, min_order_qty, pack_size, created_at) VALUES ('SUP1', '供应商', 2, 1, 1, ?)",
    ).run(at);
    const store = bulk(
      db,
      "INSERT INTO stores (id, name, region, enrollment_state, created_at, enrolled_at)",
      6,
    );
    for (let s = 0; s < shape.stores; s++)
      store.add(`S${pad(s, 4)}`, `门店 ${s}`, ["east", "north", "south", "west"][s % 4], "enrolled", at, at);
    store.flush();
  })();

  const ids = { ledger: 0, tender: 0 };
  for (let s = 0; s < shape.stores; s++) {
    const storeId = `S${pad(s, 4)}`;
    let seq = 0;
    // One store per transaction: ~3,000 sales and their rows.
    db.transaction(() => {
      const sale = bulk(
        db,
        "INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day, catalog_version, member_id, gross_fen, discount_fen, net_fen, tax_fen, completed_at)",
        15,
      );
      const line = bulk(
        db,
        "INSERT INTO sale_lines (store_id, sale_id, line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate, gross_fen, discount_fen, net_fen, tax_fen)",
        13,
      );
      const tender = bulk(
        db,
        "INSERT INTO tenders (id, store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference)",
        10,
      );
      const ledger = bulk(
        db,
        "INSERT INTO stock_ledger (id, store_id, sku, qty_delta, kind, ref, event_id, at)",
        8,
      );
      const inbox = bulk(
        db,
        "INSERT INTO inbox (event_id, store_id, seq, type, content_hash, occurred_at, received_at)",
        7,
      );
      const ret = bulk(
        db,
        "INSERT INTO returns (store_id, return_id, event_id, receipt_no, original_sale_id, original_store_id, reason, cashier_id, supervisor_id, business_day, refund_fen, tax_fen, returned_at)",
        13,
      );
      const retLine = bulk(
        db,
        "INSERT INTO return_lines (store_id, return_id, line_id, sku, qty, refund_fen, tax_fen, restock)",
        8,
      );
      const digest = bulk(
        db,
        "INSERT INTO day_digests (store_id, business_day, seq, event_id, final, payload, received_at)",
        7,
      );
      const event = (id: string, type: string, when: string) =>
        inbox.add(id, storeId, ++seq, type, id, when, when);
      // Goods in on the 1st and the 15th: every SKU, at the supplier's list price.
      for (const d of [1, 15]) {
        const day = `${period}-${pad(d, 2)}`;
        const rid = `RC-${storeId}-${d}`;
        const when = `${day}T07:00:00.000+08:00`;
        const lines = Array.from({ length: shape.skus }, (_, i) => ({
          sku: skuOf(i),
          qty: 40 * shape.salesPerDay,
        }));
        db.prepare(
          "INSERT INTO receivings (store_id, receiving_id, purchase_order_id, supplier_id, confirmed_by, lines_json, confirmed_at) VALUES (?, ?, NULL, 'SUP1', '1001', ?, ?)",
        ).run(storeId, rid, JSON.stringify(lines), when);
        event(`ev-${rid}`, "receiving.confirmed", when);
        for (const l of lines)
          ledger.add(++ids.ledger, storeId, l.sku, l.qty, "receipt", rid, `ev-${rid}`, when);
      }
      for (let d = 1; d <= shape.days; d++) {
        const day = `${period}-${pad(d, 2)}`;
        const receipts: string[] = [];
        const sum = { net: 0, tax: 0, byTender: {} as Record<string, number>, first: 0, last: 0 };
        let firstSale = "";
        let firstSku = "";
        let firstLine = { net: 0, tax: 0 };
        for (let k = 0; k < shape.salesPerDay; k++) {
          const saleId = `${storeId}-${day}-${pad(k, 5)}`;
          const receiptNo = `R${storeId}${day.replaceAll("-", "")}-${pad(k + 1, 5)}`;
          const when = `${day}T${pad(8 + Math.floor((k * 12) / shape.salesPerDay), 2)}:${pad(k % 60, 2)}:00.000+08:00`;
          let net = 0;
          let tax = 0;
          for (let l = 0; l < LINES; l++) {
            const i = s * 7 + d * 13 + k * 3 + l;
            const qty = 1 + ((k + l) % 3);
            const ln = qty * priceOf(i);
            const lt = taxOf(ln);
            net += ln;
            tax += lt;
            line.add(storeId, saleId, `l${l + 1}`, skuOf(i), qty, 0, priceOf(i), 0, 13, ln, 0, ln, lt);
            ledger.add(++ids.ledger, storeId, skuOf(i), -qty, "sale", saleId, `ev-${saleId}`, when);
            if (k === 0 && l === 0) {
              firstSale = saleId;
              firstSku = skuOf(i);
              firstLine = { net: priceOf(i), tax: taxOf(priceOf(i)) };
            }
          }
          const kind = (["cash", "wechat", "alipay"] as const)[k % 3]!;
          const reference =
            kind === "cash"
              ? null
              : `${kind === "wechat" ? "42" : "2026"}${storeId.slice(1)}${day.replaceAll("-", "")}${pad(k, 5)}`;
          sale.add(
            storeId,
            saleId,
            `ev-${saleId}`,
            receiptNo,
            "1",
            "1001",
            `sh-${day}`,
            day,
            0,
            null,
            net,
            0,
            net,
            tax,
            when,
          );
          tender.add(
            ++ids.tender,
            storeId,
            saleId,
            "sale",
            0,
            kind,
            net,
            kind === "cash" ? net : null,
            kind === "cash" ? 0 : null,
            reference,
          );
          if (reference) wallet.push({ kind: kind as "wechat" | "alipay", day, reference, amountFen: net });
          event(`ev-${saleId}`, "sale.completed", when);
          if (!sum.first) sum.first = seq;
          sum.last = seq;
          receipts.push(receiptNo);
          sum.net += net;
          sum.tax += tax;
          sum.byTender[kind] = (sum.byTender[kind] ?? 0) + net;
          counts.sales++;
          counts.saleLines += LINES;
        }
        // One unit of the day's first sale comes back to the shelf, refunded in cash.
        const returnId = `${storeId}-${day}-RT`;
        const rno = `T${storeId}${day.replaceAll("-", "")}-00001`;
        const rwhen = `${day}T20:00:00.000+08:00`;
        const refund = firstLine.net;
        ret.add(
          storeId,
          returnId,
          `ev-${returnId}`,
          rno,
          firstSale,
          storeId,
          "质量问题",
          "1001",
          null,
          day,
          refund,
          firstLine.tax,
          rwhen,
        );
        retLine.add(storeId, returnId, "r1", firstSku, 1, refund, firstLine.tax, 1);
        tender.add(++ids.tender, storeId, returnId, "return", 0, "cash", refund, refund, 0, null);
        ledger.add(++ids.ledger, storeId, firstSku, 1, "return", returnId, `ev-${returnId}`, rwhen);
        event(`ev-${returnId}`, "sale.returned", rwhen);
        receipts.push(rno);
        counts.returns++;
        const payload = {
          businessDay: day,
          final: true,
          asOf: `${day}T23:59:00.000+08:00`,
          sales: { count: shape.salesPerDay, net: sum.net, tax: sum.tax },
          returns: { count: 1, refund },
          salesByTender: sum.byTender,
          returnsByTender: { cash: refund },
          firstSeq: sum.first,
          lastSeq: seq,
          receiptCount: receipts.length,
          receiptsHash: receiptsHash(receipts),
          receipts: packReceipts(receipts),
        };
        const did = `ev-${storeId}-${day}-digest`;
        event(did, "day.digest", payload.asOf);
        digest.add(storeId, day, seq, did, 1, JSON.stringify(payload), payload.asOf);
        counts.digests++;
      }
      // The month-end count: five SKUs two short.
      const cid = `CNT-${storeId}-${period}`;
      const cwhen = `${period}-${pad(shape.days, 2)}T21:30:00.000+08:00`;
      const countLines = Array.from({ length: 5 }, (_, i) => ({
        sku: skuOf(s + i),
        counted: 10,
        expected: 12,
      }));
      db.prepare(
        "INSERT INTO stock_counts (store_id, count_id, counted_by, lines_json, counted_at) VALUES (?, ?, '1001', ?, ?)",
      ).run(storeId, cid, JSON.stringify(countLines), cwhen);
      event(cid, "stock.counted", cwhen);
      for (const l of countLines)
        ledger.add(++ids.ledger, storeId, l.sku, -2, "count_adjustment", cid, cid, cwhen);
      for (const b of [sale, line, tender, ledger, inbox, ret, retLine, digest]) b.flush();
      db.prepare("INSERT INTO store_seq (store_id, up_to_seq) VALUES (?, ?)").run(storeId, seq);
    })();
  }
  counts.tenders = ids.tender;
  counts.ledger = ids.ledger;
  // The look-ups the hub builds behind ingest, caught up as its timer would.
  for (const spec of [TENDERS_BY_DOC, SALE_LINES_BY_SALE, STOCK_LEDGER_BY_SKU])
    createDeferredIndex(db, spec).catchUp(Number.MAX_SAFE_INTEGER);
  // The batches above write lines and tenders before their sale is flushed, which the daily
  // totals' triggers cannot file under a day (ingest writes the sale first): recompute them.
  rebuildDayTotals(db);
  db.exec("PRAGMA synchronous = FULL");
  return { wallet, counts };
}
