// HQ's side of the connect handshake over real MQTT into a real libSQL file: the welcome tells
// a fresh or restored edge database what HQ holds, seqs nobody can send any more are listed as
// lost (and counted, so acks move on), a re-based event is a duplicate, not a conflict, and a
// person sees a fleet alert. Old edges that never say hello are untouched.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { makeEnvelope, type Payload, upTopic, uuidv7 } from "@retail/protocol";
import { api, connectStore, enrollStore, type StoreClient, saleEvent, startTestHub } from "../test-kit.ts";

async function until(cond: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await Bun.sleep(20);
  }
}

import { createIngest } from "./ingest.ts";
import { absentRanges, createResync } from "./resync.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub({ enrollAttemptsPerAddress: 100 });
});
afterAll(async () => {
  await hub.cleanup();
});

async function hello(store: StoreClient, h: Omit<Payload<"edge.hello">, "helloId">) {
  const helloId = uuidv7();
  const env = makeEnvelope("edge.hello", { helloId, ...h }, { storeId: store.storeId });
  await store.client.publishAsync(upTopic(store.storeId, "query"), JSON.stringify(env), { qos: 1 });
  return (await store.next("edge.welcome", (e) => e.payload.helloId === helloId)).payload;
}

const count = (sql: string) => (hub.db.prepare(sql).get() as { n: number }).n;

