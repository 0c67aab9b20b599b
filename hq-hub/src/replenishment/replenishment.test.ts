// Replenishment through the real hub: a store's sales and deliveries arrive over MQTT, HQ
// suggests what to reorder, a purchase order goes from draft to received by the store's own
// receiving events, and the store's till is told at every step (replenishment.status).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;
let west: StoreClient;
let seq = 0;
let westSeq = 0;
let auditor: string;
let westManager: string;

const receipt = (id: string, lines: { sku: string; qty: number }[], purchaseOrderId?: string) =>
  event("receiving.confirmed", "E1", ++seq, {
    receivingId: id,
    ...(purchaseOrderId ? { purchaseOrderId } : {}),
    confirmedBy: "1001",
    lines,
    confirmedAt: new Date().toISOString(),
  });

async function publish(events: ReturnType<typeof event>[]) {
  await store.publishEvents(events);
  const upTo = seq;
  await store.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}

beforeAll(async () => {
  hub = await startTestHub();
  auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
  westManager = (
    await api(hub, "POST", "/api/v1/tokens", { name: "li", role: "regional_manager", region: "west" })
  ).body.token;
  store = await connectStore(await enrollStore(hub, "E1", { region: "east" }));
  west = await connectStore(await enrollStore(hub, "W1", { region: "west" }));
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,10/1002,EA,13,false,active\nM3,土鸡蛋,10/1003,EA,9,false,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
  expect(
    (
      await api(hub, "POST", "/api/v1/suppliers", {
        id: "SUP-YILI",
        name: "伊利",
        leadTimeDays: 3,
        minOrderQty: 24,
        packSize: 12,
      })
    ).status,
  ).toBe(200);
  for (const [sku, reorderPoint] of [
    ["M1", 20],
    ["M2", 5],
    ["M3", 10],
  ] as const)
    expect((await api(hub, "PUT", "/api/v1/stores/E1/reorder-points", { sku, reorderPoint })).status).toBe(
      200,
    );
  // Opening stock, then 14 cartons of milk sold.
  await publish([
    receipt("RCV-OPEN", [
      { sku: "M1", qty: 30 },
      { sku: "M2", qty: 50 },
    ]),
  ]);
  await publish(Array.from({ length: 14 }, () => saleEvent("E1", ++seq, { lines: 1, skus: ["M1"] })));
});
afterAll(async () => {
  await store.close();
  await west.close();
  await hub.cleanup();
});

describe("suppliers' SKUs", () => {
  test("assigned to a supplier; an unknown SKU or supplier is refused naming it", async () => {
    const ok = await api(hub, "PUT", "/api/v1/suppliers/SUP-YILI/skus", { skus: ["M1", "M2"] });
    expect(ok.body).toEqual({ supplierId: "SUP-YILI", skus: 2 });
    expect((await api(hub, "GET", "/api/v1/suppliers/SUP-YILI/skus")).body.skus).toEqual(["M1", "M2"]);
    const bad = await api(hub, "PUT", "/api/v1/suppliers/SUP-YILI/skus", { skus: ["M1", "NOPE"] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: "validation", field: "skus.1" });
    expect((await api(hub, "PUT", "/api/v1/suppliers/SUP-X/skus", { skus: ["M1"] })).status).toBe(404);
    expect((await api(hub, "PUT", "/api/v1/suppliers/SUP-YILI/skus", { skus: ["M3"] }, auditor)).status).toBe(
      403,
    );
  });
});

