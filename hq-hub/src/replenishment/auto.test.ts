// Forecast-driven replenishment through the real hub: nine weeks of a store's sales arrive over
// MQTT (milk with a weekly rhythm and a three-day stock-out, bread flat), parameters are set in
// bulk and by CSV, the store's scheduled run (a clock passed in) orders from the forecast with
// safety stock in whole packs, the cheap order goes out by itself and the dear one waits for
// approval, the till is told, and the supplier gets an XLSX or PDF file.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { formatYuanPlain } from "@retail/protocol";
import {
  ADMIN_TOKEN,
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  saleEvent,
  startTestHub,
  tempDir,
  waitFor,
} from "../test-kit.ts";
import { pdfPages } from "../testing/pdf-text.ts";

setDefaultTimeout(60_000);

// The hub's clock: Monday 2026-12-07, 08:00 in Shanghai.
let clock = new Date("2026-12-07T00:00:00Z");
let hub: Awaited<ReturnType<typeof startTestHub>>;
let store: StoreClient;
let seq = 0;
let auditor: string;

const DAY = 86_400_000;
const first = Date.parse("2026-10-05T04:00:00Z"); // Monday 12:00 China time

function sale(sku: string, qty: number, at: string) {
  const e = saleEvent("E1", ++seq, { lines: 1, skus: [sku], unitPrice: 500 });
  const p = e.payload;
  const l = p.lines[0]!;
  const tax = Math.floor((500 * qty * 13) / 113 + 0.5);
  Object.assign(l, { qty, gross: 500 * qty, net: 500 * qty, tax });
  Object.assign(p, {
    completedAt: at,
    businessDay: at.slice(0, 10),
    totals: { gross: 500 * qty, discount: 0, net: 500 * qty, tax },
    tenders: [{ kind: "cash", amount: 500 * qty, received: 500 * qty, change: 0 }],
  });
  return e;
}
const receipt = (id: string, lines: { sku: string; qty: number }[], at: string) =>
  event("receiving.confirmed", "E1", ++seq, { receivingId: id, confirmedBy: "1001", lines, confirmedAt: at });

async function publish(events: ReturnType<typeof event>[]) {
  for (let i = 0; i < events.length; i += 50) {
    await store.publishEvents(events.slice(i, i + 50));
    const upTo = seq - events.length + Math.min(i + 50, events.length);
    await store.next("events.ack", (a) => a.payload.upToSeq >= upTo, 30_000);
  }
}

