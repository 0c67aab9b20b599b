// Receiving and shipping at the till, store side, against a real MQTT broker with a stub HQ:
// the deliveries the store waits for come from its own copy of HQ's replenishment states
// (grouped by order, offline too); a scanned code says how many units it counts (a case of 12);
// the store's transfers are asked of HQ and shipped / received as the lane's signed-in cashier
// with the counted lines; HQ's refusal is named; the LAN API needs the lane's session and names
// garbage.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { ChangeItem, Product } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import { createApp } from "../http/app.ts";
import {
  applyPages,
  catalogItems,
  gtinOf,
  openLane,
  pagesOf,
  skuOf,
  T0,
  tempDir,
  testConfig,
  until,
} from "../testing/fixtures.ts";
import { StubHq } from "../testing/stub-hq.ts";
import { deliveriesOf } from "./deliveries.ts";

setDefaultTimeout(120_000);
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
});

async function setup() {
  const hq = await StubHq.start("S001");
  cleanup.push(() => hq.stop());
  hq.release({ version: 1, items: catalogItems({ products: 10, weighed: 1 }) });
  const config = testConfig({
    enrollment: {
      hq: "http://unused",
      storeId: "S001",
      storeName: "测试店",
      mqtt: hq.creds(),
      enrolledAt: new Date(T0).toISOString(),
    },
  });
  config.link = { ...config.link, backoffBaseMs: 20, backoffCapMs: 200, statusMinIntervalMs: 50 };
  const edge = new Edge({ dataDir: tempDir(), config, clock: manualClock(T0) });
  cleanup.push(() => edge.stop());
  edge.start();
  await until(() => edge.replica.applied === 1, 30_000, "catalog v1");
  return { hq, edge };
}

