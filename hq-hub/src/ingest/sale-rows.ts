// The rows of a sale as ingest writes them (ledger.ts) and as the ingest bench's raw peer inserts
// them (bench-raw-rows.ts): one mapping from the sale.completed envelope for both.
import type { AnyEnvelope } from "@retail/protocol";

type SaleEnvelope = Extract<AnyEnvelope, { type: "sale.completed" }>;

export const SALE_LINES =
  "INSERT INTO sale_lines (store_id, sale_id, line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate, gross_fen, discount_fen, net_fen, tax_fen, override_catalog_price_fen)";
export const TENDERS =
  "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference)";

/** A sale's row of `sales`, in SALES' column order (ingest and the bench's raw peer). */
export const SALES =
  "INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day, catalog_version, member_id, gross_fen, discount_fen, net_fen, tax_fen, completed_at)";
export const SALE_COLUMNS = 15;

export function saleRow(env: SaleEnvelope): unknown[] {
  const p = env.payload;
  return [
    env.storeId,
    p.saleId,
    env.id,
    p.receiptNo,
    p.laneId,
    p.cashierId,
    p.shiftId,
    p.businessDay,
    p.catalogVersion,
    p.member?.id ?? null,
    p.totals.gross,
    p.totals.discount,
    p.totals.net,
    p.totals.tax,
    p.completedAt,
  ];
}

/** A sale's rows of `sale_lines` (SALE_LINES' columns). */
export function saleLineRows(env: SaleEnvelope): unknown[][] {
  const p = env.payload;
  return p.lines.map((l) => [
    env.storeId,
    p.saleId,
    l.lineId,
    l.sku,
    l.qty,
    l.weighed ? 1 : 0,
    l.unitPrice,
    l.priceVersion,
    l.taxRate,
    l.gross,
    l.discounts.reduce((sum, d) => sum + d.amount, 0),
    l.net,
    l.tax,
    l.override?.catalogPrice ?? null,
  ]);
}

/** A sale's rows of `tenders` (TENDERS' columns). */
export function saleTenderRows(env: SaleEnvelope): unknown[][] {
  const p = env.payload;
  return p.tenders.map((t, i) => [
    env.storeId,
    p.saleId,
    "sale",
    i,
    t.kind,
    t.amount,
    t.received ?? null,
    t.change ?? null,
    t.reference ?? null,
  ]);
}
