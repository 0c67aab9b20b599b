// Undoing a committed event at HQ (take the store's version), and telling whether a document
// key is taken (keep both picks a free one).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import {
  audits,
  cashMovements,
  priceFindings,
  receivings,
  returnLines,
  returns,
  saleLineDiscounts,
  saleLines,
  saleLinesBySale,
  sales,
  shifts,
  stockCounts,
  tendersByDoc,
  tenders as tenderTable,
  trainingActivity,
} from "../db/schema.ts";
import { StateError } from "../errors.ts";
import { pointsFor } from "../ingest/effects.ts";
import type { CommittedVersion, ConflictQueries, ConflictRow } from "./queries.ts";
import { documentKeyOf, reversible } from "./rules.ts";

/** The table and column holding each document kind's key (store_id is the other key column). */
const DOC_TABLE: Record<string, [SQLiteTable & { storeId: SQLiteColumn }, SQLiteColumn]> = {
  saleId: [sales, sales.saleId],
  returnId: [returns, returns.returnId],
  movementId: [cashMovements, cashMovements.movementId],
  countId: [stockCounts, stockCounts.countId],
  receivingId: [receivings, receivings.receivingId],
  auditId: [audits, audits.auditId],
  shiftId: [shifts, shifts.shiftId],
};

export function createReversal({ orm, lines, tenders, q }: ConflictQueries) {
  const t = tenderTable;

  /** Reverses everything the committed event did at HQ (inside the caller's transaction). */
  function reverse(c: ConflictRow, v: CommittedVersion, at: string) {
    const doc = v.document;
    if (!v.found || !doc || !reversible(v.type ?? "", doc.kind === "training"))
      throw new StateError(
        String(c.id),
        v.found
          ? `the committed ${v.type} cannot be reversed by HQ (only sales, returns and training events): keep HQ's or keep both`
          : `the committed event ${c.existing_event_id} is no longer in effect (another resolution replaced it): keep HQ's or keep both`,
      );
    const s = c.store_id;
    const tendersOf = (kind: "sale" | "return", id: string) => {
      orm
        .delete(t)
        .where(inArray(t.id, tenders.idsWhere(s, kind, id)))
        .run();
      orm
        .delete(tendersByDoc)
        .where(and(eq(tendersByDoc.storeId, s), eq(tendersByDoc.docKind, kind), eq(tendersByDoc.docId, id)))
        .run();
    };
    if (doc.kind === "training")
      orm.delete(trainingActivity).where(eq(trainingActivity.eventId, v.eventId)).run();
    else if (doc.kind === "sale") {
      const sale = doc.sale;
      const id = sale.sale_id as string;
      const net = sale.net_fen as number;
      if (sale.member_id) q.member(-pointsFor(net), -net, sale.member_id as string);
      orm
        .delete(saleLines)
        .where(inArray(saleLines.id, lines.idsWhere(s, id)))
        .run();
      orm
        .delete(saleLinesBySale)
        .where(and(eq(saleLinesBySale.storeId, s), eq(saleLinesBySale.saleId, id)))
        .run();
      tendersOf("sale", id);
      // The margin report's promotion lines (reports/promotion-lines.ts); no index by sale, a rare scan.
      orm
        .delete(saleLineDiscounts)
        .where(and(eq(saleLineDiscounts.storeId, s), eq(saleLineDiscounts.saleId, id)))
        .run();
      orm
        .delete(priceFindings)
        .where(and(eq(priceFindings.storeId, s), eq(priceFindings.eventId, v.eventId)))
        .run();
      orm
        .delete(sales)
        .where(and(eq(sales.storeId, s), eq(sales.saleId, id)))
        .run();
    } else {
      const ret = doc.ret;
      const id = ret.return_id as string;
      const refund = ret.refund_fen as number;
      const orig = ret.original_sale_id
        ? q.origMember(ret.original_store_id as string, ret.original_sale_id as string)
        : undefined;
      if (orig?.member_id) q.member(pointsFor(refund), refund, orig.member_id);
      orm
        .delete(returnLines)
        .where(and(eq(returnLines.storeId, s), eq(returnLines.returnId, id)))
        .run();
      tendersOf("return", id);
      orm
        .delete(returns)
        .where(and(eq(returns.storeId, s), eq(returns.returnId, id)))
        .run();
    }
    // Stock: the ledger is append-only, so the committed moves are cancelled by opposite ones.
    for (const m of v.stock) {
      q.reversal(s, m.sku, -m.qty_delta, `conflict:${c.id}`, at);
      q.level(s, m.sku, -m.qty_delta);
    }
  }

  function docTaken(storeId: string, type: string) {
    const key = documentKeyOf(type);
    const table = key ? DOC_TABLE[key] : undefined;
    return (docId: string) =>
      table
        ? orm
            .select({ x: sql`1` })
            .from(table[0])
            .where(and(eq(table[0].storeId, storeId), eq(table[1], docId)))
            .get() !== undefined
        : false;
  }

  return { reverse, docTaken };
}
