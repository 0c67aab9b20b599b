// What the stores received against a purchase order, at HQ: a partial receipt with two lots and
// an undated rest, then the rest of the order; each receipt listed with its lines, expected
// quantities and lots; another store's receipt naming the order flagged; the order's read
// rights apply (another region's manager: 403), unknown orders 404. Fails on the old code: the
// route did not exist, and HQ showed receipts only as summed quantities per line.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Payload } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  event,
  importCsv,
  type StoreClient,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let east: StoreClient;
let west: StoreClient;
let eastSeq = 0;
let westSeq = 0;
let poId = "";

async function receive(
  client: StoreClient,
  storeId: string,
  receivingId: string,
  lines: Payload<"receiving.confirmed">["lines"],
  confirmedAt: string,
) {
  const seq = storeId === "E1" ? ++eastSeq : ++westSeq;
  await client.publishEvents([
    event("receiving.confirmed", storeId, seq, {
      receivingId,
      purchaseOrderId: poId,
      supplierId: "SUP-YILI",
      confirmedBy: "1001",
      lines,
      confirmedAt,
    }),
  ]);
  await client.next("events.ack", (a) => a.payload.upToSeq >= seq);
}

beforeAll(async () => {
  hub = await startTestHub();
  east = await connectStore(await enrollStore(hub, "E1", { region: "east" }));
  west = await connectStore(await enrollStore(hub, "W1", { region: "west" }));
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nY1,原味酸奶,10/1003,EA,13,false,active\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\n";
  expect((await importCsv(hub, "products", csv)).state).toBe("done");
  expect(
    (
      await api(hub, "POST", "/api/v1/suppliers", {
        id: "SUP-YILI",
        name: "伊利",
        leadTimeDays: 2,
        minOrderQty: 1,
        packSize: 1,
      })
    ).status,
  ).toBe(200);
  const po = await api(hub, "POST", "/api/v1/purchase-orders", {
    storeId: "E1",
    supplierId: "SUP-YILI",
    lines: [
      { sku: "Y1", qty: 48 },
      { sku: "M1", qty: 24 },
    ],
  });
  expect(po.status).toBe(200);
  poId = po.body.id;
  expect((await api(hub, "POST", `/api/v1/purchase-orders/${poId}/send`)).status).toBe(200);
});
afterAll(async () => {
  await east.close();
  await west.close();
  await hub.cleanup();
});

describe("an order's receipts at HQ", () => {
  test("a partial receipt with lots, then the rest: each listed with lines, expected and lots", async () => {
    await receive(
      east,
      "E1",
      "RCV-1",
      [
        {
          sku: "Y1",
          qty: 30,
          expected: 48,
          lots: [
            { batch: "B-0101", expiresOn: "2026-12-20", qty: 12 },
            { batch: "B-0102", expiresOn: "2026-12-27", qty: 10 },
          ],
        },
        { sku: "M1", qty: 24, expected: 24 },
      ],
      "2026-12-07T02:00:00.000Z",
    );
    const after1 = await api(hub, "GET", `/api/v1/purchase-orders/${poId}`);
    expect(after1.body.status).toBe("ordered"); // partial: 30 of 48 yoghurt
    const r1 = (await api(hub, "GET", `/api/v1/purchase-orders/${poId}/receipts`)).body;
    expect(r1).toEqual([
      {
        receivingId: "RCV-1",
        storeId: "E1",
        otherStore: false,
        confirmedBy: "1001",
        confirmedAt: "2026-12-07T02:00:00.000Z",
        lines: [
          {
            sku: "Y1",
            name: "原味酸奶",
            qty: 30,
            expected: 48,
            lots: [
              { batch: "B-0101", expiresOn: "2026-12-20", qty: 12 },
              { batch: "B-0102", expiresOn: "2026-12-27", qty: 10 },
            ],
            undated: 8,
          },
          { sku: "M1", name: "纯牛奶 250ml", qty: 24, expected: 24, lots: [], undated: 24 },
        ],
      },
    ]);
    await receive(
      east,
      "E1",
      "RCV-2",
      [{ sku: "Y1", qty: 18, expected: 18, lots: [{ batch: "B-0103", expiresOn: "2027-01-03", qty: 18 }] }],
      "2026-12-08T02:00:00.000Z",
    );
    await waitFor(
      async () => (await api(hub, "GET", `/api/v1/purchase-orders/${poId}`)).body.status === "received",
      "received in full",
    );
    const r2 = (await api(hub, "GET", `/api/v1/purchase-orders/${poId}/receipts`)).body;
    expect(r2.map((r: { receivingId: string }) => r.receivingId)).toEqual(["RCV-1", "RCV-2"]);
    expect(r2[1].lines[0]).toMatchObject({ qty: 18, undated: 0, lots: [{ batch: "B-0103", qty: 18 }] });
  });

  test("another store's receipt naming the order is listed and flagged", async () => {
    await receive(west, "W1", "RCV-W", [{ sku: "M1", qty: 6 }], "2026-12-08T03:00:00.000Z");
    const rs = (await api(hub, "GET", `/api/v1/purchase-orders/${poId}/receipts`)).body;
    expect(rs.at(-1)).toMatchObject({ receivingId: "RCV-W", storeId: "W1", otherStore: true });
    expect(
      (await api(hub, "GET", `/api/v1/purchase-orders/${poId}`)).body.discrepancies.otherStoreReceipts,
    ).toBe(1);
  });

  test("read rights: another region's manager 403, an auditor reads, unknown order 404, no token 401", async () => {
    const west = (
      await api(hub, "POST", "/api/v1/tokens", { name: "xi", role: "regional_manager", region: "west" })
    ).body.token;
    const auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "au", role: "auditor" })).body.token;
    expect((await api(hub, "GET", `/api/v1/purchase-orders/${poId}/receipts`, undefined, west)).status).toBe(
      403,
    );
    expect(
      (await api(hub, "GET", `/api/v1/purchase-orders/${poId}/receipts`, undefined, auditor)).status,
    ).toBe(200);
    expect((await api(hub, "GET", "/api/v1/purchase-orders/PO-NOPE/receipts")).status).toBe(404);
    expect((await fetch(`${hub.http.url}/api/v1/purchase-orders/${poId}/receipts`)).status).toBe(401);
  });
});
