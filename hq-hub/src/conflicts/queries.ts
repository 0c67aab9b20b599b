// The reads and small writes conflicts make: a conflict row, the committed version's inbox
// row and documents (with their columns' own snake_case names, as the API shows them), and the
// member / stock updates a reversal makes.
import { and, asc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { snakeColumns } from "../db/columns.ts";
import { createDeferredIndex, SALE_LINES_BY_SALE, TENDERS_BY_DOC } from "../db/deferred-index.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  conflictAudit,
  conflicts,
  inbox,
  members,
  returnLines,
  returns,
  saleLines,
  sales,
  stockLedger,
  stockLevels,
  tenders as tenderTable,
  trainingActivity,
} from "../db/schema.ts";

export interface ConflictRow {
  id: number;
  store_id: string;
  seq: number;
  event_id: string;
  existing_event_id: string;
  reason: string;
  existing_hash: string;
  incoming_hash: string;
  raw: string;
  received_at: string;
  status: string;
  resolved_by: string | null;
  resolved_at: string | null;
  note: string | null;
  committed_json: string | null;
  applied_event_id: string | null;
  applied_doc_id: string | null;
}

/** The committed version as HQ holds it: its inbox row and the documents it created. */
export interface CommittedVersion {
  eventId: string;
  found: boolean;
  seq?: number;
  type?: string;
  occurredAt?: string;
  receivedAt?: string;
  hash?: string;
  document?:
    | { kind: "sale"; sale: Record<string, unknown> }
    | { kind: "return"; ret: Record<string, unknown> }
    | { kind: "training"; training: Record<string, unknown> };
  stock: { sku: string; qty_delta: number; kind: string; ref: string }[];
}

export function conflictQueries(db: Sqlite) {
  const lines = createDeferredIndex(db, SALE_LINES_BY_SALE);
  const tenders = createDeferredIndex(db, TENDERS_BY_DOC);
  const orm = openDrizzle(db);
  const t = tenderTable;
  // The API shows these rows with their columns' own (snake_case) names, as stored.
  const saleCols = snakeColumns(getTableColumns(sales));
  const returnCols = snakeColumns(getTableColumns(returns));
  const q = {
    one: (id: number) =>
      orm
        .select(snakeColumns(getTableColumns(conflicts)))
        .from(conflicts)
        .where(eq(conflicts.id, id))
        .get(),
    inbox: (eventId: string) => orm.select().from(inbox).where(eq(inbox.eventId, eventId)).get(),
    saleByEvent: (storeId: string, eventId: string) =>
      orm
        .select(saleCols)
        .from(sales)
        .where(and(eq(sales.storeId, storeId), eq(sales.eventId, eventId)))
        .get(),
    saleLines: (storeId: string, saleId: string) =>
      orm
        .select({
          line_id: saleLines.lineId,
          sku: saleLines.sku,
          qty: saleLines.qty,
          weighed: saleLines.weighed,
          unit_price_fen: saleLines.unitPriceFen,
          tax_rate: saleLines.taxRate,
          gross_fen: saleLines.grossFen,
          discount_fen: saleLines.discountFen,
          net_fen: saleLines.netFen,
          tax_fen: saleLines.taxFen,
        })
        .from(saleLines)
        .where(inArray(saleLines.id, lines.idsWhere(storeId, saleId)))
        .orderBy(asc(saleLines.id))
        .all(),
    tenders: (storeId: string, kind: "sale" | "return", docId: string) =>
      orm
        .select({
          kind: t.kind,
          amount_fen: t.amountFen,
          received_fen: t.receivedFen,
          change_fen: t.changeFen,
          reference: t.reference,
        })
        .from(t)
        .where(inArray(t.id, tenders.idsWhere(storeId, kind, docId)))
        .orderBy(asc(t.idx))
        .all(),
    returnByEvent: (storeId: string, eventId: string) =>
      orm
        .select(returnCols)
        .from(returns)
        .where(and(eq(returns.storeId, storeId), eq(returns.eventId, eventId)))
        .get(),
    returnLines: (storeId: string, returnId: string) =>
      orm
        .select({
          line_id: returnLines.lineId,
          sku: returnLines.sku,
          qty: returnLines.qty,
          refund_fen: returnLines.refundFen,
          tax_fen: returnLines.taxFen,
          restock: returnLines.restock,
        })
        .from(returnLines)
        .where(and(eq(returnLines.storeId, storeId), eq(returnLines.returnId, returnId)))
        .all(),
    training: (eventId: string) =>
      orm
        .select(snakeColumns(getTableColumns(trainingActivity)))
        .from(trainingActivity)
        .where(eq(trainingActivity.eventId, eventId))
        .get(),
    // No index on event_id: a full scan, acceptable for a person's occasional decision.
    ledger: (storeId: string, eventId: string) =>
      orm
        .select({
          sku: stockLedger.sku,
          qty_delta: stockLedger.qtyDelta,
          kind: stockLedger.kind,
          ref: stockLedger.ref,
        })
        .from(stockLedger)
        .where(and(eq(stockLedger.storeId, storeId), eq(stockLedger.eventId, eventId)))
        .orderBy(asc(stockLedger.id))
        .all(),
    member: (points: number, spendFen: number, id: string) =>
      orm
        .update(members)
        .set({
          points: sql`MAX(0, ${members.points} + ${points})`,
          spendFen: sql`${members.spendFen} + ${spendFen}`,
          dirty: 1,
        })
        .where(eq(members.id, id))
        .run(),
    origMember: (storeId: string, saleId: string) =>
      orm
        .select({ member_id: sales.memberId })
        .from(sales)
        .where(and(eq(sales.storeId, storeId), eq(sales.saleId, saleId)))
        .get(),
    reversal: (storeId: string, sku: string, qtyDelta: number, ref: string, at: string) =>
      orm.insert(stockLedger).values({ storeId, sku, qtyDelta, kind: "conflict_reversal", ref, at }).run(),
    level: (storeId: string, sku: string, onHand: number) =>
      orm
        .insert(stockLevels)
        .values({ storeId, sku, onHand })
        .onConflictDoUpdate({
          target: [stockLevels.storeId, stockLevels.sku],
          set: { onHand: sql`${stockLevels.onHand} + excluded.on_hand` },
        })
        .run(),
    auditOf: (conflictId: number) =>
      orm
        .select(snakeColumns(getTableColumns(conflictAudit)))
        .from(conflictAudit)
        .where(eq(conflictAudit.conflictId, conflictId))
        .orderBy(asc(conflictAudit.id))
        .all(),
  };
  return { orm, lines, tenders, q };
}

export type ConflictQueries = ReturnType<typeof conflictQueries>;