beforeAll(async () => {
  hub = await startTestHub({}, () => clock);
  auditor = (await api(hub, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
  store = await connectStore(await enrollStore(hub, "E1", { region: "east" }));
  await enrollStore(hub, "W1", { region: "west" });
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,10/1002,EA,13,false,active\nM3,土鸡蛋,20/2001,EA,9,false,active\nM4,原味酸奶,10/1003,EA,13,false,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
  for (const s of [
    { id: "SUP-YILI", name: "伊利", leadTimeDays: 3, minOrderQty: 24, packSize: 12 },
    { id: "SUP-BREAD", name: "面包房", leadTimeDays: 1, minOrderQty: 10, packSize: 10 },
  ])
    expect((await api(hub, "POST", "/api/v1/suppliers", s)).status).toBe(200);
  expect((await api(hub, "PUT", "/api/v1/suppliers/SUP-YILI/skus", { skus: ["M1"] })).status).toBe(200);
  expect((await api(hub, "PUT", "/api/v1/suppliers/SUP-BREAD/skus", { skus: ["M2"] })).status).toBe(200);
  for (const [id, sku, costFen] of [
    ["SUP-YILI", "M1", 300],
    ["SUP-BREAD", "M2", 250],
  ] as const)
    expect(
      (
        await api(hub, "POST", `/api/v1/suppliers/${id}/prices`, {
          prices: [{ sku, costFen, taxRate: 13, effectiveFrom: "2026-01-01" }],
        })
      ).status,
    ).toBe(200);
  // Yoghurt was on offer for two weeks of the nine (and sold twice as much); an offer is planned
  // for Tuesday and Wednesday.
  const cs = (await api(hub, "POST", "/api/v1/changesets", { target: { kind: "all" } })).body.id as number;
  for (const [id, from, to] of [
    ["P-YOG1", "2026-10-19", "2026-10-26"],
    ["P-YOG2", "2026-11-09", "2026-11-16"],
    ["P-YOG3", "2026-12-08", "2026-12-10"],
  ] as const)
    expect(
      (
        await api(hub, "POST", `/api/v1/catalog/promotion?changeset=${cs}`, {
          id,
          kind: "percent_off",
          percent: 20,
          skus: ["M4"],
          startsAt: `${from}T00:00:00+08:00`,
          endsAt: `${to}T00:00:00+08:00`,
        })
      ).status,
    ).toBe(200);
  expect((await api(hub, "POST", `/api/v1/changesets/${cs}/release`, { stage: "all" })).status).toBe(200);
  // Nine weeks: milk 10 a weekday and 20 a weekend day, sold out on Sunday 11-29 (opening 720),
  // nothing to sell Monday to Wednesday, 100 delivered Thursday morning; bread 5 a day.
  const events: ReturnType<typeof event>[] = [
    receipt(
      "RCV-OPEN",
      [
        { sku: "M1", qty: 720 },
        { sku: "M2", qty: 330 },
        { sku: "M4", qty: 600 },
      ],
      "2026-10-04T02:00:00Z",
    ),
  ];
  for (let d = 0; d < 63; d++) {
    const at = new Date(first + d * DAY).toISOString();
    const weekend = d % 7 >= 5;
    if (d === 59)
      events.push(
        receipt("RCV-2", [{ sku: "M1", qty: 100 }], new Date(first + d * DAY - 5 * 3_600_000).toISOString()),
      );
    if (d < 56 || d >= 59) events.push(sale("M1", weekend ? 20 : 10, at));
    events.push(sale("M2", 5, at));
    const onOffer = (d >= 14 && d < 21) || (d >= 35 && d < 42); // 10-19..10-25, 11-09..11-15
    events.push(sale("M4", onOffer ? 8 : 4, at));
  }
  await publish(events);
  expect(
    (await api(hub, "PUT", "/api/v1/stores/E1/reorder-points", { sku: "M3", reorderPoint: 5 })).status,
  ).toBe(200);
});
afterAll(async () => {
  await store?.close();
  await hub?.cleanup();
});

describe("parameters in bulk and by CSV", () => {
  test("bulk by category and store group: every store of the region x every SKU of the category", async () => {
    const r = await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
      selector: { category: "10", region: "east" },
      set: { reviewDays: 7, serviceLevelBp: 9500 },
    });
    expect(r.body).toEqual({ stores: 1, skus: 2, updated: 2 });
    const bad = [
      [{ selector: {}, set: {} }, "set"],
      [{ selector: { storeIds: ["NOPE"] }, set: { reviewDays: 3 } }, "selector.storeIds.0"],
      [{ selector: {}, set: { serviceLevelBp: 10_000 } }, "set.serviceLevelBp"],
      [{ selector: {}, set: { packSize: 12, minOrderQty: 30 } }, "set.minOrderQty"],
      [{ selector: { category: "10' OR 1=1" }, set: { reviewDays: 3 } }, "selector.category"],
    ] as const;
    for (const [body, field] of bad) {
      const b = await api(hub, "POST", "/api/v1/replenishment/params/bulk", body);
      expect(b.status).toBe(400);
      expect(b.body.field).toBe(field);
    }
    expect(
      (
        await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
          selector: { supplierId: "SUP-X" },
          set: { reviewDays: 3 },
        })
      ).status,
    ).toBe(404);
    expect((await api(hub, "POST", "/api/v1/replenishment/params/bulk", r.body, auditor)).status).toBe(403);
  });

  test("bulk by a store group (store-groups/): only the group's stores; unknown, empty or forged groups refused", async () => {
    expect((await api(hub, "POST", "/api/v1/store-groups", { id: "west-only", name: "西区" })).status).toBe(
      200,
    );
    expect((await api(hub, "POST", "/api/v1/store-groups/west-only/stores", { add: ["W1"] })).status).toBe(
      200,
    );
    const r = await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
      selector: { groupId: "west-only", category: "1001" },
      set: { leadTimeDays: 9 },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ stores: 1, skus: 1, updated: 1 });
    const lead = async (storeId: string) =>
      (await api(hub, "GET", `/api/v1/stores/${storeId}/replenishment/params`)).body.find(
        (p: { sku: string }) => p.sku === "M1",
      ).overrides.leadTimeDays;
    expect(await lead("W1")).toBe(9);
    // E1 is in no such group: untouched.
    expect(await lead("E1")).toBeUndefined();
    // A group and a region together: the stores in both (none here: W1 is west).
    const both = await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
      selector: { groupId: "west-only", region: "east" },
      set: { leadTimeDays: 4 },
    });
    expect(both.status).toBe(400);
    expect(both.body.field).toBe("selector.groupId");
    const unknown = await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
      selector: { groupId: "nope" },
      set: { leadTimeDays: 4 },
    });
    expect(unknown.status).toBe(404);
    const forged = await api(hub, "POST", "/api/v1/replenishment/params/bulk", {
      selector: { groupId: "x' OR '1'='1" },
      set: { leadTimeDays: 4 },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.field).toBe("selector.groupId");
    expect(await lead("E1")).toBeUndefined();
    expect(await lead("W1")).toBe(9);
  });

  test("CSV: a bad row refuses the file naming every bad row; a good file applies", async () => {
    const bad = await api(
      hub,
      "POST",
      "/api/v1/replenishment/params/import",
      "store,sku,service_level,review_days\nE1,M1,98,7\nE9,M1,98,7\nE1,NOPE,98,7\nE1,M2,101,7\n",
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("3 bad row(s)");
    expect(bad.body.message).toContain("row 2 store: unknown store E9");
    expect(bad.body.message).toContain("row 3 sku: unknown SKU NOPE");
    expect(bad.body.message).toContain("row 4 service_level");
    // Nothing of the refused file was applied.
    const before = (await api(hub, "GET", "/api/v1/stores/E1/replenishment/params")).body;
    expect(before.find((p: { sku: string }) => p.sku === "M1").overrides.serviceLevelBp).toBe(9500);
    const ok = await api(
      hub,
      "POST",
      "/api/v1/replenishment/params/import",
      "store,sku,service_level\nE1,M1,98\n",
    );
    expect(ok.body).toEqual({ applied: 1 });
    const rows = (await api(hub, "GET", "/api/v1/stores/E1/replenishment/params")).body;
    expect(rows.map((p: { sku: string }) => p.sku)).toEqual(["M1", "M2", "M3"]);
    expect(rows[0]).toMatchObject({
      sku: "M1",
      supplierId: "SUP-YILI",
      overrides: { serviceLevelBp: 9800, reviewDays: 7 },
      effective: { serviceLevelBp: 9800, leadTimeDays: 3, reviewDays: 7, packSize: 12, minOrderQty: 24 },
    });
    expect(rows[2]).toMatchObject({ sku: "M3", supplierId: null, effective: null });
  });
});

