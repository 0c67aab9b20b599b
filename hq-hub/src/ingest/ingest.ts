// Exactly-once ingest of a store's event batches, the steps wired in order: decode and
// validate (protocol's parseEventBatch), the seq/dedupe decision per event (decide.ts, the
// inbox row), the ledger rows and their effects (ledger.ts: sales, stock.ts, points, coupons,
// price findings), dead letters (dead-letters.ts), and the acks after the commit (acks.ts).
// Group commit: several MQTT messages in ONE transaction, optimistic first; if anything
// fails the group is replayed with a savepoint per message and per event, so only the
// failing event (or message) is dead-lettered; if even that cannot commit, each message
// alone. The acks (and stock alerts) are returned for the caller to publish after the commit.
import { type AnyEnvelope, MessageError, type MoneyCaps, parseEventBatch } from "@retail/protocol";
import { createAheadLog, type EventResult } from "../conflicts/ahead.ts";
import type { Sqlite } from "../db/open.ts";
import { StateError } from "../errors.ts";
import { createAcks } from "./acks.ts";
import { createDeadLetters, failure, rawText } from "./dead-letters.ts";
import { salvageSeq } from "./decide.ts";
import { type BatchOutcome, createEventStep } from "./event.ts";
import { createLedgerStep } from "./ledger.ts";
import type { CatalogView } from "./price-audit.ts";
import { createRowWriter, type IngestMode } from "./rows.ts";
import { receive } from "./seq.ts";
import { createStockStep, type StockAlertOut } from "./stock.ts";

export type { BatchOutcome } from "./event.ts";
export type { StockAlertOut } from "./stock.ts";

export interface IngestDeps {
  db: Sqlite;
  now: () => Date;
  /**
   * Several hub workers share the events stream (MQTT 5 shared subscription): a store's
   * events may reach any of them, so the seq state is re-read inside each write transaction
   * (taken IMMEDIATE so the workers serialise on the database) instead of trusted from memory.
   */
  shared?: boolean;
  /** The catalog a store had at a version (for re-pricing sales); undefined skips the audit. */
  catalogAt?: (storeId: string, version: number) => CatalogView;
  /** The chain's caps on sales and returns, at most the protocol's (hq-hub.json moneyCaps). */
  moneyCaps?: MoneyCaps;
}

