// Cost through the real hub: supplier prices (JSON and CSV), a purchase order priced from them,
// the store's receipts, sales, a return, a transfer, a count and negative stock arriving over
// MQTT, and the moving-average cost, cost card and valuation read back; duplicates cost nothing;
// hostile input is refused naming the field or row.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { makeEnvelope, uuidv7 } from "@retail/protocol";
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

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let e1: StoreClient;
let seq = 0;
let westManager: string;
const today = new Date().toISOString().slice(0, 10);

async function publish(events: ReturnType<typeof event>[]) {
  await e1.publishEvents(events);
  const upTo = seq;
  await e1.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}
const receipt = (
  id: string,
  lines: { sku: string; qty: number }[],
  more: { purchaseOrderId?: string; supplierId?: string } = {},
) =>
  event("receiving.confirmed", "E1", ++seq, {
    receivingId: id,
    ...more,
    confirmedBy: "1001",
    lines,
    confirmedAt: new Date().toISOString(),
  });
const cost = async (store: string, sku: string) =>
  (await api(hub, "GET", `/api/v1/stores/${store}/cost?sku=${sku}`)).body[0];

beforeAll(async () => {
  hub = await startTestHub();
  westManager = (
    await api(hub, "POST", "/api/v1/tokens", { name: "li", role: "regional_manager", region: "west" })
  ).body.token;
  e1 = await connectStore(await enrollStore(hub, "E1", { region: "east" }));
  await enrollStore(hub, "E2", { region: "east" });
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,10/1002,EA,13,false,active\nPORK,猪里脊,20/2001,KG,9,true,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
  expect(
    (
      await api(hub, "POST", "/api/v1/suppliers", {
        id: "SUP1",
        name: "伊利",
        leadTimeDays: 2,
        minOrderQty: 1,
        packSize: 1,
      })
    ).status,
  ).toBe(200);
});
afterAll(async () => {
  await e1.close();
  await hub.cleanup();
});

describe("supplier price lists", () => {
  test("set with effective dates; read all, or the one effective on a day", async () => {
    const r = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
      prices: [
        { sku: "M1", costFen: 200, taxRate: 13, effectiveFrom: "2026-01-01" },
        { sku: "M1", costFen: 250, taxRate: 13, effectiveFrom: today },
        { sku: "PORK", costFen: 1990, taxRate: 9, effectiveFrom: "2026-01-01" },
      ],
    });
    expect(r.body).toEqual({ supplierId: "SUP1", prices: 3 });
    expect((await api(hub, "GET", "/api/v1/suppliers/SUP1/prices")).body).toHaveLength(3);
    const before = (await api(hub, "GET", "/api/v1/suppliers/SUP1/prices?at=2026-02-01")).body;
    expect(before).toEqual([
      { sku: "M1", costFen: 200, taxRate: 13, effectiveFrom: "2026-01-01" },
      { sku: "PORK", costFen: 1990, taxRate: 9, effectiveFrom: "2026-01-01" },
    ]);
    const now = (await api(hub, "GET", `/api/v1/suppliers/SUP1/prices?at=${today}`)).body;
    expect(now.find((p: { sku: string }) => p.sku === "M1").costFen).toBe(250);
  });

  test("hostile input: negative cost, a tax rate not in the code list, unknown SKU, unknown supplier, wrong role", async () => {
    const neg = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
      prices: [{ sku: "M1", costFen: -1, taxRate: 13, effectiveFrom: today }],
    });
    expect(neg.status).toBe(400);
    expect(neg.body).toMatchObject({ error: "validation", field: "prices.0.costFen" });
    const tax = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
      prices: [{ sku: "M1", costFen: 1, taxRate: 17, effectiveFrom: today }],
    });
    expect(tax.body).toMatchObject({ field: "prices.0.taxRate" });
    const sku = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
      prices: [{ sku: "NOPE", costFen: 1, taxRate: 13, effectiveFrom: today }],
    });
    expect(sku.body).toMatchObject({ field: "prices.0.sku" });
    expect(
      (
        await api(hub, "POST", "/api/v1/suppliers/SUPX/prices", {
          prices: [{ sku: "M1", costFen: 1, taxRate: 13, effectiveFrom: today }],
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(
          hub,
          "POST",
          "/api/v1/suppliers/SUP1/prices",
          { prices: [{ sku: "M1", costFen: 1, taxRate: 13, effectiveFrom: today }] },
          westManager,
        )
      ).status,
    ).toBe(403);
  });

  test("CSV import: all rows validated by the same schema, every bad row named, nothing written", async () => {
    const bad = await api(
      hub,
      "POST",
      "/api/v1/suppliers/SUP1/prices/import",
      "sku,cost_fen,tax_rate,effective_from\nM2,180,13,2026-01-01\nM2,abc,13,2026-02-01\nM2,190,13,2026-13\n",
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: "validation", field: "cost_fen", row: 2 });
    expect(bad.body.message).toContain("row 3 effective_from");
    expect(
      (await api(hub, "GET", "/api/v1/suppliers/SUP1/prices?at=2026-03-01")).body.find(
        (p: { sku: string }) => p.sku === "M2",
      ),
    ).toBeUndefined();
    const ok = await api(
      hub,
      "POST",
      "/api/v1/suppliers/SUP1/prices/import",
      "sku,cost_fen,tax_rate,effective_from\r\nM2,180,13,2026-01-01\r\n",
    );
    expect(ok.body).toEqual({ supplierId: "SUP1", prices: 1 });
  });
});

