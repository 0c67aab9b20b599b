// Replenishment and packs / transfers (issue 17 items 2, 3, 6) through the real hub: a product's
// purchase pack (a case of 12) rounds its orders when the store's parameters name no pack of
// their own (the supplier ships by the unit); a transfer into the store counts as coming while
// approved, as in transit once shipped, and as on hand once received, so the plan never orders
// again what a nearby store already sent.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  startTestHub,
  waitFor,
} from "../test-kit.ts";
import { resolveParams } from "./auto-plan.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let e1: StoreClient;

beforeAll(async () => {
  hub = await startTestHub();
  e1 = await connectStore(await enrollStore(hub, "E1", { region: "east" }));
  await enrollStore(hub, "E2", { region: "east" });
  const csv = "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
  // The supplier sells by the unit; the product says it is bought in cases of 12.
  await api(hub, "POST", "/api/v1/suppliers", {
    id: "SUP1",
    name: "伊利",
    leadTimeDays: 2,
    minOrderQty: 1,
    packSize: 1,
  });
  expect((await api(hub, "PUT", "/api/v1/suppliers/SUP1/skus", { skus: ["M1"] })).status).toBe(200);
  expect(
    (
      await api(hub, "PUT", "/api/v1/products/M1/packs", {
        packs: [{ qty: 12, name: "箱", code: "16901234567899", purchase: true }],
      })
    ).status,
  ).toBe(200);
  // E1 holds 30 (so it can ship); E2 plans M1 from a reorder point.
  await e1.publishEvents([
    event("receiving.confirmed", "E1", 1, {
      receivingId: "R-OPEN-1",
      supplierId: "SUP1",
      confirmedBy: "1001",
      lines: [{ sku: "M1", qty: 30 }],
      confirmedAt: new Date().toISOString(),
    }),
  ]);
  await e1.next("events.ack", (a) => a.payload.upToSeq >= 1);
  expect(
    (await api(hub, "PUT", "/api/v1/stores/E2/reorder-points", { sku: "M1", reorderPoint: 10 })).status,
  ).toBe(200);
});
afterAll(async () => {
  await e1?.close();
  await hub?.cleanup();
});

const planOf = async (store: string) =>
  (await api(hub, "GET", `/api/v1/stores/${store}/replenishment/plan`)).body.find(
    (i: { sku: string }) => i.sku === "M1",
  );
const suggestionOf = async (store: string) =>
  (await api(hub, "GET", `/api/v1/stores/${store}/replenishment/suggestions`)).body.items.find(
    (i: { sku: string }) => i.sku === "M1",
  );

test("the pack size: the store's own parameter, else the product's purchase pack, else the supplier's", () => {
  const sup = { leadTimeDays: 2, packSize: 6, minOrderQty: 6 };
  expect(resolveParams(sup, { packSize: 24 }, 12).packSize).toBe(24);
  expect(resolveParams(sup, {}, 12).packSize).toBe(12);
  expect(resolveParams(sup, undefined, undefined).packSize).toBe(6);
});

test("orders are rounded to the product's case of 12; the store's parameters show it", async () => {
  const s = await suggestionOf("E2");
  expect(s).toMatchObject({ order: true, onHand: 0, onOrder: 0 });
  expect(s.qty % 12).toBe(0);
  expect(s.qty).toBeGreaterThanOrEqual(12);
  expect((await planOf("E2")).params).toMatchObject({ packSize: 12 });
  const params = (await api(hub, "GET", "/api/v1/stores/E2/replenishment/params")).body;
  expect(params.find((r: { sku: string }) => r.sku === "M1").effective.packSize).toBe(12);
  // A store-level pack size still wins.
  await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
    selector: { storeIds: ["E2"], supplierId: "SUP1" },
    set: { packSize: 6 },
  });
  expect((await planOf("E2")).params.packSize).toBe(6);
  await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
    selector: { storeIds: ["E2"], supplierId: "SUP1" },
    set: { packSize: 12 },
  });
});

test("a transfer into the store: coming when approved, in transit when shipped, on hand when received", async () => {
  const before = await planOf("E2");
  expect(before).toMatchObject({ onHand: 0, onOrder: 0, inTransit: 0 });
  const tr = (
    await api(hub, "POST", "/api/v1/transfers", { from: "E1", to: "E2", lines: [{ sku: "M1", qty: 8 }] })
  ).body;
  // Requested only: nothing is promised yet.
  expect(await planOf("E2")).toMatchObject({ onOrder: 0, inTransit: 0 });
  expect((await api(hub, "POST", `/api/v1/transfers/${tr.id}/approve`)).status).toBe(200);
  expect(await planOf("E2")).toMatchObject({ onOrder: 8, inTransit: 0, position: 8 });
  // Shipped 5 of the 8: 5 on the road, the rest of the request is not coming.
  expect(
    (await api(hub, "POST", `/api/v1/transfers/${tr.id}/ship`, { lines: [{ sku: "M1", qty: 5 }] })).status,
  ).toBe(200);
  expect(await planOf("E2")).toMatchObject({ onOrder: 0, inTransit: 5, position: 5 });
  // The sender's plan sees its stock gone, nothing in transit to it.
  expect((await api(hub, "GET", "/api/v1/stores/E1/stock?sku=M1")).body[0].on_hand).toBe(25);
  // The legacy suggestion counts it as coming too.
  expect((await suggestionOf("E2")).onOrder).toBe(5);
  expect(
    (await api(hub, "POST", `/api/v1/transfers/${tr.id}/receive`, { lines: [{ sku: "M1", qty: 5 }] })).status,
  ).toBe(200);
  await waitFor(async () => (await planOf("E2")).onHand === 5, "received on hand");
  expect(await planOf("E2")).toMatchObject({ onHand: 5, onOrder: 0, inTransit: 0, position: 5 });
});