describe("edge.hello / edge.welcome", () => {
  test("a fresh database of a store HQ holds seqs for: told the head, a fleet alert, no lost seqs", async () => {
    const store = await connectStore(await enrollStore(hub, "R1"));
    const first = "0193e0a6-0000-7000-8000-00000000a001";
    const w0 = await hello(store, { instanceId: first, lastSeq: 0, ackedUpTo: 0, boots: [] });
    expect(w0).toMatchObject({ instanceId: first, headSeq: 0, maxSeq: 0, boots: [] });
    expect(w0.previousInstanceId).toBeUndefined();
    await store.publishEvents([1, 2, 3].map((s) => saleEvent("R1", s)));
    await store.next("events.ack", (e) => e.payload.upToSeq === 3);

    const fresh = "0193e0a6-0000-7000-8000-00000000a002";
    const w1 = await hello(store, { instanceId: fresh, lastSeq: 0, ackedUpTo: 0, boots: [] });
    expect(w1).toMatchObject({ previousInstanceId: first, headSeq: 3, maxSeq: 3 });
    const alerts = (await api(hub, "GET", "/api/v1/fleet/resyncs?store=R1")).body as {
      kind: string;
      lost: unknown[];
      id: number;
    }[];
    expect(alerts.map((a) => [a.kind, a.lost])).toEqual([["replaced", []]]);
    // Said again before it moved on (a lost welcome, a crash): the same alert, not a second one.
    expect(await hello(store, { instanceId: fresh, lastSeq: 0, ackedUpTo: 0, boots: [] })).toMatchObject({
      previousInstanceId: fresh,
      maxSeq: 3,
    });
    expect(((await api(hub, "GET", "/api/v1/fleet/resyncs?store=R1")).body as unknown[]).length).toBe(1);
    const fleet = (await api(hub, "GET", "/api/v1/fleet")).body as { storeId: string; instanceId: string }[];
    expect(fleet.find((f) => f.storeId === "R1")).toMatchObject({ instanceId: fresh, openResyncs: 1 });
    // A person checks it.
    const done = await api(hub, "POST", `/api/v1/fleet/resyncs/${alerts[0]!.id}/resolve`);
    expect(done.body).toMatchObject({ status: "resolved" });
    expect((await api(hub, "POST", `/api/v1/fleet/resyncs/${alerts[0]!.id}/resolve`)).status).toBe(404);
    await store.close();
  });

  test("a restored copy parted where HQ missed an event: that seq is listed as lost, the moved events apply, acks move on", async () => {
    const store = await connectStore(await enrollStore(hub, "R2"));
    const inst = "0193e0a6-0000-7000-8000-00000000b001";
    await hello(store, { instanceId: inst, lastSeq: 0, ackedUpTo: 0, boots: [] });
    // The lost database's 1..3 and 5..6 arrived; 4 never did.
    const lostDb = [1, 2, 3, 4, 5, 6].map((s) => saleEvent("R2", s));
    await store.publishEvents([...lostDb.slice(0, 3), ...lostDb.slice(4)]);
    const gapAck = await store.next(
      "events.ack",
      (e) => e.payload.upToSeq === 3 && e.payload.missing.length > 0,
    );
    expect(gapAck.payload.missing).toEqual([{ from: 4, to: 4 }]);

    // The backup (acked to 3) sold two sales offline as 4 and 5, in a new run of the process.
    const restored = [4, 5].map((s) => saleEvent("R2", s));
    const w = await hello(store, {
      instanceId: inst,
      lastSeq: 5,
      ackedUpTo: 3,
      boots: [{ firstSeq: 4, eventId: restored[0]!.id }],
    });
    expect(w).toMatchObject({ headSeq: 6, maxSeq: 6, boots: ["none"] });
    expect(w.previousInstanceId).toBe(inst);
    expect(hub.db.prepare("SELECT from_seq, to_seq FROM lost_seqs WHERE store_id = 'R2'").all()).toEqual([
      { from_seq: 4, to_seq: 4 },
    ]);
    const alert = (await api(hub, "GET", "/api/v1/fleet/resyncs?store=R2")).body as {
      kind: string;
      lost: unknown[];
      newFrom: number;
      shift: number;
      detail: string;
    }[];
    expect(alert).toMatchObject([{ kind: "diverged", lost: [{ from: 4, to: 4 }], newFrom: 4, shift: 3 }]);
    expect(alert[0]!.detail).toContain("lost");

    // The edge moved them to 7 and 8 (same ids): applied once, acked.
    const moved = restored.map((e) => ({ ...e, seq: e.seq + 3 }));
    await store.publishEvents(moved);
    expect((await store.next("events.ack", (e) => e.payload.upToSeq === 8)).payload.missing).toEqual([]);
    // Sent again (the ack was lost): duplicates, not conflicts.
    await store.publishEvents(moved);
    await store.next("events.ack", (e) => e.payload.upToSeq === 8);
    const before = count("SELECT count(*) AS n FROM conflicts WHERE store_id = 'R2'");
    expect(before).toBe(0);
    expect(count("SELECT count(*) AS n FROM sales WHERE store_id = 'R2'")).toBe(7);

    // A restart of HQ reads the lost seqs back: the head stays at 8.
    const again = createIngest({ db: hub.db, now: () => new Date() });
    expect(again.ackFor("R2")).toEqual({ upToSeq: 8, missing: [] });
    await store.close();
  });

  test("an edge in step: nothing listed, no alert; an old edge that never says hello is untouched", async () => {
    const store = await connectStore(await enrollStore(hub, "R3"));
    const inst = "0193e0a6-0000-7000-8000-00000000c001";
    const events = [1, 2].map((s) => saleEvent("R3", s));
    await store.publishEvents(events);
    await store.next("events.ack", (e) => e.payload.upToSeq === 2);
    const w = await hello(store, {
      instanceId: inst,
      lastSeq: 3,
      ackedUpTo: 1,
      boots: [{ firstSeq: 2, eventId: events[1]!.id }],
    });
    expect(w).toMatchObject({ headSeq: 2, maxSeq: 2, boots: ["same"] });
    expect((await api(hub, "GET", "/api/v1/fleet/resyncs?store=R3")).body).toEqual([]);
    expect(count("SELECT count(*) AS n FROM lost_seqs WHERE store_id = 'R3'")).toBe(0);
    await store.close();
  });

  test("the database that is gone had numbered more than HQ received (its last status): the alert says how many", async () => {
    const store = await connectStore(await enrollStore(hub, "R5"));
    const gone = "0193e0a6-0000-7000-8000-00000000d001";
    await hello(store, { instanceId: gone, lastSeq: 0, ackedUpTo: 0, boots: [] });
    await store.publishEvents([1, 2, 3].map((s) => saleEvent("R5", s)));
    await store.next("events.ack", (e) => e.payload.upToSeq === 3);
    // Its last status said seq 8; 4..8 never arrived before its disk died.
    const status = (lastSeq: number, instanceId?: string) =>
      makeEnvelope(
        "store.status",
        {
          state: "online",
          appVersion: "t",
          catalogVersion: 0,
          outboxBacklog: 5,
          lastSeq,
          ...(instanceId ? { instanceId } : {}),
          devices: [],
          at: new Date().toISOString(),
        },
        { storeId: "R5" },
      );
    await store.client.publishAsync(upTopic("R5", "status"), JSON.stringify(status(8, gone)), { qos: 1 });
    // An edge older than the field still reports (and changes nothing of this).
    await store.client.publishAsync(upTopic("R5", "status"), JSON.stringify(status(2)), { qos: 1 });
    await until(
      () =>
        (
          hub.db
            .prepare("SELECT max_reported_seq AS n FROM edge_instance_seqs WHERE store_id = 'R5'")
            .get() as { n: number } | undefined
        )?.n === 8,
    );
    await hello(store, {
      instanceId: "0193e0a6-0000-7000-8000-00000000d002",
      lastSeq: 0,
      ackedUpTo: 0,
      boots: [],
    });
    const alerts = (await api(hub, "GET", "/api/v1/fleet/resyncs?store=R5")).body as {
      kind: string;
      unreceived?: { from: number; to: number };
      detail: string;
    }[];
    expect(alerts).toMatchObject([{ kind: "replaced", unreceived: { from: 4, to: 8 } }]);
    expect(alerts[0]!.detail).toContain("up to 5 event(s)");
    await store.close();
  });

  test("re-enrolling a store is a fleet alert", async () => {
    await enrollStore(hub, "R4");
    const code = (await api(hub, "POST", "/api/v1/stores/R4/enrollment-code")).body.code;
    expect((await api(hub, "POST", "/api/v1/enroll", { code }, "")).status).toBe(200);
    const alerts = (await api(hub, "GET", "/api/v1/fleet/resyncs?store=R4")).body as { kind: string }[];
    expect(alerts.map((a) => a.kind)).toEqual(["re_enrolled"]);
  });
});