describe("the moving-average cost kept from the stock ledger", () => {
  let poId: string;

  test("a purchase order's lines take their unit cost from the price list when created", async () => {
    const po = await api(hub, "POST", "/api/v1/purchase-orders", {
      storeId: "E1",
      supplierId: "SUP1",
      lines: [{ sku: "M1", qty: 10 }],
    });
    expect(po.status).toBe(200);
    poId = po.body.id;
    // A later price change does not reprice the order.
    await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
      prices: [{ sku: "M1", costFen: 260, taxRate: 13, effectiveFrom: today }],
    });
    expect((await api(hub, "GET", `/api/v1/purchase-orders/${poId}/costs`)).body).toEqual([
      { sku: "M1", unitCostFen: 250, taxRate: 13, priceFrom: today },
    ]);
    expect((await api(hub, "GET", "/api/v1/purchase-orders/PO-NONE/costs")).status).toBe(404);
  });

  test("receipts re-average (order cost, then the price list), sales take the average", async () => {
    await publish([receipt("R1", [{ sku: "M1", qty: 10 }], { purchaseOrderId: poId })]); // 10 @ 250
    await publish([receipt("R2", [{ sku: "M1", qty: 5 }], { supplierId: "SUP1" })]); // 5 @ 260
    expect(await cost("E1", "M1")).toEqual({
      sku: "M1",
      onHand: 15,
      valueFen: 3800,
      averageFen: 253,
      per: "unit",
    });
    await publish([saleEvent("E1", ++seq, { lines: 1, skus: ["M1"] })]);
    expect(await cost("E1", "M1")).toMatchObject({ onHand: 14, valueFen: 3547 }); // 3800/15 = 253.3 -> 253
    const card = (await api(hub, "GET", "/api/v1/stores/E1/cost/M1/movements")).body;
    expect(card.map((m: { costSource: string; valueFen: number }) => [m.costSource, m.valueFen])).toEqual([
      ["order", 2500],
      ["price_list", 1300],
      ["average", -253],
    ]);
  });

  test("a return puts units back at the cost they left with; a duplicate delivery costs nothing", async () => {
    const sale = saleEvent("E1", ++seq, { lines: 1, skus: ["M1"] });
    (sale.payload.lines[0] as { qty: number }).qty = 2;
    await publish([sale]); // 2 at 3547/14 = 506.7 -> 507
    await publish([receipt("R3", [{ sku: "M1", qty: 12 }], { supplierId: "SUP1" })]); // 12 @ 260: avg moves
    const ret = makeEnvelope(
      "sale.returned",
      {
        returnId: uuidv7(),
        receiptNo: "RT-1",
        original: { saleId: sale.payload.saleId, receiptNo: sale.payload.receiptNo, storeId: "E1" },
        reason: "质量问题",
        laneId: "1",
        cashierId: "1001",
        shiftId: "shift-1",
        businessDay: "2026-11-25",
        training: false,
        lines: [{ lineId: "r1", sku: "M1", qty: 1, weighed: false, refund: 100, tax: 12, restock: true }],
        totals: { refund: 100, tax: 12 },
        tenders: [{ kind: "cash", amount: 100, received: 100, change: 0 }],
        returnedAt: new Date().toISOString(),
      },
      { storeId: "E1", seq: ++seq },
    ) as unknown as ReturnType<typeof event>;
    await publish([ret]);
    const card = (await api(hub, "GET", "/api/v1/stores/E1/cost/M1/movements")).body;
    expect(card.at(-1)).toMatchObject({ kind: "return", qty: 1, valueFen: 254, costSource: "sale" }); // half of 507, half up
    const before = await cost("E1", "M1");
    await e1.publishEvents([ret]); // redelivered
    await e1.next("events.ack", (a) => a.payload.upToSeq >= seq);
    expect(await cost("E1", "M1")).toEqual(before);
    expect(before).toMatchObject({ onHand: 25, valueFen: 3547 - 507 + 3120 + 254 });
  });

  test("a transfer moves cost to the other store at the sender's average; on-hand agrees with stock", async () => {
    const t = await api(hub, "POST", "/api/v1/stock/transfers", {
      from: "E1",
      to: "E2",
      reference: "TR-1",
      lines: [{ sku: "M1", qty: 5 }],
    });
    expect(t.status).toBe(200);
    const e1m1 = await cost("E1", "M1");
    const e2m1 = await cost("E2", "M1");
    expect(e1m1.valueFen + e2m1.valueFen).toBe(3547 - 507 + 3120 + 254);
    expect(e2m1).toMatchObject({ onHand: 5, valueFen: Math.round((6414 * 5) / 25) });
    const stock = (await api(hub, "GET", "/api/v1/stores/E1/stock?sku=M1")).body[0];
    expect(stock.on_hand).toBe(e1m1.onHand);
  });

  test("a count loss at the average", async () => {
    const before = await cost("E1", "M1");
    await publish([
      event("stock.counted", "E1", ++seq, {
        countId: "C1",
        countedBy: "1001",
        lines: [{ sku: "M1", counted: before.onHand - 2, expected: before.onHand }],
        countedAt: new Date().toISOString(),
      }),
    ]);
    const after = await cost("E1", "M1");
    expect(after.onHand).toBe(before.onHand - 2);
    expect(before.valueFen - after.valueFen).toBe(Math.round((before.valueFen * 2) / before.onHand));
  });

  test("negative stock of a weighed SKU: sold before any receipt, corrected when it arrives (grams, price per kg)", async () => {
    const sale = saleEvent("E1", ++seq, { lines: 1, skus: ["PORK"] });
    Object.assign(sale.payload.lines[0]!, { qty: 500, weighed: true });
    await publish([sale]);
    expect(await cost("E1", "PORK")).toMatchObject({
      onHand: -500,
      valueFen: 0,
      averageFen: null,
      per: "kg",
    });
    await publish([receipt("R4", [{ sku: "PORK", qty: 2000 }], { supplierId: "SUP1" })]); // 2 kg @ 1990
    const card = (await api(hub, "GET", "/api/v1/stores/E1/cost/PORK/movements")).body;
    expect(card.at(-1)).toMatchObject({
      kind: "receipt",
      valueFen: 3980,
      correctionFen: 995,
      costSource: "price_list",
    });
    expect(await cost("E1", "PORK")).toEqual({
      sku: "PORK",
      onHand: 1500,
      valueFen: 2985,
      averageFen: 1990,
      per: "kg",
    });
  });

  test("valuation per store and category equals the positions; a regional manager sees only its region", async () => {
    const rows = (await api(hub, "GET", `/api/v1/valuation?date=${today}`)).body as {
      storeId: string;
      category: string;
      valueFen: number;
      onHand: number;
    }[];
    for (const store of ["E1", "E2"]) {
      const positions = (await api(hub, "GET", `/api/v1/stores/${store}/cost`)).body as {
        valueFen: number;
      }[];
      const total = rows.filter((r) => r.storeId === store).reduce((s, r) => s + r.valueFen, 0);
      expect(total).toBe(positions.reduce((s, p) => s + p.valueFen, 0));
    }
    expect(rows.find((r) => r.storeId === "E1" && r.category === "2001")).toMatchObject({
      onHand: 1500,
      valueFen: 2985,
    });
    expect((await api(hub, "GET", "/api/v1/valuation?date=2020-01-01")).body).toEqual([]);
    expect((await api(hub, "GET", `/api/v1/valuation?date=${today}`, undefined, westManager)).body).toEqual(
      [],
    );
    expect((await api(hub, "GET", "/api/v1/stores/E1/cost", undefined, westManager)).status).toBe(403);
    expect((await api(hub, "GET", "/api/v1/valuation?date=yesterday")).body).toMatchObject({
      field: "query.date",
    });
  });

  test("cost follows the stock ledger on the hub's timer, without a read", async () => {
    const count = (table: string) =>
      (hub.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    await publish([saleEvent("E1", ++seq, { lines: 1, skus: ["M2"] })]);
    await waitFor(async () => count("cost_movements") === count("stock_ledger"), "cost catch-up", 30_000);
  });
});
