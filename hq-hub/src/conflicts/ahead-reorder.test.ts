// The ahead log under legitimate reordering (no forger): hub workers sharing the events stream
// (external broker, shared subscription) commit a store's later message before its earlier
// one, so the later message's events are recorded ahead of the gap (seq_ahead). The store's own
// resends cut its outbox at the same places (they start at the same seq), so such an event is
// always FIRST in its message and the confirmation rule (a duplicate in one contiguous run
// after an event committed in order, ahead.ts) never fires: past 1,000 unconfirmed rows the
// ack's upToSeq stops below the 1,001st (`stopBelow`) for good, every sale above it undelivered.
// HQ now asks the store to replay the run from the event below each unconfirmed row
// (resend_events { fromSeq, toSeq }), which confirms it by the existing rule.
import { afterAll, describe, expect, test } from "bun:test";
import { type AnyEnvelope, applyAck, type DeliveryState, EventsAckV1, isDelivered } from "@retail/protocol";
import { migrate, openDatabase } from "../db/open.ts";
import { type BatchOutcome, createIngest } from "../ingest/ingest.ts";
import { saleEvent, tempDir } from "../test-kit.ts";

const dir = tempDir("ahead-reorder-");
let clock = Date.parse("2026-12-07T10:00:00Z");
const now = () => new Date(clock);
const dbA = openDatabase({ dataDir: dir.path });
migrate(dbA);
const dbB = openDatabase({ dataDir: dir.path });
// Two hub workers on one database, each re-reading a store's seq state in its transaction.
const workerA = createIngest({ db: dbA, now, shared: true });
const workerB = createIngest({ db: dbB, now, shared: true });
afterAll(() => {
  dbA.close();
  dbB.close();
  dir.remove();
});

const rowsOf = (store: string) =>
  (
    dbA.prepare("SELECT seq FROM seq_ahead WHERE store_id = ? ORDER BY seq").all(store) as { seq: number }[]
  ).map((r) => r.seq);

/**
 * The store's side, as store-edge/src/link/outbox-sender.ts does it: messages of at most `cut`
 * events cut from where a send starts (a backlog drain, the resend of a gap, the resend after
 * an ack timeout, a replay HQ asked for), the protocol's delivery rule on every ack.
 */
function edgeOf(store: string, events: AnyEnvelope[], cut: number) {
  const idAt = (seq: number) => events[seq - 1]?.id;
  let state: DeliveryState = { ackedUpTo: 0, held: [], suspect: [] };
  let attempted = 0;
  const inbox: BatchOutcome[] = [];
  const topic = `retail/v1/s/${store}/up/events`;
  let turn = 0;
  /** One message to one of the workers (alternating unless told). */
  const publish = (msg: AnyEnvelope[], worker = turn++ % 2 === 0 ? workerA : workerB) => {
    attempted = Math.max(attempted, ...msg.map((e) => e.seq));
    inbox.push(worker.handleBatch(store, topic, JSON.stringify(msg)));
  };
  const messages = (from: number, to: number) => {
    const out: AnyEnvelope[][] = [];
    for (let s = from; s <= to; s += cut) out.push(events.slice(s - 1, Math.min(to, s + cut - 1)));
    return out;
  };
  /** The acks (and commands) HQ published, in order, until none is left. */
  const settle = () => {
    for (let guard = 0; inbox.length > 0; guard++) {
      if (guard > 100_000) throw new Error("acks never settle");
      const out = inbox.shift()!;
      const ack = EventsAckV1.parse(JSON.parse(JSON.stringify(out.ack)));
      const r = applyAck(state, ack, { attemptedUpTo: attempted, idAt });
      state = r;
      // A gap HQ reported (and its resend_events command): everything from it sent again.
      const gap = ack.missing[0];
      if (gap && gap.from <= attempted) for (const m of messages(gap.from, attempted)) publish(m, workerA);
      if (r.resendFrom !== undefined) for (const m of messages(r.resendFrom, attempted)) publish(m, workerA);
      // HQ asked for a replay to confirm the events it committed ahead (resend_events with toSeq).
      if (out.confirm) for (const m of messages(out.confirm.fromSeq, out.confirm.toSeq)) publish(m, workerA);
    }
  };
  return {
    publish,
    /** Handed to the broker, never delivered (the connection dropped). */
    lose: (msg: AnyEnvelope[]) => {
      attempted = Math.max(attempted, ...msg.map((e) => e.seq));
    },
    messages,
    settle,
    state: () => state,
    /** No ack moved for ackTimeoutMs: everything above the cursor again. */
    ackTimeout: () => {
      if (state.ackedUpTo < attempted) for (const m of messages(state.ackedUpTo + 1, attempted)) publish(m);
    },
    /** The ack a later group, a hello or a resolution would publish. */
    ackNow: () => {
      inbox.push({ ...emptyOutcome(store), ack: workerA.ackFor(store) });
      settle();
    },
  };
}

