// Cost and gross margin through a real hub (in process, two stores over real MQTT): products in
// two categories, a supplier price list, costed receipts, sales with promotion discounts and a
// return to the shelf; the margin report by store, region, category, SKU and promotion checked
// to the fen against figures worked out by hand (below), region scoping and bad input.
//
// Costs (price list, per unit): M1 200, M2 300, P1 500. Revenue is net less VAT (13%, per line).
// E1 sale: M1 2 x 350 = 700 (tax 81 -> 619), M2 1 x 450 - 50 (PR1) = 400 (tax 46 -> 354).
// E1 return of one M1 to the shelf: refund 350, tax 40 -> 310; its cost 200 comes back.
// W1 sale: M1 1 x 350 (tax 40 -> 310), P1 2 x 800 - 100 (PR1) - 60 (PR2) = 1440 (tax 166 -> 1274).
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
import { marginBp } from "./margin.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
const clients: Record<string, StoreClient> = {};
const seqs: Record<string, number> = { E1: 0, W1: 0 };
let west: string;
/** Sent once in beforeAll; the last test sends them again, as an edge restored from a backup would. */
let replayed: ReturnType<typeof event>[] = [];

async function publish(storeId: string, events: ReturnType<typeof event>[]) {
  await clients[storeId]!.publishEvents(events);
  const upTo = seqs[storeId]!;
  await clients[storeId]!.next("events.ack", (a) => a.payload.upToSeq >= upTo);
}
const tax = (net: number) => Math.floor((net * 13) / 113 + 0.5);

function sale(
  storeId: string,
  lines: { sku: string; qty: number; price: number; discounts?: { promotionId: string; amount: number }[] }[],
) {
  const e = saleEvent(storeId, ++seqs[storeId]!, { lines: lines.length });
  const built = lines.map((l, i) => {
    const gross = l.qty * l.price;
    const discounts = l.discounts ?? [];
    const net = gross - discounts.reduce((s, d) => s + d.amount, 0);
    return {
      ...e.payload.lines[i]!,
      sku: l.sku,
      qty: l.qty,
      unitPrice: l.price,
      gross,
      discounts,
      net,
      tax: tax(net),
    };
  });
  const sum = (f: (l: (typeof built)[number]) => number) => built.reduce((s, l) => s + f(l), 0);
  Object.assign(e.payload, {
    lines: built,
    totals: {
      gross: sum((l) => l.gross),
      discount: sum((l) => l.gross - l.net),
      net: sum((l) => l.net),
      tax: sum((l) => l.tax),
    },
    applied: [...new Set(built.flatMap((l) => l.discounts.map((d) => d.promotionId)))],
    tenders: [{ kind: "cash", amount: sum((l) => l.net), received: sum((l) => l.net), change: 0 }],
  });
  return e;
}

