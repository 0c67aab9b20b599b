// The rows ingest keeps of a sale's discounts per line and promotion (sale_line_discounts), so
// the margin report can be read by promotion. Raw SQL head: ingest's batched row writer
// (ingest/rows.ts) appends multi-row inserts on its hot path.
import type { AnyEnvelope } from "@retail/protocol";

type SaleEnvelope = Extract<AnyEnvelope, { type: "sale.completed" }>;

export const SALE_LINE_DISCOUNTS =
  "INSERT INTO sale_line_discounts (store_id, sale_id, line_id, sku, promotion_id, amount_fen, qty, net_fen, tax_fen)";

/** A sale's rows of sale_lines_discounts (SALE_LINE_DISCOUNTS' columns): one per line and discount. */
export function saleDiscountRows(env: SaleEnvelope): unknown[][] {
  const p = env.payload;
  return p.lines.flatMap((l) =>
    l.discounts.map((d) => [
      env.storeId,
      p.saleId,
      l.lineId,
      l.sku,
      d.promotionId,
      d.amount,
      l.qty,
      l.net,
      l.tax,
    ]),
  );
}
