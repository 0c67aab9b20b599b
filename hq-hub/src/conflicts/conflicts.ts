// Conflicts held for a person: both versions readable, and the three resolutions (take the
// store's, keep HQ's, keep both). A resolution is one transaction: the effects it changes, the
// conflict's status and its audit row; the route then acks the store, whose outbox row is
// delivered once the seq is no longer held. See docs/sync.md "Conflicts".
//
// Exactly once, per choice: the seq keeps exactly one event in effect at HQ (take_store swaps
// which one, reversing the committed event's effects and applying the incoming's in the same
// transaction); every later copy of either version is recognised (inbox or conflict row) and
// counted a duplicate; a conflict is resolved once (status guard inside the transaction).
import { type AnyEnvelope, uuidv7, validateEnvelope } from "@retail/protocol";
import { and, asc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { snakeColumns } from "../db/columns.ts";
import { createDeferredIndex, SALE_LINES_BY_SALE, TENDERS_BY_DOC } from "../db/deferred-index.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import {
  audits,
  cashMovements,
  conflictAudit,
  conflicts,
  inbox,
  members,
  priceFindings,
  receivings,
  returnLines,
  returns,
  saleLines,
  saleLinesBySale,
  sales,
  shifts,
  stockCounts,
  stockLedger,
  stockLevels,
  tendersByDoc,
  tenders as tenderTable,
  trainingActivity,
} from "../db/schema.ts";
import { ForbiddenError, NotFoundError, StateError } from "../errors.ts";
import { pointsFor } from "../ingest/effects.ts";
import type { Ingest } from "../ingest/ingest.ts";
import { type ConflictChoice, documentKeyOf, rekey, reversible } from "./rules.ts";

export interface ConflictsDeps {
  db: Sqlite;
  now: () => Date;
  ingest: Pick<Ingest, "applyResolved" | "conflictsChanged">;
}

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

export function createConflicts(deps: ConflictsDeps) {
  const { db, now, ingest } = deps;
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

  function row(id: number): ConflictRow {
    const r = q.one(id);
    if (!r) throw new NotFoundError("conflict", String(id));
    return r;
  }

  function committedVersion(storeId: string, eventId: string): CommittedVersion {
    const ib = q.inbox(eventId);
    if (!ib || ib.storeId !== storeId) return { eventId, found: false, stock: [] };
    const type = ib.type;
    const out: CommittedVersion = {
      eventId,
      found: true,
      seq: ib.seq,
      type,
      occurredAt: ib.occurredAt,
      receivedAt: ib.receivedAt,
      hash: ib.contentHash,
      stock: q.ledger(storeId, eventId),
    };
    const training = q.training(eventId);
    if (training) out.document = { kind: "training", training };
    else if (type === "sale.completed") {
      const sale = q.saleByEvent(storeId, eventId);
      if (sale) {
        const id = sale.sale_id;
        const lines = q.saleLines(storeId, id);
        const tenders = q.tenders(storeId, "sale", id);
        out.document = { kind: "sale", sale: { ...sale, lines, tenders } };
      }
    } else if (type === "sale.returned") {
      const ret = q.returnByEvent(storeId, eventId);
      if (ret) {
        const id = ret.return_id;
        const lines = q.returnLines(storeId, id);
        const tenders = q.tenders(storeId, "return", id);
        out.document = { kind: "return", ret: { ...ret, lines, tenders } };
      }
    }
    return out;
  }

  /** A conflict with both versions: the committed one as HQ holds it, the incoming one as sent. */
  function detail(id: number) {
    const r = row(id);
    return {
      ...r,
      committed: r.committed_json
        ? (JSON.parse(r.committed_json) as CommittedVersion)
        : committedVersion(r.store_id, r.existing_event_id),
      incoming: JSON.parse(r.raw) as unknown,
      audit: q.auditOf(id),
    };
  }

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

  /**
   * Resolves an open conflict. Returns the conflict as it is now; the caller acks the store
   * (its seq is no longer held, so the edge marks the event delivered).
   */
  function resolve(id: number, choice: ConflictChoice, actor: string, note?: string) {
    const at = now().toISOString();
    db.transaction(() => {
      const c = row(id);
      if (c.status !== "open")
        throw new StateError(String(id), `conflict ${id} is already resolved (${c.status})`);
      const committed = committedVersion(c.store_id, c.existing_event_id);
      const incoming = validateEnvelope(JSON.parse(c.raw)) as AnyEnvelope;
      if (incoming.storeId !== c.store_id)
        throw new ForbiddenError(`conflict ${id}: the incoming event names store ${incoming.storeId}`);
      let applied: { eventId: string; docId?: string } | undefined;
      if (choice === "take_store") {
        reverse(c, committed, at);
        ingest.applyResolved(incoming, at);
        // The seq's inbox row now names the incoming version, so its resends are duplicates.
        const moved = orm
          .update(inbox)
          .set({
            eventId: incoming.id,
            type: incoming.type,
            contentHash: c.incoming_hash,
            occurredAt: incoming.occurredAt,
          })
          .where(and(eq(inbox.eventId, c.existing_event_id), eq(inbox.contentHash, c.existing_hash)))
          .run();
        if (moved.changes !== 1)
          throw new StateError(
            String(id),
            `the committed event ${c.existing_event_id} changed since the conflict`,
          );
        applied = { eventId: incoming.id };
      } else if (choice === "keep_both") {
        const k = rekey(incoming, id, uuidv7(), docTaken(c.store_id, incoming.type));
        ingest.applyResolved(k.env, at);
        applied = { eventId: k.env.id, docId: k.docId };
      }
      orm
        .update(conflicts)
        .set({
          status: choice,
          resolvedBy: actor,
          resolvedAt: at,
          note: note ?? null,
          committedJson: JSON.stringify(committed),
          appliedEventId: applied?.eventId ?? null,
          appliedDocId: applied?.docId ?? null,
        })
        .where(and(eq(conflicts.id, id), eq(conflicts.status, "open")))
        .run();
      orm
        .insert(conflictAudit)
        .values({
          conflictId: id,
          storeId: c.store_id,
          seq: c.seq,
          choice,
          actor,
          at,
          note: note ?? null,
          detailJson: JSON.stringify({
            committedEventId: c.existing_event_id,
            committedType: committed.type ?? null,
            incomingEventId: incoming.id,
            incomingType: incoming.type,
            ...(applied ? { applied } : {}),
          }),
        })
        .run();
    })();
    const r = row(id);
    ingest.conflictsChanged(r.store_id);
    return detail(id);
  }

  return { detail, resolve, committedVersion };
}

export type Conflicts = ReturnType<typeof createConflicts>;
