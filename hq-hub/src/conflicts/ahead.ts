// Events HQ committed ahead of a gap in a store's seqs, kept until the store's own traffic
// confirms them (docs/sync.md "Conflicts"). A sender with the store's credentials can commit
// a seq before the store's own event with that seq arrives, and HQ cannot tell the two
// senders apart; only the store can, by its event ids. So every ack lists these seqs with the
// committed id (`checks`) until they are confirmed, and the store never counts one delivered
// whose id is not its own (protocol delivery.ts). Confirmed: a message of the store carries
// the seq as a duplicate in one contiguous run with an event committed in order (a forger
// does not know the store's ids, so it cannot build that run without forging in order).
//
// An event committed in order right on top of an unconfirmed row whose seq is contested (a
// conflict there: HQ has two versions, so a forger is at work) is just as unproven: the forger
// fills the seq HQ expects next once the store's own events have filled the gap below its
// ahead event. So it gets a row too, at its commit, or when the conflict below it opens (the
// store's event at the contested seq arrives after it). The chain stops at the first event
// whose predecessor is uncontested: the store's own traffic after its own conflicts adds at
// most one row, and a store whose own event came ahead (reordered) adds none.
//
// A store's OWN event committed ahead (hub workers sharing the stream commit its later message
// first) is confirmed only if the store happens to resend it after an event below it in one
// message; but its resends cut the outbox where its first send did (they start at the same
// seq), so an event that led its message leads it again, and the store counts it delivered from
// the check anyway and never sends it again. Unconfirmed, such rows piled up until `stopBelow`
// held the store's acks for good. So HQ asks (`confirm`, sent as resend_events with fromSeq and
// toSeq) for the run from the event committed in order just below the lowest run of rows: the
// same proof as before, nothing a forger can answer (it does not know the store's event there).
import { and, eq, gte, inArray, lte, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { conflicts, inbox, seqAhead } from "../db/schema.ts";

/** What ingest did with one event of a message, in message order. */
export interface EventResult {
  seq: number;
  kind: "new" | "duplicate" | "conflict" | "other";
}

/** The most checks one ack lists (the protocol's cap). */
const MAX_CHECKS = 1000;
/** A replay HQ asked for and did not see yet is asked for again after this (a lost command). */
export const CONFIRM_RETRY_MS = 30_000;
/** The most events one confirmation replay asks for (the rows' run and the event below it). */
const MAX_CONFIRM_SPAN = 2000;

/** A replay of the store's events fromSeq..toSeq that confirms the rows in it (resend_events). */
export interface ConfirmRequest {
  fromSeq: number;
  toSeq: number;
}

export function createAheadLog(db: Sqlite, shared: boolean, now: () => Date = () => new Date()) {
  const orm = openDrizzle(db);
  const p = (name: string) => sql.placeholder(name);
  const at = and(eq(seqAhead.storeId, p("storeId")), eq(seqAhead.seq, p("seq")));
  // On the ingest path of every message: prepared once.
  const q = {
    add: orm
      .insert(seqAhead)
      .values({ storeId: p("storeId"), seq: p("seq"), eventId: p("eventId") })
      .onConflictDoUpdate({
        target: [seqAhead.storeId, seqAhead.seq],
        set: { eventId: sql`excluded.event_id` },
      })
      .prepare(),
    has: orm.select({ x: seqAhead.seq }).from(seqAhead).where(at).prepare(),
    del: orm.delete(seqAhead).where(at).prepare(),
    contested: orm
      .select({ x: conflicts.seq })
      .from(conflicts)
      .where(and(eq(conflicts.storeId, p("storeId")), eq(conflicts.seq, p("seq"))))
      .limit(1)
      .prepare(),
    dropFrom: orm
      .delete(seqAhead)
      .where(and(eq(seqAhead.storeId, p("storeId")), gte(seqAhead.seq, p("seq"))))
      .prepare(),
    // Every id HQ has decided on at each unconfirmed seq: the committed one (inbox; a
    // take_store made it the store's) and the incoming versions a person kept or discarded.
    list: orm
      .select({ seq: seqAhead.seq, id: inbox.eventId })
      .from(seqAhead)
      .innerJoin(inbox, and(eq(inbox.storeId, seqAhead.storeId), eq(inbox.seq, seqAhead.seq)))
      .where(and(eq(seqAhead.storeId, p("storeId")), lte(seqAhead.seq, p("upTo"))))
      .unionAll(
        orm
          .select({ seq: seqAhead.seq, id: conflicts.eventId })
          .from(seqAhead)
          .innerJoin(conflicts, and(eq(conflicts.storeId, seqAhead.storeId), eq(conflicts.seq, seqAhead.seq)))
          .where(
            and(
              eq(seqAhead.storeId, p("storeId")),
              lte(seqAhead.seq, p("upTo")),
              inArray(conflicts.status, ["keep_hq", "keep_both"]),
            ),
          ),
      )
      .orderBy(sql`1`, sql`2`)
      .limit(p("limit"))
      .prepare(),
    /** Whether HQ committed an event at the seq (the confirming replay's first event). */
    committed: orm
      .select({ x: inbox.seq })
      .from(inbox)
      .where(and(eq(inbox.storeId, p("storeId")), eq(inbox.seq, p("seq"))))
      .prepare(),
    any: orm
      .select({ x: seqAhead.seq })
      .from(seqAhead)
      .where(eq(seqAhead.storeId, p("storeId")))
      .limit(1)
      .prepare(),
  };
  /** Stores with rows (skips the look-ups for every other store). */
  const stores = new Set(
    orm
      .selectDistinct({ storeId: seqAhead.storeId })
      .from(seqAhead)
      .all()
      .map((r) => r.storeId),
  );
  const concerns = (storeId: string) => shared || stores.has(storeId);

  /**
   * After a message's seqs were counted (inside its transaction): records the events it
   * committed that are still above the gap, and confirms rows the message proves the store's.
   */
  function afterMessage(
    storeId: string,
    results: readonly EventResult[],
    idOf: (seq: number) => string | undefined,
    stillAbove: (seq: number) => boolean,
  ) {
    for (const r of results)
      if (r.kind === "new" && stillAbove(r.seq)) {
        const id = idOf(r.seq);
        if (id) {
          q.add.run({ storeId, seq: r.seq, eventId: id });
          stores.add(storeId);
        }
      }
    if (!concerns(storeId)) return;
    const has = (seq: number) => q.has.get({ storeId, seq }) !== undefined;
    /** An unconfirmed row at a seq HQ holds two versions of. */
    const unprovenBase = (seq: number) => has(seq) && q.contested.get({ storeId, seq }) !== undefined;
    const chain = (seq: number) => {
      const id = idOf(seq);
      if (id) q.add.run({ storeId, seq, eventId: id });
    };
    let anchored = false;
    let prev: number | undefined;
    for (const r of results) {
      if (prev === undefined || r.seq !== prev + 1) anchored = false;
      prev = r.seq;
      if (r.kind === "new") {
        if (stillAbove(r.seq)) continue;
        // Committed in order, but on top of a contested unconfirmed row: unproven (no anchor).
        if (!anchored && unprovenBase(r.seq - 1)) chain(r.seq);
        else anchored = true;
      } else if (r.kind === "duplicate") {
        if (has(r.seq)) {
          if (anchored) q.del.run({ storeId, seq: r.seq });
        } else anchored = true; // committed in order earlier
      } else {
        // A conflict opened at an unconfirmed row: the event committed in order on top of it
        // before now is unproven too.
        if (r.kind === "conflict" && has(r.seq) && !has(r.seq + 1)) chain(r.seq + 1);
        anchored = false;
      }
    }
  }

  /**
   * The checks for a store's ack: every id decided at its unconfirmed seqs <= upTo (lowest
   * first). With more than fit, `stopBelow`: the ack's upToSeq must stay below that seq.
   */
  function checksFor(
    storeId: string,
    upTo: number,
  ): { checks: { seq: number; id: string }[]; stopBelow?: number; confirm?: ConfirmRequest } {
    if (!concerns(storeId)) return { checks: [] };
    const rows = q.list.all({ storeId, upTo, limit: MAX_CHECKS + 1 });
    if (rows.length === 0) {
      if (!shared && !q.any.get({ storeId })) stores.delete(storeId);
      asked.delete(storeId);
      return { checks: [] };
    }
    const cut = rows[MAX_CHECKS];
    const checks = cut ? rows.filter((r) => r.seq < cut.seq) : rows;
    const confirm = confirmFor(storeId, checks);
    return {
      checks,
      ...(cut ? { stopBelow: cut.seq } : {}),
      ...(confirm ? { confirm } : {}),
    };
  }

  /** Per store: the first seq of each replay asked for, and when (ms); kept CONFIRM_RETRY_MS. */
  const asked = new Map<string, Map<number, number>>();

  /**
   * The replay that confirms the lowest run of listed rows not asked for lately: from the event
   * HQ committed in order right below it (the anchor the confirmation rule needs) to the run's
   * top. Runs that cannot be confirmed that way are skipped (a contested seq waits for a person;
   * no event committed below: dead-lettered or lost), so one of them never blocks the others.
   */
  function confirmFor(storeId: string, listed: readonly { seq: number }[]): ConfirmRequest | undefined {
    const t = now().getTime();
    const mine = asked.get(storeId) ?? new Map<number, number>();
    for (const [from, at] of mine) if (t - at >= CONFIRM_RETRY_MS || t < at) mine.delete(from);
    const seqs = [...new Set(listed.map((r) => r.seq))]; // ascending (the list is ordered)
    for (let i = 0; i < seqs.length; ) {
      let j = i;
      while (
        j + 1 < seqs.length &&
        seqs[j + 1] === seqs[j]! + 1 &&
        seqs[j + 1]! - seqs[i]! < MAX_CONFIRM_SPAN
      )
        j++;
      const lo = seqs[i]!;
      const hi = seqs[j]!;
      const below = i > 0 ? seqs[i - 1] : undefined;
      i = j + 1;
      const from = lo - 1;
      // Below a run cut at MAX_CONFIRM_SPAN is a row: asked for once the run below is confirmed.
      if (from < 1 || mine.has(from) || below === from) continue;
      if (q.contested.get({ storeId, seq: lo }) !== undefined) continue;
      if (q.committed.get({ storeId, seq: from }) === undefined) continue;
      mine.set(from, t);
      asked.set(storeId, mine);
      return { fromSeq: from, toSeq: hi };
    }
    if (mine.size === 0) asked.delete(storeId);
    return undefined;
  }

  /** The store's edge database was restored or replaced: rows from `seq` up were the gone one's. */
  function dropFrom(storeId: string, seq: number) {
    q.dropFrom.run({ storeId, seq });
  }

  return { afterMessage, checksFor, dropFrom, MAX_CHECKS };
}

export type AheadLog = ReturnType<typeof createAheadLog>;
