// The ahead log's chain (ahead.ts): an event committed in order on top of a contested,
// unconfirmed row is listed in the ack's checks like the row below it, so the store never
// counts its own event at that seq delivered while HQ holds a forged one there. The first case
// is the model test's counterexample (MODEL_SEED=-2140228142), which failed before the chain.
import { afterAll, describe, expect, test } from "bun:test";
import { type AnyEnvelope, applyAck, type DeliveryState, EventsAckV1, isDelivered } from "@retail/protocol";
import { saleEvent } from "../test-kit.ts";
import { conflictsTestBed } from "./test-bed.ts";

const { db, ingest, conflicts, close } = conflictsTestBed("ahead-chain-");
afterAll(close);

/** One MQTT message of the store's topic (the store's or the forger's), and the ack it got. */
const send = (store: string, events: AnyEnvelope[]) =>
  EventsAckV1.parse(
    JSON.parse(
      JSON.stringify(ingest.handleBatch(store, `retail/v1/s/${store}/up/events`, JSON.stringify(events)).ack),
    ),
  );
const forged = (store: string, seq: number) => saleEvent(store, seq, { lines: 1, unitPrice: 88_800 });
const rows = (store: string) =>
  (
    db.prepare("SELECT seq FROM seq_ahead WHERE store_id = ? ORDER BY seq").all(store) as { seq: number }[]
  ).map((r) => r.seq);
const openOf = (store: string) =>
  (
    db
      .prepare("SELECT id, event_id FROM conflicts WHERE store_id = ? AND status = 'open' ORDER BY id")
      .all(store) as {
      id: number;
      event_id: string;
    }[]
  ).map((r) => r.id);

describe("ahead log: events committed on top of a contested row", () => {
  test("a forged event at HQ's next seq, above a forged ahead event, is checked: the store never counts its own delivered there", () => {
    const store = "A1";
    const real = [1, 2, 3, 4].map((seq) => saleEvent(store, seq, { lines: 1 }));
    const idAt = (seq: number) => real[seq - 1]?.id;
    send(store, [forged(store, 3)]); // ahead of the store (it has sold nothing yet)
    send(store, [real[0]!, real[1]!]); // the store's 1 and 2 fill the gap: HQ's head is 3
    const f4 = forged(store, 4);
    send(store, [f4]); // the seq HQ expects next, before the store has sold its 4th sale
    // The store resends 1..3 (its 3 is held: a conflict) and has handed 3 and 4 to the broker.
    const ack = send(store, [real[0]!, real[1]!, real[2]!]);
    expect(ack.checks).toContainEqual({ seq: 4, id: f4.id });
    const state: DeliveryState = { ackedUpTo: 0, held: [], suspect: [] };
    const out = applyAck(state, ack, { attemptedUpTo: 4, idAt });
    // Before the chain: upToSeq 4, held [3], no check at 4: the store counted its 4 delivered.
    expect({ delivered4: isDelivered(out, 4), held: out.held, suspect: out.suspect }).toEqual({
      delivered4: false,
      held: [3],
      suspect: [4],
    });

    // Its 4 arrives and is held; a person takes the store's versions: everything delivered.
    let s: DeliveryState = out;
    const apply = (a: ReturnType<typeof send>) => {
      s = applyAck(s, a, { attemptedUpTo: 4, idAt });
    };
    apply(send(store, [real[2]!, real[3]!]));
    expect(s.held).toEqual([3, 4]);
    for (const id of openOf(store)) conflicts.resolve(id, "take_store", "test");
    apply(EventsAckV1.parse(JSON.parse(JSON.stringify(ingest.ackFor(store)))));
    expect(real.map((e) => isDelivered(s, e.seq))).toEqual([true, true, true, true]);
    const receipts = db
      .prepare("SELECT receipt_no FROM sales WHERE store_id = ? ORDER BY receipt_no")
      .all(store) as { receipt_no: string }[];
    expect(receipts.map((r) => r.receipt_no)).toEqual(real.map((e) => e.payload.receiptNo).sort());
  });

  test("a forged event committed on top of a row after the store's event there was held is checked at once", () => {
    const store = "A2";
    const real = [1, 2, 3].map((seq) => saleEvent(store, seq, { lines: 1 }));
    send(store, [forged(store, 3)]);
    send(store, real); // 1 and 2 new, 3 held: seq 3 is contested
    const f4 = forged(store, 4);
    const ack = send(store, [f4]);
    expect(ack.checks).toContainEqual({ seq: 4, id: f4.id });
    expect(rows(store)).toEqual([3, 4]);
  });

  test("the chain stops at the store's own traffic: its next sale adds one row, the ones after none; a reordered store's sales none", () => {
    const contested = "A3";
    const real = [1, 2, 3, 4, 5, 6].map((seq) => saleEvent(contested, seq, { lines: 1 }));
    send(contested, [forged(contested, 3)]);
    send(contested, real.slice(0, 3));
    for (const e of real.slice(3)) send(contested, [e]); // one sale per message, as a quiet till
    expect(rows(contested)).toEqual([3, 4]);

    const reordered = "A4";
    const own = [1, 2, 3, 4, 5].map((seq) => saleEvent(reordered, seq, { lines: 1 }));
    send(reordered, [own[2]!]); // its own 3 overtook 1 and 2
    send(reordered, [own[0]!, own[1]!]);
    send(reordered, [own[3]!]);
    send(reordered, [own[4]!]);
    expect(rows(reordered)).toEqual([3]);
    expect(ingest.ackFor(reordered)).toEqual({
      upToSeq: 5,
      missing: [],
      checks: [{ seq: 3, id: own[2]!.id }],
    });
  });
});