beforeAll(async () => {
  hub = await startTestHub();
  west = (
    await api(hub, "POST", "/api/v1/tokens", { name: "wang", role: "regional_manager", region: "west" })
  ).body.token;
  clients.E1 = await connectStore(await enrollStore(hub, "E1", { region: "east", name: "徐汇店" }));
  clients.W1 = await connectStore(await enrollStore(hub, "W1", { region: "west", name: "成都店" }));
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,10/1002,EA,13,false,active\nP1,洗衣液 2kg,20/2001,EA,13,false,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
    30_000,
  );
  expect((await api(hub, "PUT", "/api/v1/reports/categories/10", { name: "乳品烘焙" })).status).toBe(200);
  await api(hub, "POST", "/api/v1/suppliers", {
    id: "SUP1",
    name: "伊利",
    leadTimeDays: 2,
    minOrderQty: 1,
    packSize: 1,
  });
  const prices = await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
    prices: [
      { sku: "M1", costFen: 200, taxRate: 13, effectiveFrom: "2026-01-01" },
      { sku: "M2", costFen: 300, taxRate: 13, effectiveFrom: "2026-01-01" },
      { sku: "P1", costFen: 500, taxRate: 13, effectiveFrom: "2026-01-01" },
    ],
  });
  expect(prices.status).toBe(200);
  const receipt = (storeId: string, id: string, lines: { sku: string; qty: number }[]) =>
    event("receiving.confirmed", storeId, ++seqs[storeId]!, {
      receivingId: id,
      supplierId: "SUP1",
      confirmedBy: "1001",
      lines,
      confirmedAt: new Date().toISOString(),
    });
  await publish("E1", [
    receipt("E1", "RE1", [
      { sku: "M1", qty: 10 },
      { sku: "M2", qty: 10 },
    ]),
  ]);
  await publish("W1", [
    receipt("W1", "RW1", [
      { sku: "M1", qty: 4 },
      { sku: "P1", qty: 5 },
    ]),
  ]);
  const e1Sale = sale("E1", [
    { sku: "M1", qty: 2, price: 350 },
    { sku: "M2", qty: 1, price: 450, discounts: [{ promotionId: "PR1", amount: 50 }] },
  ]);
  await publish("E1", [e1Sale]);
  await publish("W1", [
    sale("W1", [
      { sku: "M1", qty: 1, price: 350 },
      {
        sku: "P1",
        qty: 2,
        price: 800,
        discounts: [
          { promotionId: "PR1", amount: 100 },
          { promotionId: "PR2", amount: 60 },
        ],
      },
    ]),
  ]);
  const ret = makeEnvelope(
    "sale.returned",
    {
      returnId: uuidv7(),
      receiptNo: "RT-E1-1",
      original: { saleId: e1Sale.payload.saleId, receiptNo: e1Sale.payload.receiptNo, storeId: "E1" },
      reason: "质量问题",
      laneId: "1",
      cashierId: "1001",
      shiftId: "shift-1",
      businessDay: "2026-11-25",
      training: false,
      lines: [{ lineId: "r1", sku: "M1", qty: 1, weighed: false, refund: 350, tax: 40, restock: true }],
      totals: { refund: 350, tax: 40 },
      tenders: [{ kind: "cash", amount: 350, received: 350, change: 0 }],
      returnedAt: new Date().toISOString(),
    },
    { storeId: "E1", seq: ++seqs.E1! },
  ) as unknown as ReturnType<typeof event>;
  await publish("E1", [ret]);
  replayed = [e1Sale, ret];
});
afterAll(async () => {
  for (const c of Object.values(clients)) await c.close();
  await hub.cleanup();
});

const report = async (by: string, token?: string, extra = "") =>
  (
    await api(
      hub,
      "GET",
      `/api/v1/reports/margin?from=2026-11-01&to=2026-11-30&by=${by}${extra}`,
      undefined,
      token,
    )
  ).body;
const figures = (soldQty: number, returnedQty: number, revenueFen: number, costFen: number) => ({
  soldQty,
  returnedQty,
  revenueFen,
  costFen,
  marginFen: revenueFen - costFen,
  marginBp: marginBp(revenueFen - costFen, revenueFen),
});

