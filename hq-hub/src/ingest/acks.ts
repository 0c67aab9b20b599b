// Ingest's seq state and acks: each store's highest contiguous seq and the seqs received above
// it (seq.ts, pure), loaded from the database once and kept in memory by the only writer; the
// ack a store gets after the commit, with the seqs held by open conflicts and the checks of the
// ahead log (conflicts/ahead.ts) and of the group's decided resends.
import type { EventsAck } from "@retail/protocol";
import type { createAheadLog } from "../conflicts/ahead.ts";
import { withHeld } from "../conflicts/rules.ts";
import type { Sqlite } from "../db/open.ts";
import { missing, receive, type SeqState } from "./seq.ts";

export function createAcks(db: Sqlite, shared: boolean, ahead: ReturnType<typeof createAheadLog>) {
  const seqs = new Map<string, SeqState>();
  // Raw SQL: the ingest path (a store's seq state on first use, its head once per group, the
  // held seqs of every ack), prepared once and bound positionally like rows.ts.
  const q = {
    upTo: db.prepare("SELECT up_to_seq FROM store_seq WHERE store_id = ?"),
    inboxAbove: db.prepare("SELECT seq FROM inbox WHERE store_id = ? AND seq > ?"),
    deadAbove: db.prepare("SELECT seq FROM dead_letters WHERE store_id = ? AND seq > ? AND seq IS NOT NULL"),
    lostAbove: db.prepare("SELECT from_seq, to_seq FROM lost_seqs WHERE store_id = ? AND to_seq > ?"),
    seqUp: db.prepare(
      "INSERT INTO store_seq (store_id, up_to_seq) VALUES (?, ?) ON CONFLICT (store_id) DO UPDATE SET up_to_seq = MAX(up_to_seq, excluded.up_to_seq)",
    ),
    held: db.prepare(
      "SELECT seq, event_id AS id FROM conflicts WHERE store_id = ? AND status = 'open' ORDER BY seq, event_id LIMIT 1001",
    ),
  };

  function seqState(storeId: string): SeqState {
    let s = seqs.get(storeId);
    if (s) return s;
    const row = q.upTo.get(storeId) as { up_to_seq: number } | undefined;
    const upTo = row?.up_to_seq ?? 0;
    const above = new Set<number>();
    for (const r of q.inboxAbove.all(storeId, upTo) as { seq: number }[]) above.add(r.seq);
    for (const r of q.deadAbove.all(storeId, upTo) as { seq: number }[]) above.add(r.seq);
    // Seqs lost with a restored or replaced edge database (resync.ts) count as received.
    for (const r of q.lostAbove.all(storeId, upTo) as { from_seq: number; to_seq: number }[])
      for (let n = Math.max(r.from_seq, upTo + 1); n <= r.to_seq; n++) above.add(n);
    // Normalised: rows written inside the current transaction may already fill the gap above.
    s = receive({ upTo, above }, []);
    seqs.set(storeId, s);
    return s;
  }

  /** Writes a store's head (once per store per group). */
  const saveHead = (storeId: string) => q.seqUp.run(storeId, seqState(storeId).upTo);

  /** Stores with open conflicts: only their acks need the held seqs looked up. */
  const openConflictStores = new Set(
    (
      db.prepare("SELECT DISTINCT store_id FROM conflicts WHERE status = 'open'").all() as {
        store_id: string;
      }[]
    ).map((r) => r.store_id),
  );

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

  /** The ack's checks: the ahead log's unconfirmed rows and the group's decided resends. */
  function withChecks(
    storeId: string,
    ack: EventsAck,
    decided: { seq: number; id: string }[] = [],
  ): EventsAck {
    const must = ahead.checksFor(storeId, ack.upToSeq);
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
    const open = q.held.all(storeId) as { seq: number; id: string }[];
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
    conflictOpened: (storeId: string) => openConflictStores.add(storeId),
  };
}

export type Acks = ReturnType<typeof createAcks>;
