// Test support: a generated month of stock movements over a few stores, written straight into
// the hub's tables the way ingest and the stock module write them (stock_ledger rows, receivings
// with supplier price lists, returns naming their sale, HQ transfers, counts), deterministic per
// seed. Includes weighed goods, selling into negative stock before a receipt, and late arrivals.
// Raw SQL: a test fixture writing rows straight into the tables (as close/month-data.ts does
// for the month bench), not a path the hub runs; tests read them back through the modules.
import type { Sqlite } from "../db/open.ts";

export interface MonthOptions {
  seed?: number;
  stores?: string[];
  /** YYYY-MM */
  month?: string;
  days?: number;
}

export interface Sku {
  sku: string;
  category: string;
  weighed: boolean;
  /** fen per unit, per kg when weighed */
  costFen: number;
}

export const SKUS: Sku[] = [
  { sku: "A001", category: "01", weighed: false, costFen: 350 },
  { sku: "A002", category: "01", weighed: false, costFen: 1299 },
  { sku: "B001", category: "02", weighed: false, costFen: 233 },
  { sku: "B002", category: "02", weighed: false, costFen: 77 },
  { sku: "C001", category: "03", weighed: true, costFen: 1990 },
  { sku: "C002", category: "03", weighed: true, costFen: 3333 },
  { sku: "D001", category: "04", weighed: false, costFen: 4567 },
];

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

export function seedMaster(db: Sqlite, storeIds: string[], at: string) {
  for (const id of storeIds)
    db.prepare(
      "INSERT OR IGNORE INTO stores (id, name, region, ring, created_at) VALUES (?, ?, 'east', 'general', ?)",
    ).run(id, `门店 ${id}`, at);
  for (const s of SKUS)
    db.prepare(
      "INSERT OR IGNORE INTO products (sku, name, category, unit, tax_rate, weighed, status, data_json) VALUES (?, ?, ?, ?, 13, ?, 'active', '{}')",
    ).run(s.sku, s.sku, s.category, s.weighed ? "kg" : "个", s.weighed ? 1 : 0);
  for (const s of SKUS)
    db.prepare(
      "INSERT OR IGNORE INTO supplier_prices (supplier_id, sku, effective_from, cost_fen, tax_rate, created_by, created_at) VALUES ('SUP1', ?, '2000-01-01', ?, 13, 'test', ?)",
    ).run(s.sku, s.costFen, at);
}

/**
 * Writes one day of movements (local timestamps with +08:00, as the stores send them). Returns
 * what it wrote, by kind.
 */
export function writeDay(
  db: Sqlite,
  day: string,
  storeIds: string[],
  r: ReturnType<typeof rng>,
  n: { seq: number },
) {
  const ledger = db.prepare(
    "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES (?, ?, ?, ?, ?, NULL, ?)",
  );
  const at = (h: number) =>
    `${day}T${String(h).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:00.000+08:00`;
  const qtyOf = (s: Sku) => (s.weighed ? r.int(100, 2500) : r.int(1, 6));
  const sales: { storeId: string; saleId: string; sku: string; qty: number }[] = [];
  for (const storeId of storeIds) {
    // Receipts on some days (not every SKU: some sell into negative stock first).
    if (r.next() < 0.4) {
      const rid = `R-${storeId}-${day}-${n.seq++}`;
      const t = at(7);
      db.prepare(
        "INSERT INTO receivings (store_id, receiving_id, purchase_order_id, supplier_id, confirmed_by, lines_json, confirmed_at) VALUES (?, ?, NULL, 'SUP1', 'clerk', '[]', ?)",
      ).run(storeId, rid, t);
      for (const s of SKUS)
        if (r.next() < 0.6)
          ledger.run(storeId, s.sku, s.weighed ? r.int(2000, 20000) : r.int(10, 60), "receipt", rid, t);
    }
    for (let i = r.int(5, 25); i > 0; i--) {
      const s = SKUS[r.int(0, SKUS.length - 1)]!;
      const saleId = `S-${storeId}-${day}-${n.seq++}`;
      const qty = qtyOf(s);
      ledger.run(storeId, s.sku, -qty, "sale", saleId, at(r.int(9, 21)));
      sales.push({ storeId, saleId, sku: s.sku, qty });
    }
    // A return of part of an earlier sale of the day, naming it.
    if (sales.length && r.next() < 0.5) {
      const o = sales[r.int(0, sales.length - 1)]!;
      if (o.storeId === storeId) {
        const retId = `RT-${storeId}-${day}-${n.seq++}`;
        const t = at(22);
        db.prepare(
          `INSERT INTO returns (store_id, return_id, event_id, receipt_no, original_sale_id, original_store_id, reason, cashier_id,
            business_day, refund_fen, tax_fen, returned_at) VALUES (?, ?, ?, 'R', ?, ?, 'defect', 'c1', ?, 0, 0, ?)`,
        ).run(storeId, retId, `ev-${retId}`, o.saleId, storeId, day, t);
        ledger.run(storeId, o.sku, Math.max(1, Math.floor(o.qty / 2)), "return", retId, t);
      }
    }
    // A weekly count: a loss and a gain.
    if (r.next() < 0.15) {
      const cid = `CNT-${storeId}-${day}`;
      const t = at(23);
      ledger.run(storeId, SKUS[r.int(0, 3)]!.sku, -r.int(1, 3), "count_adjustment", cid, t);
      ledger.run(storeId, SKUS[r.int(0, 3)]!.sku, r.int(1, 2), "count_adjustment", cid, t);
    }
  }
  // A transfer between two stores now and then (both sides at once, as HQ writes them).
  if (storeIds.length > 1 && r.next() < 0.3) {
    const from = storeIds[r.int(0, storeIds.length - 1)]!;
    const to = storeIds.find((s) => s !== from)!;
    const ref = `TR-${day}-${n.seq++}`;
    const t = `${day}T12:00:00.000+08:00`;
    const s = SKUS[r.int(0, SKUS.length - 1)]!;
    const qty = qtyOf(s);
    ledger.run(from, s.sku, -qty, "transfer_out", ref, t);
    ledger.run(to, s.sku, qty, "transfer_in", ref, t);
  }
}

export function daysOf(month: string, days: number): string[] {
  return Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, "0")}`);
}
