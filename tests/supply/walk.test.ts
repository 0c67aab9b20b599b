// The supply chain walk (issue 17 "Done when"): ONE fresh SKU (原味酸奶) taken through forecast ->
// the scheduled automatic replenishment run -> purchase order approved and sent -> a partial
// delivery received at the store's till with batches and expiry dates -> a transfer to a second
// store (shipped, in transit, received one short) -> a stocktake (frozen snapshot, count,
// approval, posted adjustment) -> an expiry markdown (rule -> change set to the pilot store, then
// promoted to the chain -> the marked-down sale priced by the till and audited at HQ), with the
// stock checked at EVERY step on both sides: on-hand at the edge and at HQ, on order / in
// transit, the lots (batch + expiry) at the edge and in HQ's mirror, and the cost (moving
// average, COGS) at HQ to the fen; and what the tills see of it (the order with its ETA, the
// forecast, the transfer on the road). Last, a return and a count gain show where units of
// unknown lot go: the undated rest, on both sides.
//
// Test bed: the hub in this process (startHub, the code `hq-hub serve` runs) so its clock can be
// passed in, and two REAL store edges (the `store-edge serve` CLI, each its own process and
// edge.db, enrolled with a one-time code, talking to the hub's embedded broker over loopback).
// Both sides share one "virtual now" = real time + an offset: the hub through its injected clock,
// the edges through STORE_EDGE_CLOCK_SKEW_FILE (store-edge/src/clock.ts). Moving the offset back
// four weeks lets the edge sell a real sales history, day by day, that the forecast learns from.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Hub, loadConfig, startHub } from "@retail/hq-hub";
import { withCheckDigit } from "@retail/protocol";
import {
  EDGE_CLI,
  jsonCall,
  type Proc,
  runCli,
  startEdgeProc,
  stop,
  tempDir,
  until,
} from "@retail/test-support";

// Two edges and a hub on a shared 2-core machine: generous bounds, never a timed assertion.
setDefaultTimeout(300_000);

const ADMIN = "walk-admin-token-0123456789abcdef";
const DAY = 86_400_000;
const SKU = "YOG001";
const GTIN = withCheckDigit("690123400001");
const PRICE = 500; // ¥5.00 at the shelf
const COST_OLD = 300; // the supplier's price when the opening stock came
const COST_NEW = 320; // the price list from four days ago: the order is costed at it
const A = "A001"; // pilot ring: it gets the markdown first
const B = "B001"; // general ring: after the promotion

const work = tempDir("supply-walk-");
const skewFile = join(work, "clock-skew");
let offset = 0;
const vnow = () => Date.now() + offset;
/** The China business day of the virtual now, plus `days`. */
const chinaDay = (days = 0) => new Date(vnow() + 8 * 3_600_000 + days * DAY).toISOString().slice(0, 10);

async function setOffset(ms: number) {
  offset = ms;
  writeFileSync(skewFile, String(ms));
  // The edges re-read the file at most every 100 ms.
  await Bun.sleep(250);
}

let hub: Hub;
const edges: Record<string, Proc> = {};
const tokens: Record<string, string> = {};

// biome-ignore lint/suspicious/noExplicitAny: test convenience, each call names the shape it reads
const hq = <T = any>(method: string, path: string, body?: unknown) =>
  jsonCall<T>(hub.http.url, method, path, { body, token: ADMIN, who: "HQ" });
// biome-ignore lint/suspicious/noExplicitAny: as above
const edge = <T = any>(store: string, method: string, path: string, body?: unknown) =>
  jsonCall<T>(edges[store]!.ready.http!, method, `/api/v1${path}`, {
    body,
    token: tokens[store],
    who: store,
  });