describe("hellos after a hub restart (the reconnect storm)", () => {
  test("30 stores say hello at the same moment: each gets the welcome to its own hello", async () => {
    const stores = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => connectStore(await enrollStore(hub, `H${i}`))),
    );
    const welcomes = await Promise.all(
      stores.map((s, i) =>
        hello(s, {
          instanceId: `0193e0a6-0000-7000-8000-0000000e${String(i).padStart(4, "0")}`,
          lastSeq: 0,
          ackedUpTo: 0,
          boots: [],
        }),
      ),
    );
    expect(welcomes.map((w) => w.instanceId)).toEqual(
      stores.map((_, i) => `0193e0a6-0000-7000-8000-0000000e${String(i).padStart(4, "0")}`),
    );
    expect(count("SELECT count(*) AS n FROM store_identity WHERE store_id LIKE 'H%'")).toBe(30);
    await Promise.all(stores.map((s) => s.close()));
  });

  test("hellos answered in one commit: one store's failure leaves the others' welcomes and writes", () => {
    const ingest = createIngest({ db: hub.db, now: () => new Date() });
    const resync = createResync({ db: hub.db, now: () => new Date(), seq: ingest });
    const ok = (id: string, n: string) => ({
      storeId: id,
      hello: {
        helloId: uuidv7(),
        instanceId: `0193e0a6-0000-7000-8000-0000000f000${n}`,
        lastSeq: 0,
        ackedUpTo: 0,
        boots: [],
      },
    });
    // A hello whose boots are not a list throws inside its savepoint.
    const broken = { storeId: "B2", hello: { ...ok("B2", "2").hello, boots: null as unknown as [] } };
    const out = resync.hellos([ok("B1", "1"), broken, ok("B3", "3")]);
    expect(out.map((r) => ("welcome" in r ? r.welcome.instanceId : "error"))).toEqual([
      "0193e0a6-0000-7000-8000-0000000f0001",
      "error",
      "0193e0a6-0000-7000-8000-0000000f0003",
    ]);
    const ids = (
      hub.db
        .prepare(
          "SELECT store_id AS id FROM store_identity WHERE store_id IN ('B1','B2','B3') ORDER BY store_id",
        )
        .all() as { id: string }[]
    ).map((r) => r.id);
    expect(ids).toEqual(["B1", "B3"]);
  });
});

test("absentRanges: the seqs HQ holds nothing at, as ranges", () => {
  const state = { upTo: 3, above: new Set([5, 6, 9]) };
  expect(absentRanges(state, 1, 10)).toEqual([
    { from: 4, to: 4 },
    { from: 7, to: 8 },
    { from: 10, to: 10 },
  ]);
  expect(absentRanges(state, 7, 9)).toEqual([{ from: 7, to: 8 }]);
  expect(absentRanges(state, 11, 10)).toEqual([]);
});