describe("margin report", () => {
  test("basis points are exact and round half away from zero", () => {
    expect(marginBp(163, 663)).toBe(2459); // 1,630,000 / 663 = 2458.52
    expect(marginBp(1, 8)).toBe(1250);
    expect(marginBp(1, 80000)).toBe(0); // 0.125 bp
    expect(marginBp(1, 20000)).toBe(1); // 0.5 bp -> 1
    expect(marginBp(-1, 20000)).toBe(-1);
    expect(marginBp(5, 0)).toBeNull();
  });

  test("by store: revenue net of VAT and returns, cost of units sold less those returned, margin, to the fen", async () => {
    const r = await report("store");
    expect(r.rows).toEqual([
      { key: "E1", label: "徐汇店", ...figures(3, 1, 619 + 354 - 310, 400 + 300 - 200) },
      { key: "W1", label: "成都店", ...figures(3, 0, 310 + 1274, 200 + 1000) },
    ]);
    expect(r.totals).toEqual(figures(6, 1, 2247, 1700));
    expect(r.excluded).toEqual([]);
  });

  test("by region, category (named and top-level) and SKU", async () => {
    expect((await report("region")).rows).toEqual([
      { key: "east", label: "east", ...figures(3, 1, 663, 500) },
      { key: "west", label: "west", ...figures(3, 0, 1584, 1200) },
    ]);
    expect((await report("category")).rows).toEqual([
      { key: "10", label: "乳品烘焙", ...figures(4, 1, 619 + 354 - 310 + 310, 400 + 300 - 200 + 200) },
      { key: "20", label: "20", ...figures(2, 0, 1274, 1000) },
    ]);
    expect((await report("sku")).rows).toEqual([
      { key: "M1", label: "纯牛奶 250ml", ...figures(3, 1, 619 - 310 + 310, 400 - 200 + 200) },
      { key: "M2", label: "全麦面包", ...figures(1, 0, 354, 300) },
      { key: "P1", label: "洗衣液 2kg", ...figures(2, 0, 1274, 1000) },
    ]);
  });

  test("by promotion: each promotion's discounted lines with the discount it gave; the rest as 无促销", async () => {
    const r = await report("promotion");
    expect(r.rows).toEqual([
      { key: "", label: "无促销", ...figures(3, 0, 619 + 310, 400 + 200), discountFen: 0 },
      { key: "PR1", label: "PR1", ...figures(3, 0, 354 + 1274, 300 + 1000), discountFen: 150 },
      { key: "PR2", label: "PR2", ...figures(2, 0, 1274, 1000), discountFen: 60 },
    ]);
    // Totals are all sales once (P1's line is under both promotions); returns are not attributed.
    expect(r.totals).toEqual(figures(6, 0, 2557, 1900));
  });

  test("a regional manager sees its region only; another region's store is 403; bad input names the field", async () => {
    expect((await report("store", west)).rows.map((x: { key: string }) => x.key)).toEqual(["W1"]);
    expect(
      (
        await api(
          hub,
          "GET",
          "/api/v1/reports/margin?from=2026-11-01&to=2026-11-30&store=E1",
          undefined,
          west,
        )
      ).status,
    ).toBe(403);
    expect(await report("store", undefined, "&store=E1")).toMatchObject({ rows: [{ key: "E1" }] });
    expect(await report("bogus")).toMatchObject({ error: "validation", field: "query.by" });
    expect(
      (await api(hub, "GET", "/api/v1/reports/margin?from=2026-11-30&to=2026-11-01")).body,
    ).toMatchObject({
      field: "query.to",
    });
    expect((await api(hub, "GET", "/api/v1/reports/margin?from=2026-11-01&to=x")).body).toMatchObject({
      field: "query.to",
    });
    expect(
      (await api(hub, "GET", "/api/v1/reports/margin?from=2026-10-01&to=2026-10-31&by=sku")).body,
    ).toMatchObject({
      rows: [],
      totals: { revenueFen: 0, costFen: 0, marginFen: 0, marginBp: null },
    });
  });

  test("a replayed sale and return (an edge restored from a backup sends them again) are counted once, roll-up and documents alike", async () => {
    const before = { store: await report("store"), region: await report("region") };
    await clients.E1!.publishEvents(replayed);
    await clients.E1!.next("events.ack", (a) => a.payload.upToSeq >= seqs.E1!);
    expect(await report("store")).toEqual(before.store);
    expect(await report("region")).toEqual(before.region);
    const q = { from: "2026-11-01", to: "2026-11-30" };
    for (const by of ["store", "region"] as const)
      expect(hub.margin.margin({ ...q, by }, {})).toEqual(
        hub.margin.margin({ ...q, by }, {}, { fromDocuments: true }),
      );
  });
});