/** An edge call whose refusal is read, not thrown: status and body. */
async function edgeRaw(store: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${edges[store]!.ready.http!}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${tokens[store]}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** On-hand at the edge (its own book) and at HQ (the ledger). */
async function onHand(store: string) {
  const e = await edge<{ onHand: number }>(store, "GET", `/products/${SKU}`);
  const h = await hq<{ sku: string; on_hand: number }[]>("GET", `/api/v1/stores/${store}/stock?sku=${SKU}`);
  return { edge: e.onHand, hq: h.find((r) => r.sku === SKU)?.on_hand ?? 0 };
}

type Lot = { batch: string; expiresOn?: string | null; qty: number };
const lotList = (lots: Lot[]) =>
  lots
    .filter((l) => l.qty !== 0)
    .map((l) => (l.batch ? `${l.batch}@${l.expiresOn}x${l.qty}` : `undated x${l.qty}`))
    .sort();
async function lots(store: string) {
  const e = await edge<{ lots: Lot[] }>(store, "GET", `/stock/${SKU}/lots`);
  // HQ's mirror as the shelf holds it (lotView: a loss HQ booked without lots netted FEFO, as the
  // edge nets it).
  const h = await hq<{ shelf: Lot[] }>("GET", `/api/v1/stores/${store}/lots/${SKU}`);
  return { edge: lotList(e.lots), hq: lotList(h.shelf) };
}

async function cost(store: string) {
  const rows = await hq<{ sku: string; onHand: number; valueFen: number; averageFen: number | null }[]>(
    "GET",
    `/api/v1/stores/${store}/cost?sku=${SKU}`,
  );
  const r = rows.find((x) => x.sku === SKU);
  return { onHand: r?.onHand ?? 0, valueFen: r?.valueFen ?? 0 };
}

/** HQ's replenishment view of the SKU at a store: on hand, on order, in transit. */
async function planOf(store: string) {
  const items = await hq<{ sku: string; onHand: number; onOrder: number; inTransit: number }[]>(
    "GET",
    `/api/v1/stores/${store}/replenishment/plan`,
  );
  const i = items.find((x) => x.sku === SKU);
  return i && { onHand: i.onHand, onOrder: i.onOrder, inTransit: i.inTransit };
}

/** Every event the edge wrote is acked by HQ (committed there). */
async function delivered(store: string) {
  await until(
    async () => {
      const s = await edge<{ outbox: { lastSeq: number; ackedUpTo: number } }>(store, "GET", "/status");
      return s.outbox.ackedUpTo === s.outbox.lastSeq;
    },
    30_000,
    `${store}: outbox acked by HQ`,
  );
}

/** A sale of `qty` units at lane 1, paid in cash; the sale as the edge answered it. */
async function sell(store: string, qty: number) {
  await edge(store, "POST", "/lanes/1/items", { sku: SKU, qty });
  const r = await edge<{ sale?: { receiptNo: string; totals: { net: number } } }>(
    store,
    "POST",
    "/lanes/1/tenders",
    { kind: "cash", received: 100_000 },
  );
  if (!r.sale) throw new Error(`${store}: no sale ${JSON.stringify(r)}`);
  return r.sale;
}

async function startStore(id: string, name: string, ring: "pilot" | "general") {
  await hq("POST", "/api/v1/stores", { id, name, region: "east", ring, lat: 31.23, lng: 121.47 });
  const { code } = await hq<{ code: string }>("POST", `/api/v1/stores/${id}/enrollment-code`);
  const dir = join(work, id);
  const r = await runCli(EDGE_CLI, ["enroll", "--hq", hub.http.url, "--code", code, "--data", dir]);
  if (r.code !== 0) throw new Error(`enroll ${id}: ${r.out}\n${r.err}`);
  edges[id] = await startEdgeProc(dir, {
    STORE_EDGE_CLOCK_SKEW_FILE: skewFile,
    STORE_EDGE_STATUS_INTERVAL_MS: "500",
    STORE_EDGE_SESSION_IDLE_MIN: String(7 * 24 * 60),
  });
}

async function signIn(store: string, openShift = true) {
  const login = await edge<{ session: { token: string } }>(store, "POST", "/lanes/1/login", {
    cashierId: "1001",
    pin: "1234",
  });
  tokens[store] = login.session.token;
  if (openShift) await edge(store, "POST", "/lanes/1/shift/open", { float: 20_000 });
}

beforeAll(async () => {
  writeFileSync(skewFile, "0");
  const config = loadConfig({
    env: {},
    cwd: work,
    overrides: { port: 0, mqttPort: 0, dataDir: join(work, "hub"), adminToken: ADMIN, memberSyncMs: 0 },
  });
  hub = await startHub(config, { now: () => new Date(vnow()), log: () => {} });
  // The catalog: the yoghurt, its barcode and shelf price, a cashier and a supervisor.
  const cs = (await hq<{ id: number }>("POST", "/api/v1/changesets", { target: { kind: "all" } })).id;
  const pinHash = (pin: string) => Bun.password.hashSync(pin, { algorithm: "bcrypt", cost: 4 });
  for (const [entity, data] of [
    [
      "product",
      {
        sku: SKU,
        name: "原味酸奶 200g",
        category: ["10", "1003"],
        unit: "EA",
        taxRate: 13,
        weighed: false,
        status: "active",
        pinyin: "ywsn",
      },
    ],
    ["barcode", { code: GTIN, sku: SKU }],
    ["price", { sku: SKU, scope: "chain", windows: [{ price: PRICE }] }],
    ["cashier", { id: "1001", name: "王芳", role: "cashier", pinHash: pinHash("1234"), status: "active" }],
    [
      "cashier",
      { id: "9001", name: "李经理", role: "supervisor", pinHash: pinHash("9999"), status: "active" },
    ],
  ] as const)
    await hq("POST", `/api/v1/catalog/${entity}?changeset=${cs}`, data);
  await hq("POST", `/api/v1/changesets/${cs}/release`, { stage: "all" });
  // The supplier: 2 days' lead time, cases of 12, at least two cases.
  await hq("POST", "/api/v1/suppliers", {
    id: "SUP-MILK",
    name: "光明乳业",
    leadTimeDays: 2,
    minOrderQty: 24,
    packSize: 12,
  });
  await hq("PUT", "/api/v1/suppliers/SUP-MILK/skus", { skus: [SKU] });
  await startStore(A, "人民广场店", "pilot");
  await startStore(B, "南京西路店", "general");
  for (const s of [A, B]) {
    await until(
      async () => (await edge<{ catalog: { applied: number } }>(s, "GET", "/status")).catalog.applied >= 1,
      30_000,
      `${s}: catalog from HQ`,
    );
  }
});

afterAll(async () => {
  for (const p of Object.values(edges)) await stop(p);
  await hub?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("one SKU through the supply chain", () => {
  const history: number[] = [];
  test("four weeks of history at store A: opening stock (a dated lot) and daily sales", async () => {
    await setOffset(-29 * DAY);
    // The price list when the opening stock came: ¥3.00.
    await hq("POST", "/api/v1/suppliers/SUP-MILK/prices", {
      prices: [{ sku: SKU, costFen: COST_OLD, taxRate: 13, effectiveFrom: chinaDay(-1) }],
    });
    await signIn(A);
    await signIn(B);
    // The opening delivery at A's till, without an order: 240 units of one lot good for six weeks.
    await edge(A, "POST", "/stock/receivings", {
      cashierId: "1001",
      pin: "1234",
      supplierId: "SUP-MILK",
      lines: [{ sku: SKU, qty: 240, lots: [{ batch: "L-OPEN", expiresOn: chinaDay(42), qty: 240 }] }],
    });
    for (let d = 28; d >= 1; d--) {
      await setOffset(-d * DAY);
      const weekday = new Date(vnow() + 8 * 3_600_000).getUTCDay();
      const qty = weekday === 0 || weekday === 6 ? 10 : 6;
      await sell(A, qty);
      history.push(qty);
    }
    await setOffset(0);
    await delivered(A);
    const sold = history.reduce((a, b) => a + b, 0);
    expect(await onHand(A)).toEqual({ edge: 240 - sold, hq: 240 - sold });
    expect(await lots(A)).toEqual({
      edge: [`L-OPEN@${chinaDay(13)}x${240 - sold}`],
      hq: [`L-OPEN@${chinaDay(13)}x${240 - sold}`],
    });
    // Cost: 240 in at ¥3.00, every sale out at the average: what is left is worth exactly 3.00 each.
    expect(await cost(A)).toEqual({ onHand: 240 - sold, valueFen: (240 - sold) * COST_OLD });
  });

  let po = "";
  let ordered = 0;
  test("forecast, then the scheduled automatic run: one order in whole cases, approved and sent", async () => {
    // The forecast learns the weekly rhythm from what A sold: weekends sell more.
    const f = await hq<{
      forecast: { day: string; units: number }[];
      model: { observedDays: number } | null;
    }>("GET", `/api/v1/stores/${A}/forecast/${SKU}?days=7`);
    expect(f.model?.observedDays).toBeGreaterThanOrEqual(28);
    const week = f.forecast.reduce((a, d) => a + d.units, 0);
    expect(week).toBeGreaterThan(50 * 0.8);
    expect(week).toBeLessThan(50 * 1.2);
    const byDow = (weekend: boolean) =>
      f.forecast.filter((d) => [0, 6].includes(new Date(`${d.day}T00:00:00Z`).getUTCDay()) === weekend);
    expect(Math.min(...byDow(true).map((d) => d.units))).toBeGreaterThan(
      Math.max(...byDow(false).map((d) => d.units)),
    );

    // The till asks HQ for the same forecast (the stock card's supply panel), one decimal a day.
    const till = await edge<{ forecast: { day: string; units: number }[] }>(A, "GET", `/stock/${SKU}/supply`);
    expect(till.forecast.map((d) => d.day)).toEqual(f.forecast.map((d) => d.day));
    expect(Math.abs(till.forecast.reduce((a, d) => a + d.units, 0) - week)).toBeLessThan(0.4);

    // The supplier's new price list (from four days ago) costs the order; reorder parameters for
    // A set in bulk by supplier; A's daily run at this hour; orders over ¥10 wait for approval.
    await hq("POST", "/api/v1/suppliers/SUP-MILK/prices", {
      prices: [{ sku: SKU, costFen: COST_NEW, taxRate: 13, effectiveFrom: chinaDay(-4) }],
    });
    await hq("POST", "/api/v1/replenishment/params/bulk", {
      selector: { supplierId: "SUP-MILK", storeIds: [A] },
      set: { serviceLevelBp: 9500, reviewDays: 7 },
    });
    const hour = new Date(vnow() + 8 * 3_600_000).getUTCHours();
    await hq("PUT", `/api/v1/stores/${A}/replenishment/schedule`, {
      everyDays: 1,
      atHour: hour,
      autoMaxFen: 1000,
      enabled: true,
    });
    // What the hub's minute timer does (hub.ts autoRunTimer), now rather than within a minute;
    // whichever comes first runs the slot, the other finds it done.
    await hub.tellTills(hub.autoReplenishment.runDue().till);
    type Run = {
      trigger: string;
      items: {
        sku: string;
        onHand: number;
        onOrder: number;
        position: number;
        orderUpTo: number;
        qty: number;
        reason: string;
      }[];
      orders: {
        poId: string;
        decision: string;
        valueFen: number | null;
        lines: { sku: string; qty: number }[];
      }[];
    };
    const runs = await hq<Run[]>("GET", `/api/v1/replenishment/runs?store=${A}`);
    expect(runs.map((r) => r.trigger)).toEqual(["schedule"]);
    const run = runs[0]!;
    const item = run.items.find((i) => i.sku === SKU)!;
    expect(item).toMatchObject({ reason: "order", onHand: 40, onOrder: 0, position: 40 });
    ordered = item.qty;
    expect(ordered % 12).toBe(0);
    expect(ordered).toBeGreaterThanOrEqual(24);
    expect(item.position + ordered).toBeGreaterThanOrEqual(item.orderUpTo);
    expect(item.position + ordered - 12).toBeLessThan(item.orderUpTo);
    expect(run.orders).toHaveLength(1);
    expect(run.orders[0]).toMatchObject({
      decision: "awaiting_approval",
      valueFen: ordered * COST_NEW,
      lines: [{ sku: SKU, qty: ordered }],
    });
    po = run.orders[0]!.poId;
    // The run is once per slot: asking again orders nothing more.
    expect(hub.autoReplenishment.runDue().runs).toEqual([]);
    await hq("PUT", `/api/v1/stores/${A}/replenishment/schedule`, {
      everyDays: 1,
      atHour: hour,
      autoMaxFen: 1000,
      enabled: false,
    });

    await hq("POST", `/api/v1/purchase-orders/${po}/approve`);
    const order = await hq<{ status: string }>("GET", `/api/v1/purchase-orders/${po}`);
    expect(order.status).toBe("ordered");
    const costs = await hq<{ sku: string; unitCostFen: number | null }[]>(
      "GET",
      `/api/v1/purchase-orders/${po}/costs`,
    );
    expect(costs).toEqual([expect.objectContaining({ sku: SKU, unitCostFen: COST_NEW })]);
    // On order at HQ; the till is told "ordered" with the quantity and the ETA.
    expect(await planOf(A)).toMatchObject({ onHand: 40, onOrder: ordered, inTransit: 0 });
    await until(
      async () =>
        (await edge<{ replenishment: { status: string } | null }>(A, "GET", `/products/${SKU}`)).replenishment
          ?.status === "ordered",
      30_000,
      "A's till told the order",
    );
    const p = await edge<{ replenishment: Record<string, unknown> }>(A, "GET", `/products/${SKU}`);
    expect(p.replenishment).toMatchObject({ status: "ordered", qty: ordered, purchaseOrderId: po });
    expect(Date.parse(String(p.replenishment.expectedAt)) - vnow()).toBeGreaterThan(DAY); // lead time 2 days
    expect(await onHand(A)).toEqual({ edge: 40, hq: 40 });
  });

  // Half up, exact: what an outbound movement takes of a position (costing/ledger.ts).
  const share = (value: number, qty: number, of: number) => Math.floor((value * qty * 2 + of) / (2 * of));
  let received = 0;
  let valueA = 0;
  test("a partial delivery at A's till with two dated lots: on hand, lots, cost, and still on order", async () => {
    const due = await edge<{
      deliveries: { purchaseOrderId: string; lines: { sku: string; outstanding: number }[] }[];
    }>(A, "GET", "/stock/deliveries");
    expect(due.deliveries).toEqual([
      expect.objectContaining({
        purchaseOrderId: po,
        lines: [expect.objectContaining({ sku: SKU, expected: ordered })],
      }),
    ]);
    received = ordered - 12; // one case short
    await edge(A, "POST", "/stock/receivings", {
      cashierId: "1001",
      pin: "1234",
      purchaseOrderId: po,
      lines: [
        {
          sku: SKU,
          qty: received,
          expected: ordered,
          lots: [
            { batch: "B-NEAR", expiresOn: chinaDay(3), qty: 12 },
            { batch: "B-LATE", expiresOn: chinaDay(20), qty: received - 12 },
          ],
        },
      ],
    });
    await delivered(A);
    expect(await onHand(A)).toEqual({ edge: 40 + received, hq: 40 + received });
    const atA = [
      `B-LATE@${chinaDay(20)}x${received - 12}`,
      `B-NEAR@${chinaDay(3)}x12`,
      `L-OPEN@${chinaDay(13)}x40`,
    ];
    expect(await lots(A)).toEqual({ edge: atA, hq: atA });
    // The 40 left at ¥3.00 and what came at the order's ¥3.20: the moving average re-averages.
    valueA = 40 * COST_OLD + received * COST_NEW;
    expect(await cost(A)).toEqual({ onHand: 40 + received, valueFen: valueA });
    // The order is part received: one case still on order, at HQ and at the till.
    await until(async () => (await planOf(A))?.onOrder === 12, 30_000, "HQ: the missing case on order");
    expect(await planOf(A)).toEqual({ onHand: 40 + received, onOrder: 12, inTransit: 0 });
    expect((await hq<{ status: string }>("GET", `/api/v1/purchase-orders/${po}`)).status).toBe("ordered");
    await until(
      async () =>
        (await edge<{ replenishment: { qty?: number } }>(A, "GET", `/products/${SKU}`)).replenishment.qty ===
        12,
      30_000,
      "A's till told what is still to come",
    );
    expect(
      (await edge<{ replenishment: unknown }>(A, "GET", `/products/${SKU}`)).replenishment,
    ).toMatchObject({
      status: "ordered",
      qty: 12,
      purchaseOrderId: po,
    });
  });

  let transfer = "";
  let shippedValue = 0;
  test("a transfer A -> B requested at B's till: approved (on order at B), shipped (in transit, cost travels), received one short", async () => {
    await hq("POST", "/api/v1/replenishment/params/bulk", {
      selector: { supplierId: "SUP-MILK", storeIds: [B] },
      set: { serviceLevelBp: 9500 },
    });
    // The cashiers signed in four weeks ago (virtual time): their sessions have expired.
    await signIn(A, false);
    await signIn(B, false);
    // B sees A's stock nearby and asks for ten.
    const nearby = await edge<{ stores: { storeId: string; onHand: number }[] }>(
      B,
      "GET",
      `/stock/${SKU}/nearby`,
    );
    expect(nearby.stores).toEqual([expect.objectContaining({ storeId: A, onHand: 40 + received })]);
    const req = await edge<{ transferId: string; status: string }>(B, "POST", "/lanes/1/transfer-requests", {
      sku: SKU,
      fromStoreId: A,
      qty: 10,
    });
    expect(req.status).toBe("requested");
    transfer = req.transferId;
    await hq("POST", `/api/v1/transfers/${transfer}/approve`);
    expect(await planOf(B)).toEqual({ onHand: 0, onOrder: 10, inTransit: 0 });

    // A's till ships what it counted: ten, drawn first-expiring first (the near lot).
    const open = await edge<{ transfers: { transferId: string; direction: string; status: string }[] }>(
      A,
      "GET",
      "/lanes/1/transfers",
    );
    expect(open.transfers).toEqual([
      expect.objectContaining({ transferId: transfer, direction: "out", status: "approved" }),
    ]);
    await edge(A, "POST", `/lanes/1/transfers/${transfer}/ship`, { lines: [{ sku: SKU, qty: 10 }] });
    shippedValue = share(valueA, 10, 40 + received);
    const shipped = await hq<{ status: string; inTransitValueFen: number; shippedValueFen: number }>(
      "GET",
      `/api/v1/transfers/${transfer}`,
    );
    expect(shipped).toMatchObject({
      status: "shipped",
      shippedValueFen: shippedValue,
      inTransitValueFen: shippedValue,
    });
    await until(
      async () => (await onHand(A)).edge === 30 + received,
      30_000,
      "A's till gets the transfer out",
    );
    expect(await onHand(A)).toEqual({ edge: 30 + received, hq: 30 + received });
    const atA = [
      `B-LATE@${chinaDay(20)}x${received - 12}`,
      `B-NEAR@${chinaDay(3)}x2`,
      `L-OPEN@${chinaDay(13)}x40`,
    ];
    expect(await lots(A)).toEqual({ edge: atA, hq: atA });
    valueA -= shippedValue;
    expect(await cost(A)).toEqual({ onHand: 30 + received, valueFen: valueA });
    expect(await planOf(B)).toEqual({ onHand: 0, onOrder: 0, inTransit: 10 });
    // Both tills see the document on the road (the stock card's supply panel, asked of HQ).
    const road = (store: string) =>
      edge<{ transfers: { transferId: string; direction: string; status: string; qty: number }[] }>(
        store,
        "GET",
        `/stock/${SKU}/supply`,
      );
    expect((await road(B)).transfers).toEqual([
      expect.objectContaining({ transferId: transfer, direction: "in", status: "shipped", qty: 10 }),
    ]);
    expect((await road(A)).transfers).toEqual([
      expect.objectContaining({ transferId: transfer, direction: "out", status: "shipped", qty: 10 }),
    ]);

    // B's till counts nine: one short. The value that left A arrives; the missing unit is a loss.
    await edge(B, "POST", `/lanes/1/transfers/${transfer}/receive`, { lines: [{ sku: SKU, qty: 9 }] });
    const done = await hq<{
      status: string;
      inTransitValueFen: number;
      lines: { differenceQty: number; differenceValueFen: number }[];
    }>("GET", `/api/v1/transfers/${transfer}`);
    expect(done).toMatchObject({ status: "received", inTransitValueFen: 0 });
    expect(done.lines[0]).toMatchObject({
      differenceQty: -1,
      differenceValueFen: -share(shippedValue, 1, 10),
    });
    await until(async () => (await onHand(B)).edge === 9, 30_000, "B's till gets the transfer in");
    expect(await onHand(B)).toEqual({ edge: 9, hq: 9 });
    expect(await lots(B)).toEqual({ edge: [`B-NEAR@${chinaDay(3)}x9`], hq: [`B-NEAR@${chinaDay(3)}x9`] });
    expect(await cost(B)).toEqual({ onHand: 9, valueFen: shippedValue - share(shippedValue, 1, 10) });
    expect(await planOf(B)).toEqual({ onHand: 9, onOrder: 0, inTransit: 0 });
  });

  test("a stocktake at A counted by lot: opened by HQ, the frozen snapshot counted lot by lot at the till, approved, the loss posted on the lot it came from", async () => {
    const book = 30 + received;
    const { session: opened } = await hq<{ session: { id: string; status: string } }>(
      "POST",
      "/api/v1/stocktakes",
      {
        storeId: A,
        kind: "cycle",
        skus: [SKU],
        recountOver: 5,
      },
    );
    expect(opened.status).toBe("requested");
    const session = opened.id;
    await until(
      async () =>
        (await edge<{ sessions: { id: string }[] }>(A, "GET", "/stocktakes")).sessions.some(
          (x) => x.id === session,
        ),
      30_000,
      "A's till gets the count",
    );
    const counter = await edge<{ token: string }>(A, "POST", `/stocktakes/${session}/counters`, {
      cashierId: "1001",
      pin: "1234",
    });
    // Dated goods are counted lot by lot: the plain barcode alone is refused with the reason.
    const plain = await edgeRaw(A, "POST", `/stocktakes/${session}/scans`, {
      token: counter.token,
      code: GTIN,
      qty: 1,
    });
    expect(plain.status).toBe(409);
    expect(plain.body).toMatchObject({ reason: "lot_required" });
    // The lots to pick from: batch and expiry, no quantities (counting is blind).
    const choices = await edge<{ byLot: boolean; lots: Record<string, unknown>[] }>(
      A,
      "GET",
      `/stocktakes/${session}/lots/${SKU}`,
    );
    expect(choices.byLot).toBe(true);
    expect(choices.lots).toEqual([
      { batch: "B-NEAR", expiresOn: chinaDay(3) },
      { batch: "L-OPEN", expiresOn: chinaDay(13) },
      { batch: "B-LATE", expiresOn: chinaDay(20) },
    ]);
    // One pot of the OPENING lot is missing (not the first-expiring one): the near and late lots
    // typed, the opening lot read from its GS1-128 label (GTIN, expiry, batch).
    await edge(A, "POST", `/stocktakes/${session}/scans`, {
      token: counter.token,
      code: GTIN,
      qty: 2,
      batch: "B-NEAR",
      expiresOn: chinaDay(3),
    });
    await edge(A, "POST", `/stocktakes/${session}/scans`, {
      token: counter.token,
      code: GTIN,
      qty: received - 12,
      batch: "B-LATE",
      expiresOn: chinaDay(20),
    });
    const yymmdd = chinaDay(13).slice(2).replaceAll("-", "");
    await edge(A, "POST", `/stocktakes/${session}/scans`, {
      token: counter.token,
      code: `(01)0${GTIN}(17)${yymmdd}(10)L-OPEN`,
      qty: 39,
    });
    const fin = await edge<{ status: string }>(A, "POST", `/stocktakes/${session}/finish`, {
      token: counter.token,
    });
    expect(fin.status).toBe("submitted");
    await delivered(A);
    type Session = {
      status: string;
      lines: {
        sku: string;
        expected: number;
        counted: number;
        diff: number;
        valueFen: number | null;
        lots?: { batch: string; expiresOn?: string; expected: number; counted: number }[];
      }[];
    };
    const sub = await hq<Session>("GET", `/api/v1/stocktakes/${session}`);
    const loss = share(valueA, 1, book);
    expect(sub.status).toBe("submitted");
    expect(sub.lines).toEqual([
      expect.objectContaining({ sku: SKU, expected: book, counted: book - 1, diff: -1, valueFen: -loss }),
    ]);
    // HQ sees each lot's snapshot and count.
    expect(sub.lines[0]!.lots).toEqual([
      { batch: "B-NEAR", expiresOn: chinaDay(3), expected: 2, counted: 2 },
      { batch: "L-OPEN", expiresOn: chinaDay(13), expected: 40, counted: 39 },
      { batch: "B-LATE", expiresOn: chinaDay(20), expected: received - 12, counted: received - 12 },
    ]);
    // Nothing moves before the approval.
    expect(await onHand(A)).toEqual({ edge: book, hq: book });
    await hq("POST", `/api/v1/stocktakes/${session}/approve`, {});
    await until(async () => (await onHand(A)).edge === book - 1, 30_000, "A's till gets the adjustment");
    expect(await onHand(A)).toEqual({ edge: book - 1, hq: book - 1 });
    valueA -= loss;
    expect(await cost(A)).toEqual({ onHand: book - 1, valueFen: valueA });
    // The lost pot leaves the lot it was counted short in, on both sides: the near lot keeps its two.
    const atA = [
      `B-LATE@${chinaDay(20)}x${received - 12}`,
      `B-NEAR@${chinaDay(3)}x2`,
      `L-OPEN@${chinaDay(13)}x39`,
    ];
    expect(await lots(A)).toEqual({ edge: atA, hq: atA });
    // HQ's stored lots hold no negative undated rest: the lots themselves sum to on-hand.
    const stored = await hq<{ onHand: number; lots: Lot[] }>("GET", `/api/v1/stores/${A}/lots/${SKU}`);
    expect(stored.lots.filter((l) => l.batch === "")).toEqual([]);
    expect(stored.lots.reduce((a, l) => a + l.qty, 0)).toBe(stored.onHand);
  });

  test("the daily markdown run: near-expiry lots -> a change set to the pilot store, promoted to the chain, the marked-down sale priced at B's till and audited at HQ", async () => {
    await hq("POST", "/api/v1/batches/markdown-rules", {
      name: "临期3天7折",
      maxDaysLeft: 3,
      minQty: 1,
      percent: 30,
    });
    // The chain's markdowns run every day at this minute (China time).
    const china = new Date(vnow() + 8 * 3_600_000);
    const at = `${String(china.getUTCHours()).padStart(2, "0")}:${String(china.getUTCMinutes()).padStart(2, "0")}`;
    await hq("PUT", "/api/v1/batches/markdown-schedule", { enabled: true, at });
    // What the hub's minute timer does (hub.ts), now: whichever comes first runs today's slot.
    await hub.markdownRuns.runDue();
    expect(await hub.markdownRuns.runDue()).toBeNull();
    const runs = await hq<
      { day: string; finishedAt: string | null; changesetId: number | null; markdowns: number }[]
    >("GET", "/api/v1/batches/markdown-runs");
    expect(runs).toEqual([expect.objectContaining({ day: chinaDay(), markdowns: 2 })]);
    const cs = runs[0]!.changesetId!;
    // Both stores' near lot (3 days left) is marked down 30%.
    const made = await hq<
      { storeId: string; sku: string; expiresOn: string; percent: number; promotionId: string }[]
    >("GET", "/api/v1/batches/markdowns");
    expect(made.map((m) => [m.storeId, m.sku, m.expiresOn, m.percent])).toEqual([
      [A, SKU, chinaDay(3), 30],
      [B, SKU, chinaDay(3), 30],
    ]);
    const promoB = made.find((m) => m.storeId === B)!.promotionId;
    // Pilot first: A has it, B not until the change set is promoted.
    const priceAt = async (store: string) => {
      const r = await edge<{ view: { priced: { lines: { net: number }[] } } }>(
        store,
        "POST",
        "/lanes/1/items",
        {
          sku: SKU,
          qty: 1,
        },
      );
      const net = r.view.priced.lines.at(-1)!.net;
      await edge(store, "POST", "/lanes/1/void", { supervisorId: "9001", pin: "9999" });
      return net;
    };
    await until(async () => (await priceAt(A)) === 350, 30_000, "A prices the markdown");
    expect(await priceAt(B)).toBe(PRICE);
    await hq("POST", `/api/v1/changesets/${cs}/promote`);
    await until(async () => (await priceAt(B)) === 350, 30_000, "B prices the markdown after the promotion");

    // Two pots sold at B with the markdown: drawn from the near lot, costed at B's average.
    const before = await cost(B);
    const sale = await sell(B, 2);
    expect(sale.totals.net).toBe(700);
    await delivered(B);
    const atHq = await hq<{
      net_fen: number;
      discount_fen: number;
      lines: { sku: string; net_fen: number; discount_fen: number }[];
    }>("GET", `/api/v1/stores/${B}/sales/${(sale as unknown as { saleId: string }).saleId}`);
    expect(atHq).toMatchObject({ net_fen: 700, discount_fen: 300 });
    expect(atHq.lines).toEqual([expect.objectContaining({ sku: SKU, net_fen: 700, discount_fen: 300 })]);
    // HQ's audit re-priced the sale against the markdown it sent: no finding anywhere.
    const findings = await hq<{ total: number }>("GET", "/api/v1/price-audit");
    expect(findings.total).toBe(0);
    expect(await onHand(B)).toEqual({ edge: 7, hq: 7 });
    expect(await lots(B)).toEqual({ edge: [`B-NEAR@${chinaDay(3)}x7`], hq: [`B-NEAR@${chinaDay(3)}x7`] });
    const cogs = share(before.valueFen, 2, 9);
    expect(await cost(B)).toEqual({ onHand: 7, valueFen: before.valueFen - cogs });
    const card = await hq<{ kind: string; qty: number; valueFen: number }[]>(
      "GET",
      `/api/v1/stores/${B}/cost/${SKU}/movements`,
    );
    expect(card.at(-1)).toMatchObject({ kind: "sale", qty: -2, valueFen: -cogs });
    const onReceipt = await edge<{ applied: string[] }>(B, "GET", `/sales/${sale.receiptNo}`);
    expect(onReceipt.applied).toEqual([promoB]);
  });

  test("a return and a count gain at B go to the undated rest, shown as such on both sides; cost back at what it left with, the gain at the average", async () => {
    const sold = await hq<{ receipt_no: string; sale_id: string }[]>("GET", `/api/v1/stores/${B}/sales`);
    const receiptNo = sold[0]!.receipt_no;
    const card = await hq<{ kind: string; qty: number; valueFen: number }[]>(
      "GET",
      `/api/v1/stores/${B}/cost/${SKU}/movements`,
    );
    const cogs = -card.at(-1)!.valueFen; // the two marked-down pots left with this
    const before = await cost(B);
    // One pot comes back on the receipt, restocked.
    await edge(B, "POST", "/lanes/1/returns", { receiptNo });
    const lines = await edge<{ lines: { lineId: string }[] }>(B, "GET", "/lanes/1/returns/lines");
    await edge(B, "PUT", `/lanes/1/returns/lines/${lines.lines[0]!.lineId}`, { units: 1, restock: true });
    await edge(B, "POST", "/lanes/1/returns/complete", {});
    await delivered(B);
    expect(await onHand(B)).toEqual({ edge: 8, hq: 8 });
    const withReturn = [`B-NEAR@${chinaDay(3)}x7`, "undated x1"];
    expect(await lots(B)).toEqual({ edge: withReturn, hq: withReturn });
    const back = share(cogs, 1, 2);
    expect(await cost(B)).toEqual({ onHand: 8, valueFen: before.valueFen + back });

    // A cycle count at B finds two more than the book: a gain, undated too, in at the average.
    const { session } = await hq<{ session: { id: string } }>("POST", "/api/v1/stocktakes", {
      storeId: B,
      kind: "cycle",
      skus: [SKU],
      recountOver: 5,
    });
    await until(
      async () =>
        (await edge<{ sessions: { id: string }[] }>(B, "GET", "/stocktakes")).sessions.some(
          (x) => x.id === session.id,
        ),
      30_000,
      "B's till gets the count",
    );
    const counter = await edge<{ token: string }>(B, "POST", `/stocktakes/${session.id}/counters`, {
      cashierId: "1001",
      pin: "1234",
    });
    // By lot: the near lot's seven, and ten less those on the shelf without a date.
    await edge(B, "POST", `/stocktakes/${session.id}/scans`, {
      token: counter.token,
      code: GTIN,
      qty: 7,
      batch: "B-NEAR",
      expiresOn: chinaDay(3),
    });
    await edge(B, "POST", `/stocktakes/${session.id}/scans`, {
      token: counter.token,
      code: GTIN,
      qty: 3,
      batch: "",
    });
    expect(
      (
        await edge<{ status: string }>(B, "POST", `/stocktakes/${session.id}/finish`, {
          token: counter.token,
        })
      ).status,
    ).toBe("submitted");
    await delivered(B);
    const valueB = before.valueFen + back;
    const gain = share(valueB, 2, 8);
    const sub = await hq<{ lines: { diff: number; valueFen: number | null }[] }>(
      "GET",
      `/api/v1/stocktakes/${session.id}`,
    );
    expect(sub.lines).toEqual([expect.objectContaining({ diff: 2, valueFen: gain })]);
    await hq("POST", `/api/v1/stocktakes/${session.id}/approve`, {});
    await until(async () => (await onHand(B)).edge === 10, 30_000, "B's till gets the gain");
    expect(await onHand(B)).toEqual({ edge: 10, hq: 10 });
    const withGain = [`B-NEAR@${chinaDay(3)}x7`, "undated x3"];
    expect(await lots(B)).toEqual({ edge: withGain, hq: withGain });
    expect(await cost(B)).toEqual({ onHand: 10, valueFen: valueB + gain });
  });
});
