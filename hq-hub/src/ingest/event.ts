// Ingest's decision step: one valid event inside the group's transaction. The inbox row is
// claimed first (a new event, the common case, needs no look-up); only when its id or (store,
// seq) is taken are the existing rows read to tell a duplicate from a conflict (decide.ts,
// pure). A new event's ledger rows follow; in the guarded replay each event has its own
// savepoint, and one that fails is dead-lettered alone.
import type { AnyEnvelope, EventsAck } from "@retail/protocol";
import { and, eq, or, sql } from "drizzle-orm";
import type { EventResult } from "../conflicts/ahead.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { conflicts, inbox } from "../db/schema.ts";
import { StateError } from "../errors.ts";
import type { Acks } from "./acks.ts";
import type { DeadLetters } from "./dead-letters.ts";
import { comparableHash, decide, type InboxEntry, validatedHash } from "./decide.ts";
import type { LedgerStep } from "./ledger.ts";
import type { IngestMode } from "./rows.ts";
import type { StockAlertOut, StockStep } from "./stock.ts";

/** What one MQTT message became, and the ack its store gets after the commit. */
export interface BatchOutcome {
  storeId: string;
  ack: EventsAck;
  applied: number;
  duplicates: number;
  conflicts: number;
  deadLettered: number;
  alerts: StockAlertOut[];
  /**
   * Events of the store to replay so HQ can confirm the ones it committed ahead of a gap
   * (conflicts/ahead.ts): published as resend_events { fromSeq, toSeq } after the ack.
   */
  confirm?: { fromSeq: number; toSeq: number };
}