const emptyOutcome = (storeId: string): BatchOutcome => ({
  storeId,
  ack: { upToSeq: 0, missing: [] },
  applied: 0,
  duplicates: 0,
  conflicts: 0,
  deadLettered: 0,
  alerts: [],
});

describe("ahead log: a store's own events reordered by shared ingest workers", () => {
  test("over 1,000 reordered messages of one store: every row confirmed, the ack reaches the last sale", () => {
    const store = "R1";
    // 2,008 sales in messages of 2: each second message overtakes the one before it at HQ
    // (it went to the other worker), so 502 messages (1,004 sales) are committed ahead.
    const n = 2008;
    const events = Array.from({ length: n }, (_, i) => saleEvent(store, i + 1, { lines: 1 }));
    const edge = edgeOf(store, events, 2);
    const drain = edge.messages(1, n);
    for (let i = 0; i + 1 < drain.length; i += 2) {
      edge.publish(drain[i + 1]!, workerB);
      edge.publish(drain[i]!, workerA);
      edge.settle();
    }
    // The store keeps resending above its cursor while no ack moves (minutes of ack timeouts).
    for (let round = 0; round < 3; round++) {
      clock += 60_000;
      edge.ackTimeout();
      edge.settle();
    }
    edge.ackNow();
    const ack = workerA.ackFor(store);
    // Before: upToSeq stopped at 2,001 (below the 1,001st row, seq 2,003) for good, and the
    // store counted nothing above it delivered; 1,004 rows were never confirmed.
    expect({ upToSeq: ack.upToSeq, checks: ack.checks?.length ?? 0, rows: rowsOf(store).length }).toEqual({
      upToSeq: n,
      checks: 0,
      rows: 0,
    });
    expect(edge.state()).toMatchObject({ ackedUpTo: n, held: [], suspect: [] });
    expect(events.every((e) => isDelivered(edge.state(), e.seq))).toBe(true);
    const sales = dbA.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = ?").get(store) as {
      n: number;
    };
    expect(sales.n).toBe(n);
  }, 120_000);

  test("the replay HQ asks for never confirms a forged ahead event: the store's own is held, not delivered", () => {
    const store = "R2";
    const own = [1, 2, 3, 4].map((seq) => saleEvent(store, seq, { lines: 1 }));
    const edge = edgeOf(store, own, 2);
    // A sender with the store's credentials fills seq 3 first; the store's 3 is lost in flight.
    const forged = saleEvent(store, 3, { lines: 1, unitPrice: 88_800 });
    workerB.handleBatch(store, `retail/v1/s/${store}/up/events`, JSON.stringify([forged]));
    edge.publish([own[0]!, own[1]!], workerA);
    edge.lose([own[2]!]);
    edge.settle();
    expect(rowsOf(store)).toEqual([3]);
    // The store's 3 was checked against the forged id (suspect) and sent again: held as a
    // conflict; the row stays until a person decides.
    expect(edge.state().suspect.concat(edge.state().held)).toContain(3);
    expect(isDelivered(edge.state(), 3)).toBe(false);
    const open = dbA
      .prepare("SELECT COUNT(*) AS n FROM conflicts WHERE store_id = ? AND seq = 3 AND status = 'open'")
      .get(store) as { n: number };
    expect(open.n).toBe(1);
    clock += 60_000;
    edge.ackNow();
    expect(rowsOf(store)).toEqual([3]);
    expect(isDelivered(edge.state(), 3)).toBe(false);
  });
});
