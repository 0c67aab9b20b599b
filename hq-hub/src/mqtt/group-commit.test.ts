// Hello coalescing in the group commit: one hello per store waits (the newest), answered in
// arrival order once the events that came in before it are committed. Driven with stand-ins for
// ingest, resync and the downlink (what the group commit calls), no broker.
import { describe, expect, test } from "bun:test";
import type { Payload } from "@retail/protocol";
import type { Ingest } from "../ingest/ingest.ts";
import type { Resync } from "../ingest/resync.ts";
import type { Downlink } from "./envelopes.ts";
import { createGroupCommit } from "./group-commit.ts";

function bed() {
  const answered: { storeId: string; helloId: string }[][] = [];
  const welcomes: { storeId: string; helloId: string }[] = [];
  const ingested: string[][] = [];
  const resync = {
    hellos: (ready: { storeId: string; hello: Payload<"edge.hello"> }[]) => {
      answered.push(ready.map((h) => ({ storeId: h.storeId, helloId: h.hello.helloId })));
      return ready.map((h) => ({ welcome: { helloId: h.hello.helloId } }));
    },
  } as unknown as Resync;
  const ingest = {
    handleMany: (group: { storeId: string }[]) => {
      ingested.push(group.map((m) => m.storeId));
      return group.map((m) => ({
        storeId: m.storeId,
        ack: { upToSeq: 0, missing: [] },
        applied: 0,
        alerts: [],
      }));
    },
  } as unknown as Ingest;
  const downlink = {
    send: (storeId: string, _type: string, payload: { helloId: string }) => {
      welcomes.push({ storeId, helloId: payload.helloId });
      return Promise.resolve();
    },
    track: () => {},
    publishAck: () => {},
    publishAlert: () => {},
  } as unknown as Downlink;
  const gc = createGroupCommit({
    ingest,
    resync,
    downlink,
    stats: { batches: 0, groups: 0, applied: 0, errors: 0 },
    now: () => new Date(),
    log: () => {},
    afterEachGroup: () => {},
  });
  return { gc, answered, welcomes, ingested };
}

const helloOf = (helloId: string): Payload<"edge.hello"> => ({
  helloId,
  instanceId: "0193e0a6-0000-7000-8000-00000000aaaa",
  lastSeq: 0,
  ackedUpTo: 0,
  boots: [],
});
const tick = () => new Promise((r) => setImmediate(r));

describe("group commit: hello coalescing", () => {
  test("a storm of 20,000 hellos from 5,000 stores: each store's newest answered once, in arrival order", async () => {
    const { gc, answered, welcomes } = bed();
    const stores = Array.from({ length: 5000 }, (_, i) => `S${i}`);
    // Four rounds of every store (reconnects), the last round in reverse order.
    for (let round = 0; round < 4; round++) {
      const order = round === 3 ? [...stores].reverse() : stores;
      for (const s of order) gc.hello(s, helloOf(`${s}-h${round}`));
    }
    for (let i = 0; i < 5 && welcomes.length < 5000; i++) await tick();
    expect(answered.length).toBe(1); // one commit for all of them
    expect(welcomes.length).toBe(5000);
    expect(welcomes).toEqual([...stores].reverse().map((s) => ({ storeId: s, helloId: `${s}-h3` })));
  });

  test("a hello waits for the events that arrived before it; a newer one replaces it and waits too", async () => {
    const { gc, answered, ingested } = bed();
    gc.hello("A", helloOf("A-1")); // no event before it
    const events = gc.enqueue("B", "retail/v1/s/B/up/events", Buffer.from("[]"));
    gc.hello("B", helloOf("B-1")); // after B's message
    gc.hello("A", helloOf("A-2")); // replaces A-1, now also after B's message
    await events;
    for (let i = 0; i < 5 && answered.flat().length < 2; i++) await tick();
    expect(ingested).toEqual([["B"]]);
    // Nothing answered before the group committed; then B-1 and A-2 (arrival order), never A-1.
    expect(answered).toEqual([
      [
        { storeId: "B", helloId: "B-1" },
        { storeId: "A", helloId: "A-2" },
      ],
    ]);
  });
});
