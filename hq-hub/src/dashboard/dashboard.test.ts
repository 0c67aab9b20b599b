// The dashboard through a real hub (in process, stores over real MQTT): two regions, sales on
// two business days at known hours, a return, a poisoned message, a store never seen; the KPIs,
// series, rankings, fleet state and exception counts checked to the fen and the unit, for the
// chain, a region and a store; a regional manager confined to its region; hostile queries.
//
// E1 (east, 徐汇店): 2026-11-24 one sale 300; 2026-11-25 two sales 500 + 500 at 09:30, a return 100.
// W1 (west, 成都店): 2026-11-25 one sale 200 at 14:05. N1 (north) enrolled, never connected.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { makeEnvelope, upTopic, uuidv7 } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  type event,
  type StoreClient,
  saleEvent,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
const clients: Record<string, StoreClient> = {};
const seqs: Record<string, number> = { E1: 0, W1: 0 };
let west: string;

async function publish(storeId: string, events: ReturnType<typeof event>[] | string, upTo = seqs[storeId]!) {
  await clients[storeId]!.publishEvents(events as never);
  await clients[storeId]!.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}

function sale(storeId: string, day: string, at: string, lines: number, unitPrice = 100) {
  const e = saleEvent(storeId, ++seqs[storeId]!, { lines, unitPrice });
  e.payload.businessDay = day;
  e.payload.completedAt = `${day}T${at}:00.000+08:00`;
  return e as unknown as ReturnType<typeof event>;
}

beforeAll(async () => {
  hub = await startTestHub();
  west = (
    await api(hub, "POST", "/api/v1/tokens", { name: "wang", role: "regional_manager", region: "west" })
  ).body.token;
  clients.E1 = await connectStore(await enrollStore(hub, "E1", { region: "east", name: "徐汇店" }));
  clients.W1 = await connectStore(await enrollStore(hub, "W1", { region: "west", name: "成都店" }));
  await enrollStore(hub, "N1", { region: "north", name: "哈尔滨店" });
  const first = sale("E1", "2026-11-25", "09:30", 5);
  await publish("E1", [sale("E1", "2026-11-24", "18:00", 3), first, sale("E1", "2026-11-25", "09:30", 5)]);
  await publish("W1", [sale("W1", "2026-11-25", "14:05", 2)]);
  const ret = makeEnvelope(
    "sale.returned",
    {
      returnId: uuidv7(),
      receiptNo: "RT-E1-1",
      original: {
        saleId: (first as unknown as { payload: { saleId: string } }).payload.saleId,
        receiptNo: "RC-1",
        storeId: "E1",
      },
      reason: "质量问题",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-25",
      training: false,
      lines: [{ lineId: "r1", sku: "SKU1", qty: 1, weighed: false, refund: 100, tax: 12, restock: true }],
      totals: { refund: 100, tax: 12 },
      tenders: [{ kind: "cash", amount: 100, received: 100, change: 0 }],
      returnedAt: "2026-11-25T16:00:00.000+08:00",
    },
    { storeId: "E1", seq: ++seqs.E1! },
  ) as unknown as ReturnType<typeof event>;
  await publish("E1", [ret]);
  // A sale whose lines are garbage: dead-lettered (an open exception), the rest unharmed.
  const bad = sale("W1", "2026-11-25", "15:00", 1);
  await publish("W1", JSON.stringify([{ ...bad, payload: { ...bad.payload, lines: "garbage" } }]));
  // E1 reports 7 events not yet acked by HQ, the oldest 90 s old; W1 reports it is offline.
  const status = (storeId: string, state: "online" | "offline", outboxBacklog: number) =>
    makeEnvelope(
      "store.status",
      {
        state,
        appVersion: "t",
        catalogVersion: 0,
        outboxBacklog,
        ...(outboxBacklog ? { oldestUnackedAgeSec: 90 } : {}),
        lastSeq: seqs[storeId]!,
        devices: [],
        at: new Date().toISOString(),
      },
      { storeId },
    );
  for (const [id, state, backlog] of [
    ["E1", "online", 7],
    ["W1", "offline", 0],
  ] as const)
    await clients[id]!.client.publishAsync(
      upTopic(id, "status"),
      JSON.stringify(status(id, state, backlog)),
      {
        qos: 1,
      },
    );
  await waitFor(async () => (await dash()).body.fleet?.neverSeen === 1, "both statuses stored", 30_000);
});
afterAll(async () => {
  for (const c of Object.values(clients)) await c.close();
  await hub.cleanup();
});

const dash = async (extra = "", token?: string, range = "from=2026-11-25&to=2026-11-25") =>
  api(hub, "GET", `/api/v1/dashboard?day=2026-11-25&${range}${extra}`, undefined, token);

