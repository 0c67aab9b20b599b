// Sales as HQ received them: one sale with its lines and tenders (a receipt looked up at HQ).
// Lines and tenders are append-only tables found through look-ups built in batches behind
// ingest (deferred-index.ts); a sale committed a moment ago is still returned whole.
import { createDeferredIndex, SALE_LINES_BY_SALE, TENDERS_BY_DOC } from "../db/deferred-index.ts";
import type { Sqlite } from "../db/open.ts";
import { NotFoundError } from "../errors.ts";

export function createSales(db: Sqlite) {
  const linesIndex = createDeferredIndex(db, SALE_LINES_BY_SALE);
  const tendersIndex = createDeferredIndex(db, TENDERS_BY_DOC);
  const sale = db.prepare("SELECT * FROM sales WHERE store_id = ? AND sale_id = ?");
  const lines = db.prepare(
    `SELECT line_id, sku, qty, weighed, unit_price_fen, price_version, tax_rate, gross_fen, discount_fen, net_fen, tax_fen,
       override_catalog_price_fen FROM sale_lines WHERE id IN (${linesIndex.idsWhereKey}) ORDER BY id`,
  );
  const tenders = db.prepare(
    `SELECT idx, kind, amount_fen, received_fen, change_fen, reference FROM tenders
     WHERE id IN (${tendersIndex.idsWhereKey}) ORDER BY idx`,
  );

  /** A sale with its lines (in receipt order) and tenders. */
  function detail(storeId: string, saleId: string) {
    // One read transaction, so the sale, its lines and its tenders describe one moment.
    return db.transaction(() => {
      const head = sale.get(storeId, saleId) as Record<string, unknown> | undefined;
      if (!head) throw new NotFoundError("sale", `${storeId}/${saleId}`);
      return {
        ...head,
        lines: lines.all(storeId, saleId, storeId, saleId),
        tenders: tenders.all(storeId, "sale", saleId, storeId, "sale", saleId),
      };
    })();
  }

  return { detail, linesIndex, tendersIndex };
}

export type Sales = ReturnType<typeof createSales>;
