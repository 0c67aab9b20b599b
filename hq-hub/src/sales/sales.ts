// Sales as HQ received them: one sale with its lines and tenders (a receipt looked up at HQ).
// Lines and tenders are append-only tables found through look-ups built in batches behind
// ingest (deferred-index.ts); a sale committed a moment ago is still returned whole.
import { and, asc, eq, getTableColumns, inArray } from "drizzle-orm";
import { snakeColumns } from "../db/columns.ts";
import { createDeferredIndex, SALE_LINES_BY_SALE, TENDERS_BY_DOC } from "../db/deferred-index.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { saleLines, sales, tenders } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";

export function createSales(db: Sqlite) {
  const linesIndex = createDeferredIndex(db, SALE_LINES_BY_SALE);
  const tendersIndex = createDeferredIndex(db, TENDERS_BY_DOC);
  const orm = openDrizzle(db);
  const { id: _id, storeId: _s, saleId: _sale, ...lineColumns } = getTableColumns(saleLines);
  const { idx, kind, amountFen, receivedFen, changeFen, reference } = getTableColumns(tenders);

  /** A sale with its lines (in receipt order) and tenders. */
  function detail(storeId: string, saleId: string) {
    // One read transaction, so the sale, its lines and its tenders describe one moment.
    return db.transaction(() => {
      const head = orm
        .select(snakeColumns(getTableColumns(sales)))
        .from(sales)
        .where(and(eq(sales.storeId, storeId), eq(sales.saleId, saleId)))
        .get();
      if (!head) throw new NotFoundError("sale", `${storeId}/${saleId}`);
      return {
        ...head,
        lines: orm
          .select(snakeColumns(lineColumns))
          .from(saleLines)
          .where(inArray(saleLines.id, linesIndex.idsWhere(storeId, saleId)))
          .orderBy(asc(saleLines.id))
          .all(),
        tenders: orm
          .select(snakeColumns({ idx, kind, amountFen, receivedFen, changeFen, reference }))
          .from(tenders)
          .where(inArray(tenders.id, tendersIndex.idsWhere(storeId, "sale", saleId)))
          .orderBy(asc(tenders.idx))
          .all(),
      };
    })();
  }

  return { detail, linesIndex, tendersIndex };
}

export type Sales = ReturnType<typeof createSales>;
