// Ingest's seq state and acks: each store's highest contiguous seq and the seqs received above
// it (seq.ts, pure), loaded from the database once and kept in memory by the only writer; the
// ack a store gets after the commit, with the seqs held by open conflicts and the checks of the
// ahead log (conflicts/ahead.ts) and of the group's decided resends.
import type { EventsAck } from "@retail/protocol";
import { and, asc, eq, gt, isNotNull, sql } from "drizzle-orm";
import type { ConfirmRequest, createAheadLog } from "../conflicts/ahead.ts";
import { withHeld } from "../conflicts/rules.ts";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { conflicts, deadLetters, inbox, lostSeqs, storeSeq } from "../db/schema.ts";
import { missing, receive, type SeqState } from "./seq.ts";

export function createAcks(db: Sqlite, shared: boolean, ahead: ReturnType<typeof createAheadLog>) {
  const seqs = new Map<string, SeqState>();
  // The ingest path (a store's seq state on first use, its head once per group, the held seqs
  // of every ack): prepared once with placeholders.
  const orm = openDrizzle(db);
  const p = sql.placeholder;
  const q = {
    upTo: orm
      .select({ upTo: storeSeq.upToSeq })
      .from(storeSeq)
      .where(eq(storeSeq.storeId, p("storeId")))
      .prepare(),
    inboxAbove: orm
      .select({ seq: inbox.seq })
      .from(inbox)
      .where(and(eq(inbox.storeId, p("storeId")), gt(inbox.seq, p("upTo"))))
      .prepare(),
    deadAbove: orm
      .select({ seq: deadLetters.seq })
      .from(deadLetters)
      .where(
        and(
          eq(deadLetters.storeId, p("storeId")),
          gt(deadLetters.seq, p("upTo")),
          isNotNull(deadLetters.seq),
        ),
      )
      .prepare(),
    lostAbove: orm
      .select({ from: lostSeqs.fromSeq, to: lostSeqs.toSeq })
      .from(lostSeqs)
      .where(and(eq(lostSeqs.storeId, p("storeId")), gt(lostSeqs.toSeq, p("upTo"))))
      .prepare(),
    seqUp: orm
      .insert(storeSeq)
      .values({ storeId: p("storeId"), upToSeq: p("upTo") })
      .onConflictDoUpdate({
        target: storeSeq.storeId,
        set: { upToSeq: sql`MAX(${storeSeq.upToSeq}, excluded.up_to_seq)` },
      })
      .prepare(),
    held: orm
      .select({ seq: conflicts.seq, id: conflicts.eventId })
      .from(conflicts)
      .where(and(eq(conflicts.storeId, p("storeId")), eq(conflicts.status, "open")))
      .orderBy(asc(conflicts.seq), asc(conflicts.eventId))
      .limit(1001)
      .prepare(),
    openStores: orm
      .selectDistinct({ storeId: conflicts.storeId })
      .from(conflicts)
      .where(eq(conflicts.status, "open"))
      .prepare(),
  };

  function seqState(storeId: string): SeqState {
    let s = seqs.get(storeId);
    if (s) return s;
    const upTo = q.upTo.get({ storeId })?.upTo ?? 0;
    const above = new Set<number>();
    for (const r of q.inboxAbove.all({ storeId, upTo })) above.add(r.seq);
    for (const r of q.deadAbove.all({ storeId, upTo })) if (r.seq !== null) above.add(r.seq);
    // Seqs lost with a restored or replaced edge database (resync.ts) count as received.
    for (const r of q.lostAbove.all({ storeId, upTo }))
      for (let n = Math.max(r.from, upTo + 1); n <= r.to; n++) above.add(n);
    // Normalised: rows written inside the current transaction may already fill the gap above.
    s = receive({ upTo, above }, []);
    seqs.set(storeId, s);
    return s;
  }

  /** Writes a store's head (once per store per group). */
  const saveHead = (storeId: string) => q.seqUp.run({ storeId, upTo: seqState(storeId).upTo });

  /** Stores with open conflicts: only their acks need the held seqs looked up. */
  const openConflictStores = new Set(q.openStores.all().map((r) => r.storeId));

  /**
   * Per store, in the current group: a duplicate or an already decided version the store sent
   * again at a contested seq: "HQ has decided on your event there", so a store that suspected
   * another event at that seq stops (the ack's `checks`, as room allows).
   */
  const groupChecks = new Map<string, { seq: number; id: string }[]>();
  function addCheck(storeId: string, seq: number, id: string) {
    const list = groupChecks.get(storeId) ?? [];
    list.push({ seq, id });
    groupChecks.set(storeId, list);
  }

  /** Per store, the replay the last ack asked for to confirm rows (taken by the caller). */
  const confirms = new Map<string, ConfirmRequest>();

  /** The ack's checks: the ahead log's unconfirmed rows and the group's decided resends. */
  function withChecks(
    storeId: string,
    ack: EventsAck,
    decided: { seq: number; id: string }[] = [],
  ): EventsAck {
    const must = ahead.checksFor(storeId, ack.upToSeq);
    if (must.confirm) confirms.set(storeId, must.confirm);
    else confirms.delete(storeId);
    if (must.checks.length === 0 && decided.length === 0 && must.stopBelow === undefined) return ack;
    // More unconfirmed seqs than one ack lists: upToSeq stops below the first one not listed.
    const upToSeq = must.stopBelow !== undefined ? Math.min(ack.upToSeq, must.stopBelow - 1) : ack.upToSeq;
    const seen = new Set<string>();
    const checks: { seq: number; id: string }[] = [];
    for (const c of [...must.checks, ...decided]) {
      const key = `${c.seq}|${c.id}`;
      if (c.seq > upToSeq || seen.has(key) || checks.length >= ahead.MAX_CHECKS) continue;
      seen.add(key);
      checks.push({ seq: c.seq, id: c.id });
    }
    checks.sort((a, b) => a.seq - b.seq);
    const held = ack.held?.filter((h) => h.seq <= upToSeq);
    const base = { upToSeq, missing: ack.missing, ...(held?.length ? { held } : {}) };
    return checks.length ? { ...base, checks } : base;
  }

  function ackOf(storeId: string, state: SeqState): EventsAck {
    const ack = { upToSeq: state.upTo, missing: missing(state) };
    // Another connection (the API's resolutions, a shared worker) may have opened or closed one.
    if (!shared && !openConflictStores.has(storeId)) return ack;
    const open = q.held.all({ storeId });
    if (open.length === 0) openConflictStores.delete(storeId);
    return withHeld(ack, open);
  }

  /** The ack of a store after the commit, with the group's decided resends. */
  function ackFor(storeId: string, withGroupChecks = false): EventsAck {
    return withChecks(
      storeId,
      ackOf(storeId, seqState(storeId)),
      withGroupChecks ? groupChecks.get(storeId) : undefined,
    );
  }

  return {
    seqs,
    seqState,
    saveHead,
    addCheck,
    groupChecks,
    ackFor,
    /** The replay the store's last ack asks for (resend_events fromSeq..toSeq), once. */
    takeConfirm: (storeId: string) => {
      const c = confirms.get(storeId);
      confirms.delete(storeId);
      return c;
    },
    conflictOpened: (storeId: string) => openConflictStores.add(storeId),
  };
}

export type Acks = ReturnType<typeof createAcks>;
