// The rows of a sale as ingest writes them (ledger.ts) and as the ingest bench's raw peer inserts
// them (bench-raw-rows.ts): one mapping from the sale.completed envelope for both.
import type { AnyEnvelope } from "@retail/protocol";

type SaleEnvelope = Extract<AnyEnvelope, { type: "sale.completed" }>;

export const SALE_LINES =
  "INSERT INTO sale_lines (store_id, sale_id, line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate, gross_fen, discount_fen, net_fen, tax_fen, override_catalog_price_fen)";
export const TENDERS =
  "INSERT INTO tenders (store_id, doc_id, doc_kind, idx, kind, amount_fen, received_fen, change_fen, reference)";

/** The columns of a sale's row of `sales`, in SALES' order. */
export const SALE_COLUMNS = [
  "storeId",
  "saleId",
  "eventId",
  "receiptNo",
  "laneId",
  "cashierId",
  "shiftId",
  "businessDay",
  "catalogVersion",
  "memberId",
  "grossFen",
  "discountFen",
  "netFen",
  "taxFen",
  "completedAt",
] as const;
/** The same columns in SQL (the bench's raw peer, bench-raw-rows.ts). */
export const SALES =
  "INSERT INTO sales (store_id, sale_id, event_id, receipt_no, lane_id, cashier_id, shift_id, business_day, catalog_version, member_id, gross_fen, discount_fen, net_fen, tax_fen, completed_at)";

/** A sale's row of `sales`. */
export function saleRecord(env: SaleEnvelope): Record<(typeof SALE_COLUMNS)[number], unknown> {
  const p = env.payload;
  return {
    storeId: env.storeId,
    saleId: p.saleId,
    eventId: env.id,
    receiptNo: p.receiptNo,
    laneId: p.laneId,
    cashierId: p.cashierId,
    shiftId: p.shiftId,
    businessDay: p.businessDay,
    catalogVersion: p.catalogVersion,
    memberId: p.member?.id ?? null,
    grossFen: p.totals.gross,
    discountFen: p.totals.discount,
    netFen: p.totals.net,
    taxFen: p.totals.tax,
    completedAt: p.completedAt,
  };
}

/** The same as a list of values in SALES' column order (the bench's raw peer). */
export const saleRow = (env: SaleEnvelope): unknown[] => {
  const r = saleRecord(env);
  return SALE_COLUMNS.map((c) => r[c]);
};

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