export function createEventStep(
  db: Sqlite,
  mode: IngestMode,
  steps: { ledger: LedgerStep; stock: StockStep; dead: DeadLetters; acks: Acks },
) {
  const { ledger, stock, dead, acks } = steps;
  // The decision's statements, prepared once with placeholders (the ingest hot path).
  const orm = openDrizzle(db);
  const p = sql.placeholder;
  const entryCols = {
    eventId: inbox.eventId,
    storeId: inbox.storeId,
    seq: inbox.seq,
    hash: inbox.contentHash,
  };
  const q = {
    byId: orm
      .select(entryCols)
      .from(inbox)
      .where(eq(inbox.eventId, p("id")))
      .prepare(),
    bySeq: orm
      .select(entryCols)
      .from(inbox)
      .where(and(eq(inbox.storeId, p("storeId")), eq(inbox.seq, p("seq"))))
      .prepare(),
    // Claims the event's inbox row; 0 changes when its id or (store, seq) is already there.
    inbox: orm
      .insert(inbox)
      .values({
        eventId: p("id"),
        storeId: p("storeId"),
        seq: p("seq"),
        type: p("type"),
        contentHash: p("hash"),
        occurredAt: p("occurredAt"),
        receivedAt: p("at"),
      })
      .onConflictDoNothing()
      .prepare(),
    // The same incoming version again (held, or already decided), or the version a take_store
    // replaced: seen before, so neither a new conflict nor an effect.
    knownConflict: orm
      .select({ status: conflicts.status })
      .from(conflicts)
      .where(
        and(
          eq(conflicts.storeId, p("storeId")),
          eq(conflicts.seq, p("seq")),
          or(
            and(eq(conflicts.eventId, p("id")), eq(conflicts.incomingHash, p("hash"))),
            and(
              eq(conflicts.status, "take_store"),
              eq(conflicts.existingEventId, p("id")),
              eq(conflicts.existingHash, p("hash")),
            ),
          ),
        ),
      )
      .limit(1)
      .prepare(),
    contested: orm
      .select({ x: sql<number>`1` })
      .from(conflicts)
      .where(and(eq(conflicts.storeId, p("storeId")), eq(conflicts.seq, p("seq"))))
      .limit(1)
      .prepare(),
    conflict: orm
      .insert(conflicts)
      .values({
        storeId: p("storeId"),
        seq: p("seq"),
        eventId: p("id"),
        existingEventId: p("existingId"),
        reason: p("reason"),
        existingHash: p("existingHash"),
        incomingHash: p("hash"),
        raw: p("raw"),
        receivedAt: p("at"),
      })
      .prepare(),
  };
  const claim = (env: AnyEnvelope, storeId: string, hash: string, at: string) =>
    q.inbox.run({
      id: env.id,
      storeId,
      seq: env.seq,
      type: env.type,
      hash,
      occurredAt: env.occurredAt,
      at,
    }).changes === 1;

  /** One event, with what it became recorded for the ahead log. */
  function applyOne(
    storeId: string,
    topic: string,
    env: AnyEnvelope,
    at: string,
    out: BatchOutcome,
    results: EventResult[],
  ) {
    const before = { applied: out.applied, duplicates: out.duplicates, conflicts: out.conflicts };
    const seq = applyEvent(storeId, topic, env, at, out);
    results.push({
      seq: env.seq,
      kind:
        out.applied > before.applied
          ? "new"
          : out.duplicates > before.duplicates && seq !== undefined
            ? "duplicate"
            : out.conflicts > before.conflicts
              ? "conflict"
              : "other",
    });
    return seq;
  }

  /** One event inside the batch transaction. Returns the seq it accounts for, if any. */
  function applyEvent(
    storeId: string,
    topic: string,
    env: AnyEnvelope,
    at: string,
    out: BatchOutcome,
  ): number | undefined {
    if (env.storeId !== storeId) {
      dead.deadLetter(
        storeId,
        env.seq,
        topic,
        {
          code: "invalid",
          field: "storeId",
          message: `event names store ${env.storeId} but came on ${storeId}'s topic`,
        },
        JSON.stringify(env),
        at,
      );
      out.deadLettered++;
      return env.seq;
    }
    const hash = validatedHash(env);
    // The inbox row first: a new event (the common case) needs no look-up. Only when its id or
    // (store, seq) is taken are the existing rows read to tell a duplicate from a conflict.
    // (The insert is a single statement: when it changes nothing, nothing was written.)
    if (!mode.guarded) {
      if (claim(env, storeId, hash, at)) {
        // Optimistic pass: no savepoint; a failure aborts the whole group, which is then
        // replayed with a savepoint per event (see handleMany).
        ledger.applyEffects(env, at, out.alerts);
        dead.supersede(at, storeId, env.seq);
        out.applied++;
        return env.seq;
      }
    }
    const byId: InboxEntry | undefined = q.byId.get({ id: env.id });
    const d = decide(
      { eventId: env.id, storeId, seq: env.seq, hash: byId ? comparableHash(byId.hash, env, hash) : hash },
      byId,
      q.bySeq.get({ storeId, seq: env.seq }),
    );
    if (d.kind === "duplicate" || (byId && sameButSeq(byId, env))) {
      // The same event under a new seq is one a restored edge moved up (resync.ts): HQ has it.
      // Resent at a contested seq (a conflict was there): tell the store HQ holds its event.
      if (byId && byId.seq === env.seq && q.contested.get({ storeId, seq: env.seq }))
        acks.addCheck(storeId, env.seq, env.id);
      out.duplicates++;
      return env.seq;
    }
    if (d.kind === "conflict") {
      const known = q.knownConflict.get({ storeId, seq: env.seq, id: env.id, hash });
      if (known) {
        if (known.status !== "open") acks.addCheck(storeId, env.seq, env.id);
        out.duplicates++;
        // Still held: its seq was counted by the committed event and stays held in the ack.
        return known.status === "open" ? undefined : env.seq;
      }
      acks.conflictOpened(storeId);
      q.conflict.run({
        storeId,
        seq: env.seq,
        id: env.id,
        existingId: d.existing.eventId,
        reason: d.reason,
        existingHash: d.existing.hash,
        hash,
        raw: JSON.stringify(env),
        at,
      });
      out.conflicts++;
      // The committed event keeps its seq; this one is held (listed in the ack's `held`) until
      // a person resolves it (conflicts/conflicts.ts), never acked as delivered.
      return undefined;
    }
    // Here only in the guarded replay (the optimistic pass returned above, or found the row).
    if (!mode.guarded) throw new StateError(env.id, "inbox row neither inserted nor found");
    const alertsBefore = out.alerts.length;
    // Raw SQL: a savepoint (drizzle says one only through its async transaction callback).
    db.exec("SAVEPOINT ev");
    try {
      if (!claim(env, storeId, hash, at))
        throw new StateError(env.id, "inbox row neither inserted nor found");
      ledger.applyEffects(env, at, out.alerts);
      dead.supersede(at, storeId, env.seq);
      db.exec("RELEASE ev");
      out.applied++;
    } catch (e) {
      db.exec("ROLLBACK TO ev");
      db.exec("RELEASE ev");
      out.alerts.splice(alertsBefore); // alerts of the failed event never happened
      stock.forgetAllReorderPoints(); // its alert flags were rolled back too
      dead.deadLetter(
        storeId,
        env.seq,
        topic,
        { code: "apply_failed", field: "", message: (e as Error).message },
        JSON.stringify(env),
        at,
      );
      out.deadLettered++;
    }
    return env.seq;
  }

  /** Whether `env` is the event `existing` holds, apart from its seq. */
  function sameButSeq(existing: InboxEntry, env: AnyEnvelope): boolean {
    if (existing.seq === env.seq) return false;
    const moved = { ...env, seq: existing.seq } as AnyEnvelope;
    return existing.hash === comparableHash(existing.hash, moved, validatedHash(moved));
  }

  return {
    applyOne,
    /** The event at a store's seq, if HQ holds one (for the ahead log). */
    eventAt: (storeId: string, seq: number) => q.bySeq.get({ storeId, seq })?.eventId,
  };
}

export type EventStep = ReturnType<typeof createEventStep>;