describe("the chain", () => {
  test("today's KPIs, the day before, per hour, rankings, tenders", async () => {
    const r = await dash();
    expect(r.status).toBe(200);
    const d = r.body;
    expect(d.scope).toEqual({ kind: "chain", key: "", label: "" });
    expect(d.today).toEqual({
      saleCount: 3,
      netFen: 1200,
      discountFen: 0,
      averageBasketFen: 400,
      returnCount: 1,
      refundFen: 100,
      sellingStores: 2,
    });
    expect(d.period).toEqual(d.today);
    expect(d.previous).toMatchObject({ from: "2026-11-24", to: "2026-11-24", saleCount: 1, netFen: 300 });
    expect(d.hours).toEqual([
      { hour: 9, saleCount: 2, netFen: 1000 },
      { hour: 14, saleCount: 1, netFen: 200 },
    ]);
    expect(d.days).toEqual([{ day: "2026-11-25", saleCount: 3, netFen: 1200, refundFen: 100 }]);
    expect(d.topStores).toEqual([
      { key: "E1", label: "徐汇店", saleCount: 2, netFen: 1000 },
      { key: "W1", label: "成都店", saleCount: 1, netFen: 200 },
    ]);
    expect(d.regions.map((x: { key: string; netFen: number }) => [x.key, x.netFen])).toEqual([
      ["east", 1000],
      ["west", 200],
    ]);
    expect(d.excluded).toEqual([]);
    // The mix, its own call: cash taken 1,200, 100 paid back; no cost known (no price list, no
    // receipts): revenue without cost, no margin invented.
    const mix = (await api(hub, "GET", "/api/v1/dashboard/mix?day=2026-11-25&from=2026-11-25&to=2026-11-25"))
      .body;
    expect(mix.tenders).toEqual([{ method: "cash", count: 3, amountFen: 1100 }]);
    expect(mix.margin.revenueFen).toBeGreaterThan(0);
    expect(mix.margin.costFen).toBe(0);
    expect(mix.excluded).toEqual([]);
  });

  test("a period of two days: a point per day, the two days before compared", async () => {
    const d = (await dash("", undefined, "from=2026-11-24&to=2026-11-25")).body;
    expect(d.days).toEqual([
      { day: "2026-11-24", saleCount: 1, netFen: 300, refundFen: 0 },
      { day: "2026-11-25", saleCount: 3, netFen: 1200, refundFen: 100 },
    ]);
    expect(d.period).toMatchObject({ saleCount: 4, netFen: 1500, averageBasketFen: 375 });
    expect(d.previous).toMatchObject({
      from: "2026-11-22",
      to: "2026-11-23",
      saleCount: 0,
      averageBasketFen: null,
    });
  });

  test("fleet: online, never seen; the dead letter is an open exception", async () => {
    const d = (await dash()).body;
    expect(d.fleet).toMatchObject({
      stores: 3,
      online: 1,
      offline: 1,
      neverSeen: 1,
      backlogEvents: 7,
      storesWithBacklog: 1,
      oldestUnackedAgeSec: 90,
    });
    expect(d.fleet.offlineStores).toMatchObject([{ storeId: "W1", name: "成都店" }]);
    expect(d.exceptions).toEqual({ deadLetters: 1, conflicts: 0, fleetAlerts: 0, resyncs: 0 });
  });
});

describe("a region, a store", () => {
  test("?region=west holds only its stores", async () => {
    const d = (await dash("&region=west")).body;
    expect(d.scope).toEqual({ kind: "region", key: "west", label: "west" });
    expect(d.today).toMatchObject({ saleCount: 1, netFen: 200, returnCount: 0, sellingStores: 1 });
    expect(d.fleet.stores).toBe(1);
    expect(d.exceptions.deadLetters).toBe(1);
  });
  test("?store=E1: its figures, named", async () => {
    const d = (await dash("&store=E1")).body;
    expect(d.scope).toEqual({ kind: "store", key: "E1", label: "徐汇店" });
    expect(d.today).toMatchObject({ saleCount: 2, netFen: 1000, refundFen: 100 });
    expect(d.regions).toEqual([]);
    expect(d.exceptions.deadLetters).toBe(0);
  });
  test("a regional manager sees its region whatever it asks for the chain", async () => {
    const d = (await dash("", west)).body;
    expect(d.scope.kind).toBe("region");
    expect(d.today.netFen).toBe(200);
    expect(d.fleet.stores).toBe(1);
  });
  test("a regional manager may not read another region or its store", async () => {
    expect((await dash("&region=east", west)).status).toBe(403);
    const mix = await api(
      hub,
      "GET",
      "/api/v1/dashboard/mix?day=2026-11-25&from=2026-11-25&to=2026-11-25&region=east",
      undefined,
      west,
    );
    expect(mix.status).toBe(403);
    expect((await dash("&store=E1", west)).status).toBe(403);
  });
});

describe("hostile queries", () => {
  test("unknown store or region is 404; a store outside the region asked is 404", async () => {
    expect((await dash("&store=NOPE")).status).toBe(404);
    expect((await dash("&region=nowhere")).status).toBe(404);
    expect((await dash("&region=west&store=E1")).status).toBe(404);
  });
  test("bad dates, a reversed or absurd range are 400 naming the field", async () => {
    const bad = await api(hub, "GET", "/api/v1/dashboard?day=yesterday&from=2026-11-25&to=2026-11-25");
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("query.day");
    const rev = await dash("", undefined, "from=2026-11-25&to=2026-11-01");
    expect(rev.status).toBe(400);
    expect(rev.body.field).toBe("query.to");
    const huge = await dash("", undefined, "from=1900-01-01&to=2026-11-25");
    expect(huge.status).toBe(400);
    expect(huge.body.field).toBe("query.from");
  });
  test("no token is 401", async () => {
    expect(
      (await api(hub, "GET", "/api/v1/dashboard?day=2026-11-25&from=2026-11-25&to=2026-11-25", undefined, ""))
        .status,
    ).toBe(401);
  });
});