describe("receiving and shipping at the till", () => {
  test("deliveries by order from the store's own copy: outstanding lines, in transit wins, latest ETA, earliest first", () => {
    const names = (sku: string) => ({ A: "牛奶", B: "面包" })[sku];
    expect(
      deliveriesOf(
        [
          {
            sku: "B",
            status: "ordered",
            purchaseOrderId: "PO-2",
            qty: 5,
            expectedAt: "2026-11-27T00:00:00.000Z",
          },
          {
            sku: "A",
            status: "in_transit",
            purchaseOrderId: "PO-1",
            qty: 12,
            expectedAt: "2026-11-26T00:00:00.000Z",
          },
          {
            sku: "C",
            status: "ordered",
            purchaseOrderId: "PO-1",
            qty: 3,
            expectedAt: "2026-11-26T06:00:00.000Z",
          },
          { sku: "D", status: "received", purchaseOrderId: "PO-1", qty: 0 },
          { sku: "E", status: "suggested", qty: 4 },
          { sku: "F", status: "ordered", purchaseOrderId: "PO-3", qty: 0 },
        ],
        names,
      ),
    ).toEqual([
      {
        purchaseOrderId: "PO-1",
        status: "in_transit",
        expectedAt: "2026-11-26T06:00:00.000Z",
        lines: [
          { sku: "A", name: "牛奶", expected: 12 },
          { sku: "C", name: "C", expected: 3 },
        ],
      },
      {
        purchaseOrderId: "PO-2",
        status: "ordered",
        expectedAt: "2026-11-27T00:00:00.000Z",
        lines: [{ sku: "B", name: "面包", expected: 5 }],
      },
    ]);
  });

  test("transfers from HQ, shipped and received as the lane's cashier with counted lines; refusals named", async () => {
    const { hq, edge } = await setup();
    hq.openTransfers = [
      {
        transferId: "TR-OUT-1",
        direction: "out",
        otherStoreId: "S002",
        otherStoreName: "湖西店",
        status: "approved",
        at: "2026-11-25T09:30:00.000Z",
        lines: [{ sku: skuOf(2), name: "x", requested: 12, shipped: null }],
      },
      {
        transferId: "TR-IN-1",
        direction: "in",
        otherStoreId: "S003",
        otherStoreName: "园区店",
        status: "shipped",
        at: "2026-11-25T09:30:00.000Z",
        lines: [{ sku: skuOf(3), name: "y", requested: 6, shipped: 6 }],
      },
    ];
    expect((await edge.supply.openTransfers()).map((t) => t.transferId)).toEqual(["TR-OUT-1", "TR-IN-1"]);
    // Nobody signed in: refused before HQ is asked.
    await expect(
      edge.supply.stepTransfer({
        laneId: "1",
        transferId: "TR-OUT-1",
        step: "ship",
        lines: [{ sku: skuOf(2), qty: 10 }],
      }),
    ).rejects.toMatchObject({ code: "conflict", field: "laneId" });
    expect(hq.steps).toEqual([]);
    await openLane(edge);
    expect(
      await edge.supply.stepTransfer({
        laneId: "1",
        transferId: "TR-OUT-1",
        step: "ship",
        lines: [{ sku: skuOf(2), qty: 10 }],
      }),
    ).toEqual({ transferId: "TR-OUT-1", status: "shipped" });
    expect(hq.steps[0]).toMatchObject({
      transferId: "TR-OUT-1",
      step: "ship",
      lines: [{ sku: skuOf(2), qty: 10 }],
      by: "1001",
    });
    // Receiving what it ships out, or a document HQ does not know: HQ's reason, by field.
    await expect(
      edge.supply.stepTransfer({
        laneId: "1",
        transferId: "TR-OUT-1",
        step: "receive",
        lines: [{ sku: skuOf(2), qty: 1 }],
      }),
    ).rejects.toMatchObject({ code: "forbidden", field: "transferId" });
    await expect(
      edge.supply.stepTransfer({
        laneId: "1",
        transferId: "TR-NOPE",
        step: "receive",
        lines: [{ sku: skuOf(2), qty: 1 }],
      }),
    ).rejects.toMatchObject({ code: "not_found", field: "transferId" });
    expect(
      await edge.supply.stepTransfer({
        laneId: "1",
        transferId: "TR-IN-1",
        step: "receive",
        lines: [{ sku: skuOf(3), qty: 5 }],
      }),
    ).toEqual({ transferId: "TR-IN-1", status: "received" });
  });

  test("the LAN API: deliveries and codes open (a case counts 12), transfers under the lane's session, garbage named", async () => {
    const { edge } = await setup();
    const p3 = edge.replica.lookup.products.get(skuOf(3)) as Product;
    const item: ChangeItem = {
      op: "upsert",
      entity: "product",
      data: { ...p3, packs: [{ qty: 12, name: "箱", code: "16901234567899" }] },
    };
    applyPages(edge, pagesOf("delta", 2, 1, [item]));
    edge.stock.saveReplenishment({
      items: [
        {
          sku: skuOf(3),
          status: "in_transit",
          purchaseOrderId: "PO-9",
          qty: 24,
          expectedAt: "2026-11-26T00:00:00.000Z",
        },
      ],
    });
    const app = createApp(edge);
    const call = (method: string, path: string, body?: unknown, token?: string) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const deliveries = (await (await call("GET", "/stock/deliveries")).json()) as { deliveries: unknown[] };
    expect(deliveries.deliveries).toEqual([
      {
        purchaseOrderId: "PO-9",
        status: "in_transit",
        expectedAt: "2026-11-26T00:00:00.000Z",
        lines: [{ sku: skuOf(3), name: p3.name, expected: 24 }],
      },
    ]);
    expect(await (await call("GET", "/codes/16901234567899")).json()).toMatchObject({
      sku: skuOf(3),
      qty: 12,
      pack: { qty: 12, name: "箱" },
    });
    expect(await (await call("GET", `/codes/${gtinOf(3)}`)).json()).toMatchObject({ sku: skuOf(3), qty: 1 });
    expect(await (await call("GET", `/codes/${skuOf(3)}`)).json()).toMatchObject({ sku: skuOf(3), qty: 1 });
    expect((await call("GET", "/codes/0000")).status).toBe(404);
    expect((await call("GET", "/lanes/1/transfers")).status).toBe(401);
    expect(
      (await call("POST", "/lanes/1/transfers/TR-1/ship", { lines: [{ sku: skuOf(1), qty: 1 }] })).status,
    ).toBe(401);
    const { token } = (await edge.staff.login("1", "1001", "1234")).session;
    for (const [body, field] of [
      [{ lines: [] }, "lines"],
      [{ lines: [{ sku: skuOf(1), qty: -1 }] }, "lines.0.qty"],
      [{ lines: [{ sku: skuOf(1), qty: 1.5 }] }, "lines.0.qty"],
      [{ lines: [{ sku: "a b;", qty: 1 }] }, "lines.0.sku"],
      [{ lines: Array.from({ length: 201 }, (_, i) => ({ sku: `S${i}`, qty: 1 })) }, "lines"],
    ] as const) {
      const r = await call("POST", "/lanes/1/transfers/TR-1/ship", body, token);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { field: string }).field).toBe(field);
    }
    expect(
      (await call("POST", "/lanes/1/transfers/TR-1/teleport", { lines: [{ sku: skuOf(1), qty: 1 }] }, token))
        .status,
    ).toBe(404);
  });
});
