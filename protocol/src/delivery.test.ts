// The store's delivery rule (applyAck), case by case; the random interleavings are in
// hq-hub/src/conflicts/conflicts.model.test.ts.
import { describe, expect, test } from "bun:test";
import { applyAck, isDelivered } from "./delivery.ts";

const ids: Record<number, string> = { 1: "a1", 2: "a2", 3: "a3", 4: "a4", 5: "a5" };
const ctx = (attemptedUpTo = 5) => ({ attemptedUpTo, idAt: (s: number) => ids[s] });
const start = { ackedUpTo: 0, held: [] as number[], suspect: [] as number[] };

describe("applyAck", () => {
  test("an ack moves the cursor, but never past what was handed to the broker", () => {
    expect(applyAck(start, { upToSeq: 5, missing: [] }, ctx(3))).toMatchObject({
      ackedUpTo: 3,
      changed: true,
    });
  });

  test("our event held at HQ stays undelivered until an ack no longer lists it", () => {
    const held = applyAck(start, { upToSeq: 5, missing: [], held: [{ seq: 4, id: "a4" }] }, ctx());
    expect(held).toMatchObject({ ackedUpTo: 5, held: [4] });
    expect(isDelivered(held, 4)).toBe(false);
    expect(isDelivered(held, 5)).toBe(true);
    const released = applyAck(held, { upToSeq: 5, missing: [] }, ctx());
    expect(released).toMatchObject({ ackedUpTo: 5, held: [], changed: true });
    expect(isDelivered(released, 4)).toBe(true);
  });

  test("another sender's event held at our seq says nothing about ours", () => {
    const out = applyAck(start, { upToSeq: 5, missing: [], held: [{ seq: 4, id: "forged" }] }, ctx());
    expect(out.held).toEqual([]);
    expect(isDelivered(out, 4)).toBe(true);
  });

  test("a stale ack (lower upToSeq) releases nothing", () => {
    const held = { ackedUpTo: 5, held: [4], suspect: [] };
    expect(applyAck(held, { upToSeq: 3, missing: [] }, ctx())).toMatchObject({ held: [4], changed: false });
  });

  test("a check naming another id: suspect, the cursor stays below it and ours is sent again", () => {
    const out = applyAck(start, { upToSeq: 5, missing: [], checks: [{ seq: 3, id: "forged" }] }, ctx());
    expect(out).toMatchObject({ ackedUpTo: 2, suspect: [3], resendFrom: 3 });
    // Later acks without the check keep it suspect; HQ holding ours turns it into held.
    expect(applyAck(out, { upToSeq: 5, missing: [] }, ctx())).toMatchObject({ ackedUpTo: 2, suspect: [3] });
    const nowHeld = applyAck(out, { upToSeq: 5, missing: [], held: [{ seq: 3, id: "a3" }] }, ctx());
    expect(nowHeld).toMatchObject({ ackedUpTo: 5, held: [3], suspect: [] });
    // HQ decided on ours (a check listing our id): delivered.
    const decided = applyAck(
      out,
      {
        upToSeq: 5,
        missing: [],
        checks: [
          { seq: 3, id: "a3" },
          { seq: 3, id: "forged" },
        ],
      },
      ctx(),
    );
    expect(decided).toMatchObject({ ackedUpTo: 5, held: [], suspect: [] });
  });
});
