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
import { createDeferredIndex, SALE_LINES_BY_SALE, TENDERS_BY_DOC } from "../db/deferred-index.ts";
import type { Sqlite } from "../db/open.ts";
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
const DOC_TABLE: Record<string, [string, string]> = {
  saleId: ["sales", "sale_id"],
  returnId: ["returns", "return_id"],
  movementId: ["cash_movements", "movement_id"],
  countId: ["stock_counts", "count_id"],
  receivingId: ["receivings", "receiving_id"],
  auditId: ["audits", "audit_id"],
  shiftId: ["shifts", "shift_id"],
};

export function createConflicts(deps: ConflictsDeps) {
  const { db, now, ingest } = deps;
  const lines = createDeferredIndex(db, SALE_LINES_BY_SALE);
  const tenders = createDeferredIndex(db, TENDERS_BY_DOC);
  const q = {
    one: db.prepare("SELECT * FROM conflicts WHERE id = ?"),
    inbox: db.prepare(
      "SELECT event_id, store_id, seq, type, content_hash, occurred_at, received_at FROM inbox WHERE event_id = ?",
    ),
    saleByEvent: db.prepare("SELECT * FROM sales WHERE store_id = ? AND event_id = ?"),
    saleLines: db.prepare(
      `SELECT line_id, sku, qty, weighed, unit_price_fen, tax_rate, gross_fen, discount_fen, net_fen, tax_fen
       FROM sale_lines WHERE id IN (${lines.idsWhereKey}) ORDER BY id`,
    ),
    tenders: db.prepare(
      `SELECT kind, amount_fen, received_fen, change_fen, reference FROM tenders WHERE id IN (${tenders.idsWhereKey}) ORDER BY idx`,
    ),
    returnByEvent: db.prepare("SELECT * FROM returns WHERE store_id = ? AND event_id = ?"),
    returnLines: db.prepare(
      "SELECT line_id, sku, qty, refund_fen, tax_fen, restock FROM return_lines WHERE store_id = ? AND return_id = ?",
    ),
    training: db.prepare("SELECT * FROM training_activity WHERE event_id = ?"),
    // No index on event_id: a full scan, acceptable for a person's occasional decision.
    ledger: db.prepare(
      "SELECT sku, qty_delta, kind, ref FROM stock_ledger WHERE store_id = ? AND event_id = ? ORDER BY id",
    ),
    member: db.prepare(
      "UPDATE members SET points = MAX(0, points + ?), spend_fen = spend_fen + ?, dirty = 1 WHERE id = ?",
    ),
    origMember: db.prepare("SELECT member_id FROM sales WHERE store_id = ? AND sale_id = ?"),
    reversal: db.prepare(
      "INSERT INTO stock_ledger (store_id, sku, qty_delta, kind, ref, event_id, at) VALUES (?, ?, ?, 'conflict_reversal', ?, NULL, ?)",
    ),
    level: db.prepare(
      `INSERT INTO stock_levels (store_id, sku, on_hand) VALUES (?, ?, ?)
       ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand`,
    ),
    retarget: db.prepare(
      "UPDATE inbox SET event_id = ?, type = ?, content_hash = ?, occurred_at = ? WHERE event_id = ? AND content_hash = ?",
    ),
    close: db.prepare(
      `UPDATE conflicts SET status = ?, resolved_by = ?, resolved_at = ?, note = ?, committed_json = ?,
       applied_event_id = ?, applied_doc_id = ? WHERE id = ? AND status = 'open'`,
    ),
    audit: db.prepare(
      "INSERT INTO conflict_audit (conflict_id, store_id, seq, choice, actor, at, note, detail_json) VALUES (?,?,?,?,?,?,?,?)",
    ),
    auditOf: db.prepare("SELECT * FROM conflict_audit WHERE conflict_id = ? ORDER BY id"),
  };

  function row(id: number): ConflictRow {
    const r = q.one.get(id) as ConflictRow | undefined;
    if (!r) throw new NotFoundError("conflict", String(id));
    return r;
  }

  function committedVersion(storeId: string, eventId: string): CommittedVersion {
    const ib = q.inbox.get(eventId) as Record<string, unknown> | undefined;
    if (!ib || ib.store_id !== storeId) return { eventId, found: false, stock: [] };
    const type = ib.type as string;
    const out: CommittedVersion = {
      eventId,
      found: true,
      seq: ib.seq as number,
      type,
      occurredAt: ib.occurred_at as string,
      receivedAt: ib.received_at as string,
      hash: ib.content_hash as string,
      stock: q.ledger.all(storeId, eventId) as CommittedVersion["stock"],
    };
    const training = q.training.get(eventId) as Record<string, unknown> | undefined;
    if (training) out.document = { kind: "training", training };
    else if (type === "sale.completed") {
      const sale = q.saleByEvent.get(storeId, eventId) as Record<string, unknown> | undefined;
      if (sale) {
        const id = sale.sale_id as string;
        sale.lines = q.saleLines.all(storeId, id, storeId, id);
        sale.tenders = q.tenders.all(storeId, "sale", id, storeId, "sale", id);
        out.document = { kind: "sale", sale };
      }
    } else if (type === "sale.returned") {
      const ret = q.returnByEvent.get(storeId, eventId) as Record<string, unknown> | undefined;
      if (ret) {
        const id = ret.return_id as string;
        ret.lines = q.returnLines.all(storeId, id);
        ret.tenders = q.tenders.all(storeId, "return", id, storeId, "return", id);
        out.document = { kind: "return", ret };
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
      audit: q.auditOf.all(id),
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
    const del = (sql: string, ...a: unknown[]) => db.prepare(sql).run(...a);
    if (doc.kind === "training") del("DELETE FROM training_activity WHERE event_id = ?", v.eventId);
    else if (doc.kind === "sale") {
      const sale = doc.sale;
      const id = sale.sale_id as string;
      const net = sale.net_fen as number;
      if (sale.member_id) q.member.run(-pointsFor(net), -net, sale.member_id);
      del(`DELETE FROM sale_lines WHERE id IN (${lines.idsWhereKey})`, s, id, s, id);
      del("DELETE FROM sale_lines_by_sale WHERE store_id = ? AND sale_id = ?", s, id);
      del(`DELETE FROM tenders WHERE id IN (${tenders.idsWhereKey})`, s, "sale", id, s, "sale", id);
      del("DELETE FROM tenders_by_doc WHERE store_id = ? AND doc_kind = 'sale' AND doc_id = ?", s, id);
      del("DELETE FROM price_findings WHERE store_id = ? AND event_id = ?", s, v.eventId);
      del("DELETE FROM sales WHERE store_id = ? AND sale_id = ?", s, id);
    } else {
      const ret = doc.ret;
      const id = ret.return_id as string;
      const refund = ret.refund_fen as number;
      const orig = ret.original_sale_id
        ? (q.origMember.get(ret.original_store_id, ret.original_sale_id) as
            | { member_id: string | null }
            | undefined)
        : undefined;
      if (orig?.member_id) q.member.run(pointsFor(refund), refund, orig.member_id);
      del("DELETE FROM return_lines WHERE store_id = ? AND return_id = ?", s, id);
      del(`DELETE FROM tenders WHERE id IN (${tenders.idsWhereKey})`, s, "return", id, s, "return", id);
      del("DELETE FROM tenders_by_doc WHERE store_id = ? AND doc_kind = 'return' AND doc_id = ?", s, id);
      del("DELETE FROM returns WHERE store_id = ? AND return_id = ?", s, id);
    }
    // Stock: the ledger is append-only, so the committed moves are cancelled by opposite ones.
    for (const m of v.stock) {
      q.reversal.run(s, m.sku, -m.qty_delta, `conflict:${c.id}`, at);
      q.level.run(s, m.sku, -m.qty_delta);
    }
  }

  function docTaken(storeId: string, type: string) {
    const key = documentKeyOf(type);
    const table = key ? DOC_TABLE[key] : undefined;
    return (docId: string) =>
      table
        ? db
            .prepare(`SELECT 1 FROM ${table[0]} WHERE store_id = ? AND ${table[1]} = ?`)
            .get(storeId, docId) !== undefined
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
        const moved = q.retarget.run(
          incoming.id,
          incoming.type,
          c.incoming_hash,
          incoming.occurredAt,
          c.existing_event_id,
          c.existing_hash,
        );
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
      q.close.run(
        choice,
        actor,
        at,
        note ?? null,
        JSON.stringify(committed),
        applied?.eventId ?? null,
        applied?.docId ?? null,
        id,
      );
      q.audit.run(
        id,
        c.store_id,
        c.seq,
        choice,
        actor,
        at,
        note ?? null,
        JSON.stringify({
          committedEventId: c.existing_event_id,
          committedType: committed.type ?? null,
          incomingEventId: incoming.id,
          incomingType: incoming.type,
          ...(applied ? { applied } : {}),
        }),
      );
    })();
    const r = row(id);
    ingest.conflictsChanged(r.store_id);
    return detail(id);
  }

  return { detail, resolve, committedVersion };
}

export type Conflicts = ReturnType<typeof createConflicts>;
