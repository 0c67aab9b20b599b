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
import { and, eq } from "drizzle-orm";
import type { Sqlite } from "../db/open.ts";
import { conflictAudit, conflicts, inbox } from "../db/schema.ts";
import { ForbiddenError, NotFoundError, StateError } from "../errors.ts";
import type { Ingest } from "../ingest/ingest.ts";
import { type CommittedVersion, type ConflictRow, conflictQueries } from "./queries.ts";
import { createReversal } from "./reverse.ts";
import { type ConflictChoice, rekey } from "./rules.ts";

export type { CommittedVersion, ConflictRow } from "./queries.ts";

export interface ConflictsDeps {
  db: Sqlite;
  now: () => Date;
  ingest: Pick<Ingest, "applyResolved" | "conflictsChanged">;
}

export function createConflicts(deps: ConflictsDeps) {
  const { db, now, ingest } = deps;
  const queries = conflictQueries(db);
  const { orm, q } = queries;
  const { reverse, docTaken } = createReversal(queries);

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
