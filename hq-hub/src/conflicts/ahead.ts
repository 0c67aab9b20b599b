// Events HQ committed ahead of a gap in a store's seqs, kept until the store's own traffic
// confirms them (docs/sync.md "Conflicts"). A sender with the store's credentials can commit
// a seq before the store's own event with that seq arrives, and HQ cannot tell the two
// senders apart; only the store can, by its event ids. So every ack lists these seqs with the
// committed id (`checks`) until they are confirmed, and the store never counts one delivered
// whose id is not its own (protocol delivery.ts). Confirmed: a message of the store carries
// the seq as a duplicate in one contiguous run with an event committed in order (a forger
// does not know the store's ids, so it cannot build that run without forging in order).
import type { Sqlite } from "../db/open.ts";

/** What ingest did with one event of a message, in message order. */
export interface EventResult {
  seq: number;
  kind: "new" | "duplicate" | "other";
}

/** The most checks one ack lists (the protocol's cap). */
const MAX_CHECKS = 1000;

export function createAheadLog(db: Sqlite, shared: boolean) {
  const q = {
    add: db.prepare("INSERT OR REPLACE INTO seq_ahead (store_id, seq, event_id) VALUES (?, ?, ?)"),
    has: db.prepare("SELECT 1 AS x FROM seq_ahead WHERE store_id = ? AND seq = ?"),
    del: db.prepare("DELETE FROM seq_ahead WHERE store_id = ? AND seq = ?"),
    dropFrom: db.prepare("DELETE FROM seq_ahead WHERE store_id = ? AND seq >= ?"),
    // Every id HQ has decided on at each unconfirmed seq: the committed one (inbox; a
    // take_store made it the store's) and the incoming versions a person kept or discarded.
    list: db.prepare(
      `SELECT a.seq, i.event_id AS id FROM seq_ahead a JOIN inbox i ON i.store_id = a.store_id AND i.seq = a.seq
         WHERE a.store_id = ? AND a.seq <= ?
       UNION ALL
       SELECT a.seq, c.event_id AS id FROM seq_ahead a JOIN conflicts c ON c.store_id = a.store_id AND c.seq = a.seq
         WHERE a.store_id = ? AND a.seq <= ? AND c.status IN ('keep_hq', 'keep_both')
       ORDER BY 1, 2 LIMIT ?`,
    ),
    any: db.prepare("SELECT 1 AS x FROM seq_ahead WHERE store_id = ? LIMIT 1"),
  };
  /** Stores with rows (skips the look-ups for every other store). */
  const stores = new Set(
    (db.prepare("SELECT DISTINCT store_id FROM seq_ahead").all() as { store_id: string }[]).map(
      (r) => r.store_id,
    ),
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
          q.add.run(storeId, r.seq, id);
          stores.add(storeId);
        }
      }
    if (!concerns(storeId)) return;
    let anchored = false;
    let prev: number | undefined;
    for (const r of results) {
      if (prev === undefined || r.seq !== prev + 1) anchored = false;
      prev = r.seq;
      if (r.kind === "new") anchored ||= !stillAbove(r.seq);
      else if (r.kind === "duplicate") {
        if (q.has.get(storeId, r.seq)) {
          if (anchored) q.del.run(storeId, r.seq);
        } else anchored = true; // committed in order earlier
      } else anchored = false;
    }
  }

  /**
   * The checks for a store's ack: every id decided at its unconfirmed seqs <= upTo (lowest
   * first). With more than fit, `stopBelow`: the ack's upToSeq must stay below that seq.
   */
  function checksFor(
    storeId: string,
    upTo: number,
  ): { checks: { seq: number; id: string }[]; stopBelow?: number } {
    if (!concerns(storeId)) return { checks: [] };
    const rows = q.list.all(storeId, upTo, storeId, upTo, MAX_CHECKS + 1) as { seq: number; id: string }[];
    if (rows.length === 0) {
      if (!shared && !q.any.get(storeId)) stores.delete(storeId);
      return { checks: [] };
    }
    const cut = rows[MAX_CHECKS];
    return cut ? { checks: rows.filter((r) => r.seq < cut.seq), stopBelow: cut.seq } : { checks: rows };
  }

  /** The store's edge database was restored or replaced: rows from `seq` up were the gone one's. */
  function dropFrom(storeId: string, seq: number) {
    q.dropFrom.run(storeId, seq);
  }

  return { afterMessage, checksFor, dropFrom, MAX_CHECKS };
}

export type AheadLog = ReturnType<typeof createAheadLog>;