export function createIngest(deps: IngestDeps) {
  const { db, now } = deps;
  /** Stores whose seq state moved in the current transaction. */
  const seqTouched = new Set<string>();
  /** Whether events get a savepoint each (the replay after an optimistic group failed). */
  const mode: IngestMode = { guarded: false };
  const rows = createRowWriter(db, mode);
  const stock = createStockStep(db, rows, mode, deps.shared === true);
  const ledger = createLedgerStep(db, rows, stock, deps);
  const dead = createDeadLetters(db, now);
  /** Events committed ahead of a gap, listed in every ack until confirmed (conflicts/ahead.ts). */
  const ahead = createAheadLog(db, deps.shared === true, now);
  const acks = createAcks(db, deps.shared === true, ahead);
  const events = createEventStep(db, mode, { ledger, stock, dead, acks });
  /** What each event of the current message became, in order (for the ahead log). */
  let results: EventResult[] = [];

  const emptyOutcome = (storeId: string): BatchOutcome => ({
    storeId,
    ack: { upToSeq: 0, missing: [] },
    applied: 0,
    duplicates: 0,
    conflicts: 0,
    deadLettered: 0,
    alerts: [],
  });

  /** One MQTT payload's events, inside the caller's transaction. */
  function applyMessage(storeId: string, topic: string, payload: Buffer | string, at: string): BatchOutcome {
    const out: BatchOutcome = {
      storeId,
      ack: { upToSeq: 0, missing: [] },
      applied: 0,
      duplicates: 0,
      conflicts: 0,
      deadLettered: 0,
      alerts: [],
    };
    if (deps.shared) acks.seqs.delete(storeId); // another worker may have moved it
    const state = acks.seqState(storeId);
    results = [];
    let parsed: ReturnType<typeof parseEventBatch>;
    try {
      parsed = parseEventBatch(payload);
    } catch (e) {
      // Whatever parsing throws is this message's problem alone (parseEventBatch bounds its
      // input, but a RangeError or a TypeError must not fail the others in the group).
      const err = e instanceof MessageError ? e : { code: "bad_json", field: "", message: String(e) };
      dead.deadLetter(storeId, undefined, topic, err, rawText(payload), at);
      out.deadLettered++;
      return out;
    }
    const counted: number[] = [];
    /** Elements without a readable seq: one dead letter for all of them (see below). */
    const seqless: { index: number; error: MessageError; raw: string }[] = [];
    // Elements in their original order, valid or not, so seqs are counted as sent.
    const rejectedAt = new Map(parsed.rejected.map((r) => [r.index, r]));
    let v = 0;
    const total = parsed.events.length + parsed.rejected.length;
    for (let i = 0; i < total; i++) {
      const rej = rejectedAt.get(i);
      if (rej) {
        let seq: number | undefined;
        try {
          seq = salvageSeq(JSON.parse(rej.raw));
        } catch {
          seq = undefined;
        }
        if (seq === undefined) {
          seqless.push(rej);
          continue;
        }
        dead.deadLetter(storeId, seq, topic, rej.error, rej.raw, at);
        out.deadLettered++;
        counted.push(seq);
        results.push({ seq, kind: "other" });
        continue;
      }
      const env = parsed.events[v++]!;
      const seq = events.applyOne(storeId, topic, env, at, out, results);
      if (seq !== undefined) counted.push(seq);
    }
    // Garbage elements (no envelope, no seq) count nothing: one dead letter per message keeps
    // a batch of 2,000 of them from writing 2,000 rows.
    if (seqless.length === 1) {
      const r = seqless[0]!;
      dead.deadLetter(storeId, undefined, topic, r.error, r.raw, at);
      out.deadLettered++;
    } else if (seqless.length > 1) {
      const r = seqless[0]!;
      dead.deadLetter(
        storeId,
        undefined,
        topic,
        {
          code: r.error.code,
          field: `[${r.index}]${r.error.field ? `.${r.error.field}` : ""}`,
          message: `${seqless.length} elements are not envelopes; the first, element ${r.index}: ${r.error.message}`,
        },
        rawText(payload),
        at,
      );
      out.deadLettered++;
    }
    const before = state.upTo;
    receive(state, counted);
    ahead.afterMessage(
      storeId,
      results,
      (seq) => events.eventAt(storeId, seq),
      (seq) => state.above.has(seq),
    );
    // Written once per store per group (handleMany), not once per message.
    if (state.upTo !== before || counted.length) seqTouched.add(storeId);
    return out;
  }

  /**
   * Ingests several MQTT payloads (of any stores) in ONE transaction: a commit per message
   * would cost more than the events themselves (group commit). Each event is still atomic with
   * its inbox row (savepoint). Acks reflect the state after the commit.
   */
  function handleMany(
    messages: readonly { storeId: string; topic: string; payload: Buffer | string }[],
  ): BatchOutcome[] {
    const at = now().toISOString();
    let outs: BatchOutcome[] = [];
    const tx = db.transaction(() => {
      seqTouched.clear();
      acks.groupChecks.clear();
      rows.clear();
      ledger.startGroup();
      outs = messages.map((m) =>
        mode.guarded
          ? applyIsolated(m.storeId, m.topic, m.payload, at)
          : applyMessage(m.storeId, m.topic, m.payload, at),
      );
      rows.flush();
      for (const storeId of seqTouched) acks.saveHead(storeId);
    });
    const run = () => (deps.shared ? tx.immediate() : tx());
    try {
      mode.guarded = false;
      run();
    } catch {
      // Rolled back: the in-memory state may be ahead of the database; reload it, and replay
      // the group with a savepoint per event so that only the failing event is dead-lettered.
      acks.seqs.clear();
      stock.forgetAllReorderPoints();
      mode.guarded = true;
      try {
        run();
      } catch (e) {
        acks.seqs.clear();
        stock.forgetAllReorderPoints();
        // Not one message's fault as far as savepoints could tell (the group's own writes or
        // its commit failed): split the group, each message in its own transaction, so the
        // good ones commit and only a message that fails alone is dead-lettered.
        if (messages.length === 1) return [deadLetterWhole(messages[0]!, at, e)];
        mode.guarded = false;
        return messages.flatMap((m) => handleMany([m]));
      }
    } finally {
      mode.guarded = false;
    }
    for (const out of outs) {
      out.ack = acks.ackFor(out.storeId, true);
      const confirm = acks.takeConfirm(out.storeId);
      if (confirm) out.confirm = confirm;
    }
    acks.groupChecks.clear();
    return outs;
  }

  /**
   * One message of the guarded replay in its own savepoint: anything it throws outside its
   * events' savepoints rolls back that message only, which is dead-lettered with the reason.
   */
  function applyIsolated(storeId: string, topic: string, payload: Buffer | string, at: string): BatchOutcome {
    // Raw SQL: a savepoint (drizzle says one only through its async transaction callback).
    db.exec("SAVEPOINT msg");
    try {
      const out = applyMessage(storeId, topic, payload, at);
      db.exec("RELEASE msg");
      return out;
    } catch (e) {
      db.exec("ROLLBACK TO msg");
      db.exec("RELEASE msg");
      acks.seqs.delete(storeId); // reloaded from the database on next use
      stock.forgetAllReorderPoints();
      dead.deadLetter(storeId, undefined, topic, failure(e), rawText(payload), at);
      return { ...emptyOutcome(storeId), deadLettered: 1 };
    }
  }

  /** A message that fails even alone: dead-lettered in a transaction of its own. */
  function deadLetterWhole(
    m: { storeId: string; topic: string; payload: Buffer | string },
    at: string,
    e: unknown,
  ): BatchOutcome {
    const write = db.transaction(() =>
      dead.deadLetter(m.storeId, undefined, m.topic, failure(e), rawText(m.payload), at),
    );
    if (deps.shared) write.immediate();
    else write();
    return {
      ...emptyOutcome(m.storeId),
      deadLettered: 1,
      ack: acks.ackFor(m.storeId),
    };
  }

  /** Ingests one MQTT payload from a store's up/events topic. */
  function handleBatch(storeId: string, topic: string, payload: Buffer | string): BatchOutcome {
    return handleMany([{ storeId, topic, payload }])[0]!;
  }

  /** An admin fixes (optionally) and replays a dead letter through the normal path. */
  function replay(id: number, actor: string, fixedRaw?: string): BatchOutcome {
    const dl = dead.openLetter(id);
    const raw = fixedRaw ?? dl.raw;
    // Replayed as a batch of one; the resolution is recorded only if it did not dead-letter again.
    const text = raw.trim().startsWith("[") ? raw : `[${raw}]`;
    const out = handleBatch(dl.storeId, dl.topic, text);
    const ok = out.deadLettered === 0 && out.conflicts === 0;
    if (ok) dead.markReplayed(id, actor);
    return out;
  }

  /** A bad non-ledger message (status, fetch, query): kept for inspection, counts no seq. */
  function deadLetterRaw(
    storeId: string,
    topic: string,
    error: { message: string; field: string; code?: string },
    raw: string,
  ) {
    dead.deadLetter(storeId, undefined, topic, error, raw, now().toISOString());
  }

  return {
    handleBatch,
    handleMany,
    /** After an admin changed a store's reorder points. */
    forgetReorderPoints: stock.forgetReorderPoints,
    replay,
    discard: dead.discard,
    deadLetterRaw,
    /** HQ's head (contiguous) and highest seq for a store, fresh when workers share the stream. */
    seqView: (storeId: string) => {
      if (deps.shared) acks.seqs.delete(storeId);
      const st = acks.seqState(storeId);
      let max = st.upTo;
      for (const q of st.above) if (q > max) max = q;
      return { state: st, head: st.upTo, max };
    },
    /** Counts seqs as received (already written to lost_seqs by the caller's transaction). */
    markReceived: (storeId: string, seqList: number[]) => {
      receive(acks.seqState(storeId), seqList);
      acks.saveHead(storeId);
      // Lost with a gone edge database: the events committed ahead of them were that
      // database's, which no store will confirm (the new one moved its own above HQ's max).
      if (seqList.length) ahead.dropFrom(storeId, Math.min(...seqList));
    },
    /** Drops the cached seq state of a store (another connection changed it). */
    forgetSeq: (storeId: string) => acks.seqs.delete(storeId),
    ackFor: (storeId: string) => {
      if (deps.shared) acks.seqs.delete(storeId); // another connection may have moved it
      return acks.ackFor(storeId);
    },

    /**
     * A conflict resolution applies an incoming version (take_store, keep_both): its effects,
     * written at once (not deferred), inside the caller's transaction. Returns the stock alerts.
     */
    applyResolved(env: AnyEnvelope, at: string): StockAlertOut[] {
      if (!db.inTransaction) throw new StateError(env.id, "applyResolved outside a transaction");
      const alerts: StockAlertOut[] = [];
      const was = mode.guarded;
      mode.guarded = true;
      try {
        ledger.applyEffects(env, at, alerts);
      } catch (e) {
        stock.forgetAllReorderPoints(); // its alert flags roll back with the caller's transaction
        throw e;
      } finally {
        mode.guarded = was;
      }
      return alerts;
    },
    /** A store whose conflicts changed elsewhere (a resolution): its next ack looks them up. */
    conflictsChanged: acks.conflictOpened,
  };
}

export type Ingest = ReturnType<typeof createIngest>;
