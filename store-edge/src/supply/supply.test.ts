// The till's supply questions against a real MQTT broker (aedes on loopback) with a stub HQ: the
// forecast and open transfers are asked of HQ; a transfer request goes up as the lane's
// signed-in cashier, one document per request however often HQ sees it, HQ's refusal named;
// HQ offline fails fast and plainly; the LAN API refuses a request without the lane's session.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import { createApp } from "../http/app.ts";
import { catalogItems, openLane, skuOf, T0, tempDir, testConfig, until } from "../testing/fixtures.ts";
import { StubHq } from "../testing/stub-hq.ts";
import { HQ_LANE_LIMIT } from "./rate-limit.ts";

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

describe("supply at the till", () => {
  test("forecast and open transfers from HQ; a transfer request as the lane's cashier, HQ's refusal named", async () => {
    const { hq, edge } = await setup();
    await openLane(edge);
    const sku = skuOf(2);
    const made = await edge.supply.requestTransfer({ laneId: "1", sku, fromStoreId: "S002", qty: 6 });
    expect(made).toEqual({ transferId: "TR-STUB-1", status: "requested" });
    expect(hq.transfers[0]).toMatchObject({ fromStoreId: "S002", sku, qty: 6, requestedBy: "1001" });
    const supply = await edge.supply.supply(sku);
    expect(supply.forecast).toHaveLength(2);
    expect(supply.transfers).toEqual([
      expect.objectContaining({ transferId: "TR-STUB-1", direction: "in", otherStoreId: "S002", qty: 6 }),
    ]);
    const refused = edge.supply.requestTransfer({ laneId: "1", sku, fromStoreId: "S001", qty: 1 });
    expect(refused).rejects.toMatchObject({ code: "invalid", field: "to" });
    await refused.catch(() => {});
    // Unknown SKU: answered here, nothing asked of HQ.
    expect(edge.supply.supply("NOPE")).rejects.toMatchObject({ code: "not_found", field: "sku" });
    // Nobody signed in at lane 2: refused before HQ is asked.
    expect(
      edge.supply.requestTransfer({ laneId: "2", sku, fromStoreId: "S002", qty: 1 }),
    ).rejects.toMatchObject({
      code: "conflict",
      field: "laneId",
    });
    expect(hq.transfers).toHaveLength(1);
  });

  test("a till hammering its questions to HQ: past the lane's limit 429 named, HQ never sees them; other lanes served", async () => {
    const { hq, edge } = await setup();
    await openLane(edge);
    const app = createApp(edge);
    const statuses: number[] = [];
    let refusal: unknown;
    for (let i = 0; i < 40; i++) {
      const r = await app.request(`/api/v1/stock/${skuOf(1)}/supply`);
      statuses.push(r.status);
      if (r.status === 429) refusal = await r.json();
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(HQ_LANE_LIMIT.burst);
    expect(statuses.slice(HQ_LANE_LIMIT.burst).every((s) => s === 429)).toBe(true);
    expect(refusal).toMatchObject({ error: "too_many_attempts", field: "hq" });
    expect(hq.supplyQueries).toBe(HQ_LANE_LIMIT.burst);
    // The nearby-stock look-up from the same terminal shares its limit; lane 1's request does not.
    expect((await app.request(`/api/v1/stock/${skuOf(1)}/nearby`)).status).toBe(429);
    const { token } = (await edge.staff.login("1", "1001", "1234")).session;
    const r = await app.request("/api/v1/lanes/1/transfer-requests", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ sku: skuOf(1), fromStoreId: "S002", qty: 2 }),
    });
    expect(r.status).toBe(200);
  });

  test("HQ offline: the question fails fast with a plain reason", async () => {
    const { hq, edge } = await setup();
    await hq.stop();
    await until(() => !edge.link?.online, 30_000, "link down");
    expect(edge.supply.supply(skuOf(1))).rejects.toMatchObject({ code: "unavailable", field: "hq" });
  });

  test("the LAN API: a request needs the lane's session; garbage is refused naming the field", async () => {
    const { edge } = await setup();
    const app = createApp(edge);
    const post = (path: string, body: unknown, token?: string) =>
      app.request(`/api/v1${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const noSession = await post("/lanes/1/transfer-requests", {
      sku: skuOf(1),
      fromStoreId: "S002",
      qty: 1,
    });
    expect(noSession.status).toBe(401);
    const { token } = (await edge.staff.login("1", "1001", "1234")).session;
    for (const [body, field] of [
      [{ sku: skuOf(1), fromStoreId: "s2; drop", qty: 1 }, "fromStoreId"],
      [{ sku: skuOf(1), fromStoreId: "S002", qty: 0 }, "qty"],
      [{ sku: skuOf(1), fromStoreId: "S002", qty: 1e9 }, "qty"],
      [{ sku: skuOf(1), fromStoreId: "S002", qty: 1, extra: true }, ""],
    ] as const) {
      const r = await post("/lanes/1/transfer-requests", body, token);
      expect(r.status).toBe(400);
      if (field) expect(((await r.json()) as { field: string }).field).toBe(field);
    }
  });
});
