// Stocktakes through the real hub: HQ opens a cycle count (the store is told over MQTT), the
// store's counts arrive as a stocktake.submitted event, the variances are valued at the store's
// moving-average cost with alerts for negative book stock and big variances, approval posts the
// differences as count adjustments (stock levels, costing and the store's stock.movement), a
// store's own full count is rejected (nothing moves), a cancelled session's late count is kept and
// never posted; forged and malformed counts are dead-lettered naming the field.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Payload } from "@retail/protocol";
import {
  api,
  connectStore,
  enrollStore,
  event,
  type StoreClient,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let e1: StoreClient;
let e2: StoreClient;
const seqs: Record<string, number> = { E1: 0, E2: 0 };
const now = () => new Date().toISOString();

async function publish(store: StoreClient, type: Parameters<typeof event>[0], payload: unknown) {
  const seq = ++seqs[store.storeId]!;
  await store.publishEvents([event(type, store.storeId, seq, payload as never)]);
  await store.next("events.ack", (a) => a.payload.upToSeq >= seq);
}
const submitted = (
  sessionId: string,
  lines: Payload<"stocktake.submitted">["lines"],
  more: Partial<Payload<"stocktake.submitted">> = {},
): Payload<"stocktake.submitted"> => ({
  sessionId,
  kind: "cycle",
  origin: "hq",
  openedBy: "admin",
  openedAt: now(),
  submittedBy: "1001",
  submittedAt: now(),
  recountOver: 2,
  lines,
  ...more,
});
const line = (sku: string, expected: number, counted: number, recounted = false) => ({
  sku,
  expected,
  counted,
  recounted,
  counters: ["1001"],
});
const onHand = async (store: string, sku: string) =>
  ((await api(hub, "GET", `/api/v1/stores/${store}/stock?sku=${sku}`)).body[0]?.on_hand as number) ?? 0;
const deadLetters = async () =>
  (await api(hub, "GET", "/api/v1/dead-letters?status=open")).body as { reason: string; field: string }[];

beforeAll(async () => {
  hub = await startTestHub();
  e1 = await connectStore(await enrollStore(hub, "E1", { region: "east" }));
  e2 = await connectStore(await enrollStore(hub, "E2", { region: "west" }));
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,10/1002,EA,13,false,active\nM3,矿泉水,10/1003,EA,13,false,active\n";
  const job = (await api(hub, "POST", "/api/v1/imports/products", csv)).body;
  await waitFor(
    async () => (await api(hub, "GET", `/api/v1/imports/${job.id}`)).body.state === "done",
    "import",
  );
  await api(hub, "POST", "/api/v1/suppliers", {
    id: "SUP1",
    name: "伊利",
    leadTimeDays: 2,
    minOrderQty: 1,
    packSize: 1,
  });
  await api(hub, "POST", "/api/v1/suppliers/SUP1/prices", {
    prices: [
      { sku: "M1", costFen: 250, taxRate: 13, effectiveFrom: "2026-01-01" },
      { sku: "M2", costFen: 3000, taxRate: 13, effectiveFrom: "2026-01-01" },
    ],
  });
  await publish(e1, "receiving.confirmed", {
    receivingId: "R1",
    supplierId: "SUP1",
    confirmedBy: "1001",
    lines: [
      { sku: "M1", qty: 20 },
      { sku: "M2", qty: 10 },
    ],
    confirmedAt: now(),
  });
});
afterAll(async () => {
  await e1?.close();
  await e2?.close();
  await hub?.cleanup();
});

describe("an HQ cycle count", () => {
  let id = "";
  test("opened at HQ: the store is told which SKUs to count; a second open session is refused", async () => {
    const r = await api(hub, "POST", "/api/v1/stocktakes", {
      storeId: "E1",
      kind: "cycle",
      skus: ["M1", "M2", "M3"],
    });
    expect(r.status).toBe(200);
    id = r.body.session.id;
    expect(r.body.session).toMatchObject({
      status: "requested",
      origin: "hq",
      skus: ["M1", "M2", "M3"],
      recountOver: 2,
    });
    const told = await e1.next("stocktake.update", (u) => u.payload.sessionId === id);
    expect(told.payload).toMatchObject({ action: "open", kind: "cycle", skus: ["M1", "M2", "M3"] });
    const again = await api(hub, "POST", "/api/v1/stocktakes", { storeId: "E1", kind: "full" });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(id);
  });

  test("counts arrive from the store: variances at average cost, alerts for negative book and big variances (M3's +3 is within twice the recount threshold: no alert without a cost)", async () => {
    // M1 book 20, counted 18 (-2 x 250 = -500 fen); M2 book 10, counted 2 after a recount
    // (-8 x 3000 = -24000 fen: big); M3 book -3 (sold without stock), counted 0.
    await publish(
      e1,
      "stocktake.submitted",
      submitted(id, [line("M1", 20, 18), line("M2", 10, 2, true), line("M3", -3, 0)]),
    );
    const d = (await api(hub, "GET", `/api/v1/stocktakes/${id}`)).body;
    expect(d.status).toBe("submitted");
    expect(d.differing).toBe(3);
    expect(
      d.lines.map((l: { sku: string; diff: number; valueFen: number | null }) => [l.sku, l.diff, l.valueFen]),
    ).toEqual([
      ["M1", -2, -500],
      ["M2", -8, -24000],
      ["M3", 3, null],
    ]);
    expect(d.totals).toEqual({ gainFen: 0, lossFen: -24500, unvalued: 1 });
    expect(d.alerts).toEqual([
      { sku: "M2", kind: "big_variance" },
      { sku: "M3", kind: "negative_book" },
    ]);
    const alerts = (await api(hub, "GET", "/api/v1/stocktakes/alerts?store=E1")).body;
    expect(alerts.map((a: { sku: string; kind: string }) => `${a.sku}:${a.kind}`)).toEqual([
      "M2:big_variance",
      "M3:negative_book",
    ]);
    expect(await onHand("E1", "M1")).toBe(20); // nothing moves before approval
  });

  test("approved: the differences are posted as count adjustments at average cost and sent to the store once", async () => {
    const r = await api(hub, "POST", `/api/v1/stocktakes/${id}/approve`, { note: "ok" });
    expect(r.status).toBe(200);
    expect(r.body.session).toMatchObject({ status: "approved", decidedBy: expect.any(String), note: "ok" });
    expect(await onHand("E1", "M1")).toBe(18);
    expect(await onHand("E1", "M2")).toBe(2);
    expect(await onHand("E1", "M3")).toBe(3);
    const card = (await api(hub, "GET", `/api/v1/stores/E1/stock/M2/movements`)).body;
    expect(card.at(-1)).toMatchObject({ kind: "count_adjustment", qty_delta: -8, ref: id });
    const m = await e1.next("stock.movement", (x) => x.payload.reference === id);
    expect(m.payload).toMatchObject({
      kind: "adjustment",
      lines: [
        { sku: "M1", qty: -2 },
        { sku: "M2", qty: -8 },
        { sku: "M3", qty: 3 },
      ],
    });
    expect((await e1.next("stocktake.update", (u) => u.payload.sessionId === id)).payload.action).toBe(
      "approved",
    );
    // Costing values the loss at the average (M2: 10 at 3,000 fen, 8 out -> 2 left worth 6,000).
    const cost = (await api(hub, "GET", "/api/v1/stores/E1/cost?sku=M2")).body[0];
    expect(cost).toMatchObject({ onHand: 2, valueFen: 6000 });
    // One of the month's counts, posted by finance like a count made at the till.
    const period = new Date().toISOString().slice(0, 7);
    expect(hub.books.countsOfPeriod(period)).toEqual({ counts: 1, left: [] });
    const twice = await api(hub, "POST", `/api/v1/stocktakes/${id}/approve`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain("approved");
    expect(await onHand("E1", "M2")).toBe(2);
  });
});

describe("the store's own count, cancellation and hostile counts", () => {
  test("a store-opened full count arrives submitted; rejected, nothing moves", async () => {
    await publish(
      e1,
      "stocktake.submitted",
      submitted("ST-STORE-1", [line("M1", 18, 30)], { kind: "full", origin: "store", openedBy: "1001" }),
    );
    const list = (await api(hub, "GET", "/api/v1/stocktakes?store=E1&status=submitted")).body;
    expect(list.map((s: { id: string }) => s.id)).toEqual(["ST-STORE-1"]);
    expect(list[0]).toMatchObject({ origin: "store", kind: "full", lineCount: 1, differing: 1 });
    const r = await api(hub, "POST", "/api/v1/stocktakes/ST-STORE-1/reject", { note: "recount aisle 3" });
    expect(r.body.session.status).toBe("rejected");
    expect(await onHand("E1", "M1")).toBe(18);
    expect(
      (await e1.next("stocktake.update", (u) => u.payload.sessionId === "ST-STORE-1")).payload.action,
    ).toBe("rejected");
  });

  test("cancelled before the count arrived: the late count is kept, never posted", async () => {
    const id = (await api(hub, "POST", "/api/v1/stocktakes", { storeId: "E1", kind: "full" })).body.session
      .id;
    expect((await api(hub, "POST", `/api/v1/stocktakes/${id}/cancel`, {})).body.session.status).toBe(
      "cancelled",
    );
    await publish(e1, "stocktake.submitted", submitted(id, [line("M1", 18, 0)], { kind: "full" }));
    const d = (await api(hub, "GET", `/api/v1/stocktakes/${id}`)).body;
    expect(d).toMatchObject({ status: "cancelled", lineCount: 1, submittedBy: "1001" });
    expect((await api(hub, "POST", `/api/v1/stocktakes/${id}/approve`, {})).status).toBe(409);
    expect(await onHand("E1", "M1")).toBe(18);
  });

  test("forged counts are dead-lettered naming the field: another store's session, a session HQ never opened, a SKU outside the cycle, a SKU twice", async () => {
    const id = (await api(hub, "POST", "/api/v1/stocktakes", { storeId: "E1", kind: "cycle", skus: ["M1"] }))
      .body.session.id;
    const before = (await deadLetters()).length;
    await publish(e2, "stocktake.submitted", submitted(id, [line("M1", 18, 0)]));
    await publish(e1, "stocktake.submitted", submitted("ST-NEVER", [line("M1", 18, 0)]));
    await publish(e1, "stocktake.submitted", submitted(id, [line("M2", 2, 0)]));
    await publish(e1, "stocktake.submitted", submitted(id, [line("M1", 18, 0), line("M1", 18, 1)]));
    const reasons = (await deadLetters()).map((d) => JSON.stringify(d)).join("\n");
    expect(reasons).toContain(`stocktake ${id} is not a session of store E2`);
    expect(reasons).toContain("stocktake ST-NEVER was not opened by HQ");
    expect(reasons).toContain(`M2 is not in cycle count ${id}`);
    expect(reasons).toContain("M1 counted twice");
    expect((await deadLetters()).length).toBe(before + 4);
    expect((await api(hub, "GET", `/api/v1/stocktakes/${id}`)).body.status).toBe("requested");
    expect(await onHand("E1", "M1")).toBe(18);
  });

  test("hostile opens: unknown SKU, a cycle count without SKUs, a full count naming SKUs, unknown store, another region's manager", async () => {
    const unknown = await api(hub, "POST", "/api/v1/stocktakes", {
      storeId: "E2",
      kind: "cycle",
      skus: ["M1", "NOPE"],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe("skus.1");
    const empty = await api(hub, "POST", "/api/v1/stocktakes", { storeId: "E2", kind: "cycle" });
    expect(empty.status).toBe(400);
    expect(empty.body.field).toBe("skus");
    expect(
      (await api(hub, "POST", "/api/v1/stocktakes", { storeId: "E2", kind: "full", skus: ["M1"] })).status,
    ).toBe(400);
    expect((await api(hub, "POST", "/api/v1/stocktakes", { storeId: "NOPE", kind: "full" })).status).toBe(
      404,
    );
    const huge = await api(hub, "POST", "/api/v1/stocktakes", {
      storeId: "E2",
      kind: "cycle",
      skus: Array.from({ length: 2001 }, (_, i) => `S${i}`),
    });
    expect(huge.status).toBe(400);
    const west = (
      await api(hub, "POST", "/api/v1/tokens", { name: "wang", role: "regional_manager", region: "west" })
    ).body.token;
    expect((await api(hub, "POST", "/api/v1/stocktakes", { storeId: "E1", kind: "full" }, west)).status).toBe(
      403,
    );
    const mine = await api(hub, "GET", "/api/v1/stocktakes", undefined, west);
    expect(mine.body.every((s: { storeId: string }) => s.storeId === "E2")).toBe(true);
  });
});