describe("suggestions and a purchase order from draft to received", () => {
  let poId: string;

  test("what to reorder: below the reorder point with a supplier; no supplier is named", async () => {
    const r = await api(hub, "GET", "/api/v1/stores/E1/replenishment/suggestions");
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.items.map((i: { sku: string }) => [i.sku, i]));
    // M1: on hand 30 - 14 = 16 <= 20; 14 sold in 28 days over 3 + 7 days -> 5; target 25; need 9 -> min 24.
    expect(by.M1).toMatchObject({
      order: true,
      qty: 24,
      supplierId: "SUP-YILI",
      onHand: 16,
      onOrder: 0,
      soldUnits: 14,
      targetLevel: 25,
      name: "纯牛奶 250ml",
    });
    expect(by.M2).toMatchObject({ order: false, reason: "above_reorder_point", onHand: 50 });
    expect(by.M3).toMatchObject({ order: false, reason: "no_supplier", onHand: 0 });
    const bad = await api(hub, "GET", "/api/v1/stores/E1/replenishment/suggestions?windowDays=0");
    expect(bad.body).toMatchObject({ error: "validation", field: "query.windowDays" });
  });

  test("drafts from the suggestions, one per supplier; the till sees 'suggested'; nothing is suggested twice", async () => {
    const r = await api(hub, "POST", "/api/v1/stores/E1/purchase-orders/from-suggestions");
    expect(r.status).toBe(200);
    expect(r.body.skipped).toEqual([{ sku: "M3", reason: "no_supplier" }]);
    expect(r.body.orders).toHaveLength(1);
    const po = r.body.orders[0];
    poId = po.id;
    expect(po).toMatchObject({ storeId: "E1", supplierId: "SUP-YILI", status: "draft" });
    expect(po.lines).toEqual([{ sku: "M1", qty: 24, received: 0, outstanding: 24 }]);
    const till = await store.next("replenishment.status");
    expect(till.payload.items).toEqual([{ sku: "M1", purchaseOrderId: poId, status: "suggested", qty: 24 }]);
    const again = await api(hub, "GET", "/api/v1/stores/E1/replenishment/suggestions");
    expect(again.body.items.find((i: { sku: string }) => i.sku === "M1")).toMatchObject({
      order: false,
      reason: "above_reorder_point",
      onOrder: 24,
    });
  });

  test("sent: ordered, expected after the supplier's lead time, and the till says so", async () => {
    const r = await api(hub, "POST", `/api/v1/purchase-orders/${poId}/send`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("ordered");
    const lead = Date.parse(r.body.expectedAt) - Date.parse(r.body.orderedAt);
    expect(lead).toBe(3 * 86_400_000);
    const till = await store.next("replenishment.status");
    expect(till.payload.items).toEqual([
      { sku: "M1", purchaseOrderId: poId, status: "ordered", qty: 24, expectedAt: r.body.expectedAt },
    ]);
    const twice = await api(hub, "POST", `/api/v1/purchase-orders/${poId}/send`);
    expect(twice.status).toBe(409);
  });

  test("the store's deliveries: part, a duplicate resend, another store's, the rest -> received once", async () => {
    const part = receipt("RCV-1", [{ sku: "M1", qty: 10 }], poId);
    await publish([part]);
    await waitFor(
      async () => (await api(hub, "GET", `/api/v1/purchase-orders/${poId}`)).body.lines[0].received === 10,
      "part received",
    );
    const partTill = await store.next("replenishment.status");
    expect(partTill.payload.items).toEqual([
      { sku: "M1", purchaseOrderId: poId, status: "ordered", qty: 14, expectedAt: expect.any(String) },
    ]);
    // The same event again (a resend after a lost ack): admitted once, counted once.
    await store.publishEvents([part]);
    await store.next("events.ack", (a) => a.payload.upToSeq >= seq);
    // Another store naming this order: not this order's delivery.
    await west.publishEvents([
      event("receiving.confirmed", "W1", ++westSeq, {
        receivingId: "RCV-W",
        purchaseOrderId: poId,
        confirmedBy: "1001",
        lines: [{ sku: "M1", qty: 14 }],
        confirmedAt: new Date().toISOString(),
      }),
    ]);
    await west.next("events.ack", (a) => a.payload.upToSeq >= westSeq);
    const mid = (await api(hub, "GET", `/api/v1/purchase-orders/${poId}`)).body;
    expect(mid.status).toBe("ordered");
    expect(mid.lines).toEqual([{ sku: "M1", qty: 24, received: 10, outstanding: 14 }]);
    expect(mid.discrepancies).toEqual({ unexpected: [], otherStoreReceipts: 1 });

    await publish([
      receipt(
        "RCV-2",
        [
          { sku: "M1", qty: 14 },
          { sku: "M2", qty: 2 },
        ],
        poId,
      ),
    ]);
    const done = await waitFor(async () => {
      const o = (await api(hub, "GET", `/api/v1/purchase-orders/${poId}`)).body;
      return o.status === "received" ? o : undefined;
    }, "order received");
    expect(done.lines).toEqual([{ sku: "M1", qty: 24, received: 24, outstanding: 0 }]);
    expect(done.discrepancies.unexpected).toEqual([{ sku: "M2", qty: 2 }]);
    expect(done.endedBy).toBe("store E1");
    const till = await store.next("replenishment.status", (e) => e.payload.items[0]?.status === "received");
    expect(till.payload.items).toEqual([{ sku: "M1", purchaseOrderId: poId, status: "received", qty: 24 }]);
    // The delivery is in the stock ledger too (ingest's own effect): 16 + 10 + 14.
    expect(hub.stock.ledgerOnHand("E1", "M1")).toBe(40);
    expect((await api(hub, "POST", `/api/v1/purchase-orders/${poId}/cancel`)).status).toBe(409);
  });

  test("an order closed short: what came is received, the rest is none at the till", async () => {
    const po = (
      await api(hub, "POST", "/api/v1/purchase-orders", {
        storeId: "E1",
        supplierId: "SUP-YILI",
        lines: [
          { sku: "M1", qty: 12 },
          { sku: "M2", qty: 24 },
        ],
      })
    ).body;
    await api(hub, "POST", `/api/v1/purchase-orders/${po.id}/send`);
    await publish([receipt("RCV-3", [{ sku: "M1", qty: 6 }], po.id)]);
    await waitFor(
      async () => (await api(hub, "GET", `/api/v1/purchase-orders/${po.id}`)).body.lines[0].received === 6,
      "part",
    );
    expect((await api(hub, "POST", `/api/v1/purchase-orders/${po.id}/cancel`)).body).toMatchObject({
      error: "conflict",
      message: expect.stringContaining("close it instead"),
    });
    const closed = await api(hub, "POST", `/api/v1/purchase-orders/${po.id}/close`);
    expect(closed.body.status).toBe("closed");
    const till = await store.next("replenishment.status", (e) =>
      e.payload.items.some((i) => i.status === "none"),
    );
    expect(till.payload.items).toEqual([
      { sku: "M1", purchaseOrderId: po.id, status: "received", qty: 6 },
      { sku: "M2", purchaseOrderId: po.id, status: "none" },
    ]);
    const open = await api(hub, "GET", "/api/v1/purchase-orders?store=E1&status=open");
    expect(open.body.map((o: { id: string }) => o.id)).not.toContain(po.id);
  });
});

