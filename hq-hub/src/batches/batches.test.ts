// Batches at HQ on a real hub with stores over MQTT: receipts with lots, FEFO sales and a count
// loss naming their lots (mirrored whatever order they arrive in), forged lot deltas clamped, the
// near-expiry list, a transfer carrying its lots from sender to receiver, and the markdown rule
// run: one change set released to the pilot store first, promoted to the rest, and HQ's audit
// re-pricing a sale against it (a till that ignores the markdown is a finding).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type AnyEnvelope, type Payload, priceBasket } from "@retail/protocol";
import { auditSale } from "../ingest/price-audit.ts";
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
import { endOfChinaDay, planMarkdowns } from "./markdown.ts";

setDefaultTimeout(120_000);
let hub: Awaited<ReturnType<typeof startTestHub>>;
const stores: Record<string, StoreClient> = {};
const seqs: Record<string, number> = { S1: 0, S2: 0 };
const A = "YOG1"; // a dated yoghurt
const B = "WATER"; // undated goods

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const day = (n: number) =>
  new Date(Date.parse(`${today()}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function publish(storeId: string, envs: AnyEnvelope[]) {
  await stores[storeId]!.publishEvents(envs);
  const top = Math.max(...envs.map((e) => e.seq));
  await stores[storeId]!.next("events.ack", (a) => a.payload.upToSeq >= top, 20_000);
}
const ev = <T extends "receiving.confirmed" | "stock.counted">(
  type: T,
  storeId: string,
  payload: Payload<T>,
) => event(type, storeId, ++seqs[storeId]!, payload);
function sale(
  storeId: string,
  lines: { sku: string; qty: number; batches?: Payload<"sale.completed">["lines"][0]["batches"] }[],
) {
  const e = saleEvent(storeId, ++seqs[storeId]!, { lines: lines.length, skus: lines.map((l) => l.sku) });
  lines.forEach((l, i) => {
    const line = e.payload.lines[i]!;
    line.qty = l.qty;
    line.gross = line.net = 100 * l.qty;
    line.tax = Math.round((line.net * 13) / 113);
    if (l.batches) line.batches = l.batches;
  });
  const net = e.payload.lines.reduce((s, l) => s + l.net, 0);
  e.payload.totals = { gross: net, discount: 0, net, tax: e.payload.lines.reduce((s, l) => s + l.tax, 0) };
  e.payload.tenders = [{ kind: "cash", amount: net, received: net, change: 0 }];
  return e;
}
const shelf = (storeId: string, sku: string) => hub.batches.lotsOf(storeId, sku).shelf;

beforeAll(async () => {
  hub = await startTestHub();
  for (const [sku, name] of [
    [A, "原味酸奶 200g"],
    [B, "矿泉水 550ml"],
  ] as const) {
    await hub.catalog.edit("t", "product", {
      sku,
      name,
      category: ["20", "2001"],
      unit: "EA",
      taxRate: 13,
      weighed: false,
      status: "active",
    });
    await hub.catalog.edit("t", "price", { sku, scope: "chain", windows: [{ price: 100 }] });
  }
  const cs = hub.catalog.changesets().find((c) => c.state === "draft")!;
  hub.catalog.release("t", cs.id, "all");
  stores.S1 = await connectStore(await enrollStore(hub, "S1", { ring: "pilot" }));
  stores.S2 = await connectStore(await enrollStore(hub, "S2", { ring: "general" }));
});
afterAll(async () => {
  for (const s of Object.values(stores)) await s.close();
  await hub?.cleanup();
});

test("HQ mirrors a store's lots from its events: receipts, FEFO sales and a count loss, forged deltas clamped", async () => {
  await publish("S1", [
    ev("receiving.confirmed", "S1", {
      receivingId: "RCV-1",
      supplierId: "SUP",
      confirmedBy: "1001",
      lines: [
        {
          sku: A,
          qty: 12,
          lots: [
            { batch: "Y-SOON", expiresOn: day(2), qty: 6 },
            { batch: "Y-LATE", expiresOn: day(9), qty: 6 },
          ],
        },
        { sku: B, qty: 5 },
      ],
      confirmedAt: new Date().toISOString(),
    }),
  ]);
  expect(shelf("S1", A)).toEqual([
    { batch: "Y-SOON", expiresOn: day(2), qty: 6 },
    { batch: "Y-LATE", expiresOn: day(9), qty: 6 },
  ]);
  // The store's second sale reaches HQ before its first: the sums do not care.
  const s1 = sale("S1", [{ sku: A, qty: 3, batches: [{ batch: "Y-SOON", expiresOn: day(2), qty: -3 }] }]);
  const s2 = sale("S1", [
    { sku: A, qty: 2, batches: [{ batch: "Y-SOON", expiresOn: day(2), qty: -2 }] },
    { sku: B, qty: 1 },
  ]);
  await publish("S1", [s2, s1]);
  expect(shelf("S1", A)).toEqual([
    { batch: "Y-SOON", expiresOn: day(2), qty: 1 },
    { batch: "Y-LATE", expiresOn: day(9), qty: 6 },
  ]);
  // Forged: a sale "adding" units to a lot, and one drawing more than it sold: clamped to the line.
  await publish("S1", [
    sale("S1", [
      {
        sku: A,
        qty: 1,
        batches: [
          { batch: "Y-LATE", expiresOn: day(9), qty: 500 },
          { batch: "Y-LATE", expiresOn: day(9), qty: -40 },
        ],
      },
    ]),
  ]);
  expect(hub.batches.lotsOf("S1", A)).toMatchObject({
    onHand: 6,
    lots: [
      { batch: "Y-SOON", expiresOn: day(2), qty: 1 },
      { batch: "Y-LATE", expiresOn: day(9), qty: 5 },
    ],
  });
  // A count loss names its lot.
  await publish("S1", [
    ev("stock.counted", "S1", {
      countId: "CNT-1",
      countedBy: "1001",
      lines: [
        { sku: A, counted: 5, expected: 6, batches: [{ batch: "Y-SOON", expiresOn: day(2), qty: -1 }] },
      ],
      countedAt: new Date().toISOString(),
    }),
  ]);
  expect(shelf("S1", A)).toEqual([{ batch: "Y-LATE", expiresOn: day(9), qty: 5 }]);
  // Undated goods have no lots.
  expect(hub.batches.lotsOf("S1", B).lots).toEqual([{ batch: "", expiresOn: null, qty: 4 }]);
});

test("near expiry across the chain; a transfer carries the sender's first-expiring lots to the receiver", async () => {
  await publish("S2", [
    ev("receiving.confirmed", "S2", {
      receivingId: "RCV-2",
      confirmedBy: "1001",
      lines: [{ sku: A, qty: 8, lots: [{ batch: "Z-1", expiresOn: day(1), qty: 8 }] }],
      confirmedAt: new Date().toISOString(),
    }),
  ]);
  const near = await api(hub, "GET", "/api/v1/batches/near-expiry?days=3");
  expect(near.status).toBe(200);
  expect(
    near.body.items.map((i: { storeId: string; batch: string; qty: number; daysLeft: number }) => [
      i.storeId,
      i.batch,
      i.qty,
      i.daysLeft,
    ]),
  ).toEqual([["S2", "Z-1", 8, 1]]);
  expect((await api(hub, "GET", "/api/v1/batches/near-expiry?days=61")).status).toBe(400);

  const t = hub.transfers.create({ from: "S1", to: "S2", lines: [{ sku: A, qty: 3 }] }, "t");
  hub.transfers.approve(t.id, "t");
  const shipped = hub.transfers.ship(t.id, {}, "t");
  expect(shipped.movements[0]!.movement.lines).toEqual([
    { sku: A, qty: -3, batches: [{ batch: "Y-LATE", expiresOn: day(9), qty: -3 }] },
  ]);
  const got = hub.transfers.receive(t.id, { lines: [{ sku: A, qty: 2 }] }, "t"); // one short
  expect(got.movements[0]!.movement.lines).toEqual([
    { sku: A, qty: 2, batches: [{ batch: "Y-LATE", expiresOn: day(9), qty: 2 }] },
  ]);
  expect(shelf("S1", A)).toEqual([{ batch: "Y-LATE", expiresOn: day(9), qty: 2 }]);
  expect(shelf("S2", A)).toEqual([
    { batch: "Z-1", expiresOn: day(1), qty: 8 },
    { batch: "Y-LATE", expiresOn: day(9), qty: 2 },
  ]);
});

test("markdown rules: a change set to the pilot store first, promoted to the chain, and HQ's audit re-prices the markdown", async () => {
  const bad = await api(hub, "POST", "/api/v1/batches/markdown-rules", {
    name: "x",
    maxDaysLeft: 3,
    minQty: 1,
    percent: 95,
  });
  expect([bad.status, bad.body.field]).toEqual([400, "percent"]);
  const rule = await api(hub, "POST", "/api/v1/batches/markdown-rules", {
    name: "临期3天7折",
    maxDaysLeft: 3,
    minQty: 5,
    percent: 30,
  });
  expect(rule.status).toBe(200);
  // S1's soonest lot has 9 days left and S2's Z-1 (8 units) one day: only S2 is marked down.
  const run = await api(hub, "POST", "/api/v1/batches/markdowns/run");
  expect(run.status).toBe(200);
  expect(
    run.body.markdowns.map((m: { storeId: string; sku: string; percent: number }) => [
      m.storeId,
      m.sku,
      m.percent,
    ]),
  ).toEqual([["S2", A, 30]]);
  const md = run.body.markdowns[0];
  expect(md.endsAt).toBe(endOfChinaDay(day(1)));
  // Released to the target's pilot stores: S2 is general, so nothing reaches it until promoted.
  expect(run.body.state).toBe("pilot");
  const csId = run.body.changesetId as number;
  const before = hub.catalog.pointerOf("S2").version;
  expect(hub.catalog.logOf("S2").some((e) => e.changesetId === csId)).toBe(false);
  // Running again changes nothing: the lot is marked down already.
  expect((await api(hub, "POST", "/api/v1/batches/markdowns/run")).body.markdowns).toEqual([]);
  expect((await api(hub, "POST", `/api/v1/changesets/${csId}/promote`)).status).toBe(200);
  const version = hub.catalog.pointerOf("S2").version;
  expect(version).toBeGreaterThan(before);

  // The audit re-prices S2's sales with the markdown: a till that ignored it is a finding, one
  // that applied it is not.
  const view = hub.catalog.catalogAt("S2", version);
  const full = sale("S2", [{ sku: A, qty: 2 }]).payload;
  full.catalogVersion = version;
  full.completedAt = new Date().toISOString(); // while the markdown runs
  expect(auditSale("S2", full, view)).toContainEqual({
    field: "applied",
    expected: `["${md.promotionId}"]`,
    actual: "[]",
  });
  const priced = priceBasket({
    at: new Date().toISOString(),
    storeId: "S2",
    lines: [{ lineId: "l1", sku: A, category: "2001", unitPrice: 100, qty: 2, taxRate: 13 }],
    promotions: [
      {
        id: md.promotionId,
        kind: "percent_off",
        percent: 30,
        skus: [A],
        stores: ["S2"],
        startsAt: md.startsAt,
        endsAt: md.endsAt,
      },
    ],
  });
  expect(priced.totals.net).toBe(140);
  const right = sale("S2", [{ sku: A, qty: 2 }]).payload;
  right.catalogVersion = version;
  right.completedAt = full.completedAt;
  const l = right.lines[0]!;
  Object.assign(l, {
    priceVersion: version,
    gross: 200,
    discounts: [{ promotionId: md.promotionId, amount: 60 }],
    net: 140,
    tax: priced.lines[0]!.tax,
  });
  right.totals = { ...priced.totals };
  right.applied = [md.promotionId];
  right.tenders = [{ kind: "cash", amount: 140, received: 140, change: 0 }];
  expect(auditSale("S2", right, view)).toEqual([]);
});

test("planMarkdowns: the deepest matching rule, only deeper than before, never past the date or below the stock floor", () => {
  const rules = [
    { id: "R3", name: "3天", category: null, maxDaysLeft: 3, minQty: 1, percent: 30, active: true },
    { id: "R1", name: "1天", category: null, maxDaysLeft: 1, minQty: 1, percent: 50, active: true },
    { id: "RF", name: "生鲜", category: "30", maxDaysLeft: 5, minQty: 10, percent: 20, active: true },
    { id: "RX", name: "off", category: null, maxDaysLeft: 9, minQty: 1, percent: 80, active: false },
  ];
  const lot = (sku: string, daysLeft: number, qty: number, category = ["20"]) => ({
    storeId: "S1",
    sku,
    category,
    expiresOn: day(daysLeft),
    daysLeft,
    qty,
  });
  const now = new Date().toISOString();
  const plan = planMarkdowns(
    rules,
    [
      lot("A", 3, 2),
      lot("B", 1, 1),
      lot("C", 5, 12, ["30", "3001"]),
      lot("D", 5, 9, ["30"]),
      lot("E", -1, 5),
      lot("F", 0, 1),
    ],
    new Map([[`S1|F|${day(0)}`, 50]]),
    now,
  );
  expect(plan.map((p) => [p.sku, p.ruleId, p.percent])).toEqual([
    ["A", "R3", 30],
    ["B", "R1", 50],
    ["C", "RF", 20],
  ]);
});
