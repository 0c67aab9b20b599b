// The supply chain walk (issue 17 "Done when"): ONE fresh SKU (原味酸奶) taken through forecast ->
// the scheduled automatic replenishment run -> purchase order approved and sent -> a partial
// delivery received at the store's till with batches and expiry dates -> a transfer to a second
// store (shipped, in transit, received one short) -> a stocktake (frozen snapshot, count,
// approval, posted adjustment) -> an expiry markdown (rule -> change set to the pilot store, then
// promoted to the chain -> the marked-down sale priced by the till and audited at HQ), with the
// stock checked at EVERY step on both sides: on-hand at the edge and at HQ, on order / in
// transit, the lots (batch + expiry) at the edge and in HQ's mirror, and the cost (moving
// average, COGS) at HQ to the fen.
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

const hq = <T = any>(method: string, path: string, body?: unknown) =>
  jsonCall<T>(hub.http.url, method, path, { body, token: ADMIN, who: "HQ" });
const edge = <T = any>(store: string, method: string, path: string, body?: unknown) =>
  jsonCall<T>(edges[store]!.ready.http!, method, `/api/v1${path}`, { body, token: tokens[store], who: store });

/** On-hand at the edge (its own book) and at HQ (the ledger). */
async function onHand(store: string) {
  const e = await edge<{ onHand: number }>(store, "GET", `/products/${SKU}`);
  const h = await hq<{ sku: string; on_hand: number }[]>("GET", `/api/v1/stores/${store}/stock?sku=${SKU}`);
  return { edge: e.onHand, hq: h.find((r) => r.sku === SKU)?.on_hand ?? 0 };
}

type Lot = { batch: string; expiresOn: string; qty: number };
const lotList = (lots: Lot[]) =>
  lots
    .filter((l) => l.qty !== 0)
    .map((l) => `${l.batch}@${l.expiresOn}x${l.qty}`)
    .sort();
async function lots(store: string) {
  const e = await edge<{ lots: Lot[] }>(store, "GET", `/stock/${SKU}/lots`);
  const h = await hq<{ lots: Lot[] }>("GET", `/api/v1/stores/${store}/lots/${SKU}`);
  return { edge: lotList(e.lots), hq: lotList(h.lots) };
}

async function cost(store: string) {
  const rows = await hq<{ sku: string; onHand: number; valueFen: number; averageFen: number | null }[]>(
    "GET",
    `/api/v1/stores/${store}/cost?sku=${SKU}`,
  );
  const r = rows.find((x) => x.sku === SKU);
  return { onHand: r?.onHand ?? 0, valueFen: r?.valueFen ?? 0 };
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

async function signIn(store: string) {
  const login = await edge<{ session: { token: string } }>(store, "POST", "/lanes/1/login", {
    cashierId: "1001",
    pin: "1234",
  });
  tokens[store] = login.session.token;
  await edge(store, "POST", "/lanes/1/shift/open", { float: 20_000 });
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
    ["cashier", { id: "9001", name: "李经理", role: "supervisor", pinHash: pinHash("9999"), status: "active" }],
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
      async () =>
        (await edge<{ catalog: { applied: number } }>(s, "GET", "/status")).catalog.applied >= 1,
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
});