describe("bad input and roles", () => {
  test("a draft: unknown SKU, a SKU twice, an unknown store, a deactivated supplier, each named", async () => {
    const post = (body: unknown, token?: string) => api(hub, "POST", "/api/v1/purchase-orders", body, token);
    const base = { storeId: "E1", supplierId: "SUP-YILI" };
    expect((await post({ ...base, lines: [{ sku: "ZZ9", qty: 1 }] })).body).toMatchObject({
      field: "lines.0.sku",
      message: expect.stringContaining("unknown SKU ZZ9"),
    });
    expect(
      (
        await post({
          ...base,
          lines: [
            { sku: "M1", qty: 1 },
            { sku: "M1", qty: 2 },
          ],
        })
      ).body,
    ).toMatchObject({ field: "lines.1.sku" });
    expect((await post({ ...base, lines: [{ sku: "M1", qty: 0 }] })).body).toMatchObject({
      field: "lines.0.qty",
    });
    expect((await post({ ...base, storeId: "NOPE", lines: [{ sku: "M1", qty: 1 }] })).status).toBe(404);
    await api(hub, "POST", "/api/v1/suppliers", {
      id: "SUP-OLD",
      name: "旧",
      leadTimeDays: 1,
      minOrderQty: 1,
      packSize: 1,
    });
    await api(hub, "POST", "/api/v1/suppliers/SUP-OLD/deactivate");
    expect(
      (await post({ ...base, supplierId: "SUP-OLD", lines: [{ sku: "M1", qty: 1 }] })).body,
    ).toMatchObject({
      field: "supplierId",
    });
    expect((await post({ ...base, lines: [{ sku: "M1", qty: 1 }] }, auditor)).status).toBe(403);
  });

  test("a regional manager sees and orders only for its region", async () => {
    const list = await api(hub, "GET", "/api/v1/purchase-orders", undefined, westManager);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
    const eastOrders = (await api(hub, "GET", "/api/v1/purchase-orders?store=E1")).body;
    expect(eastOrders.length).toBeGreaterThan(0);
    const one = await api(hub, "GET", `/api/v1/purchase-orders/${eastOrders[0].id}`, undefined, westManager);
    expect(one.status).toBe(403);
    expect(
      (await api(hub, "GET", "/api/v1/stores/E1/replenishment/suggestions", undefined, westManager)).status,
    ).toBe(403);
    expect(
      (
        await api(
          hub,
          "POST",
          "/api/v1/purchase-orders",
          { storeId: "E1", supplierId: "SUP-YILI", lines: [{ sku: "M1", qty: 12 }] },
          westManager,
        )
      ).status,
    ).toBe(403);
    expect(
      (await api(hub, "GET", "/api/v1/stores/W1/replenishment/suggestions", undefined, westManager)).status,
    ).toBe(200);
  });
});