describe("forecast from the store's own sales", () => {
  test("the weekly rhythm is learnt and the stock-out days are censored, not zero demand", async () => {
    const r = await api(hub, "GET", "/api/v1/stores/E1/forecast/M1?days=14&historyDays=14");
    expect(r.status).toBe(200);
    const out = r.body.history
      .filter((h: { stockout: boolean }) => h.stockout)
      .map((h: { day: string }) => h.day);
    expect(out).toEqual(["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]);
    expect(r.body.forecast[0].day).toBe("2026-12-07");
    const f = r.body.forecast as { day: string; units: number; dow: number }[];
    const weekday = f.filter((_, i) => i % 7 < 5).map((d) => d.units);
    const weekend = f.filter((_, i) => i % 7 >= 5).map((d) => d.units);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    // 10 a weekday, 20 a weekend day: the three empty days do not pull it down.
    expect(mean(weekday)).toBeGreaterThan(8.5);
    expect(mean(weekday)).toBeLessThan(12);
    expect(mean(weekend) / mean(weekday)).toBeGreaterThan(1.5);
    // Four days at the end, and the opening day (no stock until the first delivery, nothing sold).
    expect(r.body.model).toMatchObject({ pool: "10", censoredDays: 5 });
    // The yoghurt's planned offer: learnt from the two past ones (about twice the sales).
    const y = (await api(hub, "GET", "/api/v1/stores/E1/forecast/M4?days=7")).body;
    const yd = Object.fromEntries(y.forecast.map((d: { day: string }) => [d.day, d]));
    expect(yd["2026-12-08"].promo).toBeGreaterThan(1.6);
    expect(yd["2026-12-08"].promo).toBeLessThan(2.4);
    expect(yd["2026-12-10"].promo).toBe(1);
    expect(yd["2026-12-09"].units / yd["2026-12-10"].units).toBeGreaterThan(1.6);
    expect(y.model.promoUplift).toBe(yd["2026-12-08"].promo);
    expect((await api(hub, "GET", "/api/v1/stores/E1/forecast/NOPE")).status).toBe(404);
    expect((await api(hub, "GET", "/api/v1/stores/E1/forecast/M1?days=1000")).status).toBe(400);
    expect((await api(hub, "GET", "/api/v1/stores/ZZ/forecast/M1")).status).toBe(404);
  });
});

describe("scheduled runs, approval rule, export", () => {
  let milkPo: string;
  let breadPo: string;

  test("the run is due once at its hour (China time); cheap orders go out, dear ones wait", async () => {
    const sched = await api(hub, "PUT", "/api/v1/stores/E1/replenishment/schedule", {
      everyDays: 1,
      atHour: 9,
      autoMaxFen: 10_000,
      enabled: true,
    });
    expect(sched.body).toEqual({ storeId: "E1", everyDays: 1, atHour: 9, autoMaxFen: 10_000, enabled: true });
    expect(
      (await api(hub, "PUT", "/api/v1/stores/E1/replenishment/schedule", { ...sched.body, atHour: 24 }))
        .status,
    ).toBe(400);
    expect(
      (
        await api(hub, "PUT", "/api/v1/stores/E1/replenishment/schedule", {
          everyDays: 1,
          atHour: 9,
          autoMaxFen: -1,
          enabled: true,
        })
      ).status,
    ).toBe(400);
    // 08:00 in Shanghai: yesterday's 09:00 slot never ran, so it is due once now.
    let due = hub.autoReplenishment.runDue();
    expect(due.runs.map((r) => r.storeId)).toEqual(["E1"]);
    expect(hub.autoReplenishment.runDue().runs).toEqual([]);
    clock = new Date("2026-12-07T00:59:00Z"); // 08:59: today's slot not yet
    expect(hub.autoReplenishment.runDue().runs).toEqual([]);
    const run = due.runs[0]!;
    const by = Object.fromEntries(run.items.map((i) => [i.sku, i]));
    expect(by.M3).toMatchObject({ reason: "no_supplier", qty: 0 });
    // Milk: on hand 720 - 720 + 100 - 60 = 40; order up to forecast over 3 + 7 days + safety stock at 98%.
    const m1 = by.M1!;
    expect(m1).toMatchObject({ onHand: 40, onOrder: 0, inTransit: 0, position: 40, reason: "order" });
    expect(m1.params).toEqual({
      serviceLevelBp: 9800,
      leadTimeDays: 3,
      reviewDays: 7,
      packSize: 12,
      minOrderQty: 24,
    });
    expect(m1.demandOverCover).toBeGreaterThan(100); // ~ 6 x 10 + 2 x 20 + ... over 10 days
    expect(m1.demandOverCover).toBeLessThan(150);
    expect(m1.orderUpTo).toBe(m1.demandOverCover + m1.safetyStock);
    expect(m1.qty % 12).toBe(0);
    expect(m1.qty).toBeGreaterThanOrEqual(m1.orderUpTo - 40);
    expect(m1.qty - 12).toBeLessThan(m1.orderUpTo - 40);
    const m2 = by.M2!;
    expect(m2).toMatchObject({ onHand: 15, position: 15, reason: "order" });
    expect(m2.qty % 10).toBe(0);
    const milk = run.orders.find((o) => o.supplierId === "SUP-YILI")!;
    const bread = run.orders.find((o) => o.supplierId === "SUP-BREAD")!;
    milkPo = milk.poId;
    breadPo = bread.poId;
    expect(milk).toMatchObject({ valueFen: m1.qty * 300, decision: "awaiting_approval", decidedBy: null });
    expect(bread).toMatchObject({
      valueFen: m2.qty * 250,
      decision: "auto_sent",
      decidedBy: "auto-replenishment",
    });
    expect(m2.qty * 250).toBeLessThanOrEqual(10_000);
    expect((await api(hub, "GET", `/api/v1/purchase-orders/${milkPo}`)).body.status).toBe("draft");
    const sent = (await api(hub, "GET", `/api/v1/purchase-orders/${breadPo}`)).body;
    expect(sent).toMatchObject({ status: "ordered", orderedBy: "auto-replenishment" });
    expect(sent.expectedAt).toBe("2026-12-08T00:00:00.000Z");
    await hub.tellTills(due.till);
    await store.next("replenishment.status", (m) =>
      m.payload.items.some((i) => i.purchaseOrderId === breadPo && i.status === "ordered"),
    );
    // The run is listed with its orders and decisions.
    const runs = (await api(hub, "GET", "/api/v1/replenishment/runs?store=E1")).body;
    expect(runs[0]).toMatchObject({ id: run.id, trigger: "schedule", storeId: "E1" });
    due = { runs: [], till: [] };
  });

  test("approval sends the order; a second run orders nothing more; shipped goods count as in transit", async () => {
    expect(
      (await api(hub, "POST", `/api/v1/purchase-orders/${milkPo}/approve`, undefined, auditor)).status,
    ).toBe(403);
    expect((await api(hub, "POST", `/api/v1/purchase-orders/${breadPo}/approve`)).status).toBe(409);
    const ok = await api(hub, "POST", `/api/v1/purchase-orders/${milkPo}/approve`);
    expect(ok.body).toMatchObject({ id: milkPo, status: "ordered" });
    expect((await api(hub, "POST", `/api/v1/purchase-orders/${milkPo}/approve`)).status).toBe(409);
    const again = await api(hub, "POST", "/api/v1/stores/E1/replenishment/run");
    expect(again.body.trigger).toBe("manual");
    expect(again.body.orders).toEqual([]);
    expect(again.body.items.find((i: { sku: string }) => i.sku === "M1").reason).toBe("covered");
    const shipped = await api(hub, "POST", `/api/v1/purchase-orders/${milkPo}/ship`);
    expect(shipped.body.status).toBe("in_transit");
    const plan = (await api(hub, "GET", "/api/v1/stores/E1/replenishment/plan")).body;
    const m1 = plan.find((i: { sku: string }) => i.sku === "M1");
    expect(m1.inTransit).toBe(ok.body.lines[0].qty);
    expect(m1.onOrder).toBe(0);
    await store.next("replenishment.status", (m) =>
      m.payload.items.some((i) => i.purchaseOrderId === milkPo && i.status === "in_transit"),
    );
    const runs = (await api(hub, "GET", "/api/v1/replenishment/runs?store=E1")).body;
    const first = runs.find((r: { trigger: string }) => r.trigger === "schedule");
    expect(first.orders.find((o: { poId: string }) => o.poId === milkPo)).toMatchObject({
      decision: "approved",
    });
  });

  test("the supplier's XLSX: a valid workbook with the lines, packs and value", async () => {
    const res = await fetch(`${hub.http.url}/api/v1/purchase-orders/${milkPo}/export.xlsx`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    const bytes = new Uint8Array(await res.arrayBuffer());
    const path = `${process.env.TMPDIR ?? "/tmp"}/po-${milkPo}.xlsx`;
    await Bun.write(path, bytes);
    const t = Bun.spawnSync(["unzip", "-t", path]);
    expect(t.exitCode).toBe(0);
    const sheetXml = Bun.spawnSync(["unzip", "-p", path, "xl/worksheets/sheet1.xml"]).stdout.toString();
    const po = (await api(hub, "GET", `/api/v1/purchase-orders/${milkPo}`)).body;
    const qty = po.lines[0].qty;
    expect(sheetXml).toContain("纯牛奶 250ml");
    expect(sheetXml).toContain("伊利");
    expect(sheetXml).toContain(`<v>${qty}</v>`);
    expect(sheetXml).toContain(`<v>${qty / 12}</v>`);
    expect(sheetXml).toContain(`<v>${formatYuanPlain(qty * 300)}</v>`);
    expect(
      (
        await fetch(`${hub.http.url}/api/v1/purchase-orders/PO-NOPE/export.xlsx`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
    ).toBe(404);
  });

  test("the supplier's PDF: the order's lines read back by a PDF reader; other regions and unknown orders refused", async () => {
    const res = await fetch(`${hub.http.url}/api/v1/purchase-orders/${milkPo}/export.pdf`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toContain(`${milkPo}.pdf`);
    const pages = await pdfPages(new Uint8Array(await res.arrayBuffer()));
    const all = pages.flat();
    const po = (await api(hub, "GET", `/api/v1/purchase-orders/${milkPo}`)).body;
    const qty = po.lines[0].qty;
    expect(all).toContain(po.id);
    expect(all.find((t) => t.startsWith("供应商 Supplier:"))).toContain("伊利 (SUP-YILI)");
    expect(all.find((t) => t.startsWith("状态 Status:"))).toContain("在途 In transit");
    // SKU, name, (no barcode), qty, unit, pack 12, packs, unit cost, value
    expect(all).toContain(
      `M1 纯牛奶 250ml ${qty} EA 12 ${qty / 12} ${formatYuanPlain(300)} ${formatYuanPlain(qty * 300)}`,
    );
    expect(all).toContain(`合计 Total 1 行 lines ${qty} ${formatYuanPlain(qty * 300)}`);
    const west = (
      await api(hub, "POST", "/api/v1/tokens", { name: "xi", role: "regional_manager", region: "west" })
    ).body.token;
    const pdf = (id: string, token: string) =>
      fetch(`${hub.http.url}/api/v1/purchase-orders/${id}/export.pdf`, {
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await pdf(milkPo, west)).status).toBe(403);
    expect((await pdf(milkPo, auditor)).status).toBe(200);
    expect((await pdf("PO-NOPE", ADMIN_TOKEN)).status).toBe(404);
    expect((await pdf("..%2F..%2Fetc", ADMIN_TOKEN)).status).toBe(404);
    expect((await fetch(`${hub.http.url}/api/v1/purchase-orders/${milkPo}/export.pdf`)).status).toBe(401);
  });

  test("reject cancels a waiting order", async () => {
    // Force a fresh need: the whole order closed short.
    expect((await api(hub, "POST", `/api/v1/purchase-orders/${milkPo}/close`)).status).toBe(200);
    await api(hub, "PUT", "/api/v1/stores/E1/replenishment/schedule", {
      everyDays: 1,
      atHour: 9,
      autoMaxFen: 0,
      enabled: true,
    });
    const run = (await api(hub, "POST", "/api/v1/stores/E1/replenishment/run")).body;
    const milk = run.orders.find((o: { supplierId: string }) => o.supplierId === "SUP-YILI");
    expect(milk.decision).toBe("awaiting_approval");
    const r = await api(hub, "POST", `/api/v1/purchase-orders/${milk.poId}/reject`);
    expect(r.body.status).toBe("cancelled");
    expect((await api(hub, "POST", `/api/v1/purchase-orders/${milk.poId}/reject`)).status).toBe(409);
  });

  // A hub database restored from a backup taken before a slot: the restored hub finds the slot
  // due again and runs it. Its orders must be the SAME orders (the order numbers the tills were
  // told and the supplier got), not a second set. Before: random numbers, a second order.
  test("a restored hub re-running a slot sends the slot's same order numbers, not new ones", async () => {
    await api(hub, "PUT", "/api/v1/stores/E1/replenishment/schedule", {
      everyDays: 1,
      atHour: 9,
      autoMaxFen: 10_000_000,
      enabled: true,
    });
    clock = new Date("2026-12-07T01:00:00Z"); // 09:00 in Shanghai: today's slot
    const backup = tempDir("hub-backup-");
    mkdirSync(join(backup.path, "data"));
    hub.db.exec(`VACUUM INTO '${join(backup.path, "data", "hq.db")}'`); // the backup, before the slot
    const first = hub.autoReplenishment.runDue();
    expect(first.runs.map((r) => r.storeId)).toEqual(["E1"]);
    const sent = first.runs[0]!.orders;
    expect(sent.length).toBeGreaterThan(0);
    expect(hub.autoReplenishment.runDue().runs).toEqual([]); // the same database: once
    const restored = await startTestHub({ dataDir: join(backup.path, "data") }, () => clock);
    try {
      const again = restored.autoReplenishment.runDue();
      expect(again.runs.map((r) => [r.id, r.storeId])).toEqual([[first.runs[0]!.id, "E1"]]);
      expect(again.runs[0]!.orders.map((o) => [o.poId, o.supplierId, o.decision])).toEqual(
        sent.map((o) => [o.poId, o.supplierId, o.decision]),
      );
      for (const o of sent)
        expect((await api(restored, "GET", `/api/v1/purchase-orders/${o.poId}`)).body.status).toBe("ordered");
      expect(restored.autoReplenishment.runDue().runs).toEqual([]);
    } finally {
      await restored.cleanup();
      backup.remove();
    }
  });
});
