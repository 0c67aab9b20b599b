// Transfers as documents through the real hub: a request at HQ walked through approve, ship
// (stock leaves the sender at its average cost and sits in 1402 in transit) and receive short
// (the receiver takes in exactly the value that left, the shortage is a loss at the receiver,
// 1402 back to zero), with stock, cost and the books checked at every step; each store gets its
// stock.movement; a till's request over MQTT (idempotent) and its supply question; hostile input.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { uuidv7 } from "@retail/protocol";
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
let seq = 0;
let westManager: string;

const cost = async (store: string, sku: string) =>
  (await api(hub, "GET", `/api/v1/stores/${store}/cost?sku=${sku}`)).body[0] ?? { onHand: 0, valueFen: 0 };
const onHand = async (store: string, sku: string) =>
  (await api(hub, "GET", `/api/v1/stores/${store}/stock?sku=${sku}`)).body[0]?.on_hand ?? 0;
/** An account's balance (debit - credit) over every voucher posted. */
const balance = (account: string) =>
  (
    hub.db
      .prepare("SELECT COALESCE(SUM(debit_fen - credit_fen), 0) AS b FROM voucher_lines WHERE account = ?")
      .get(account) as { b: number }
  ).b;
const unbalanced = () =>
  hub.db
    .prepare(
      "SELECT v.id FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id GROUP BY v.id HAVING SUM(l.debit_fen) != SUM(l.credit_fen)",
    )
    .all();
/** Inventory account = the valuation, to the fen, once everything is posted. */
async function booksAgree() {
  hub.books.postInventory();
  const rows = hub.costing.valuation({ date: "2999-12-31" });
  const valued = rows.reduce((a, r) => a + r.valueFen, 0);
  expect(balance("1405")).toBe(valued);
  expect(unbalanced()).toEqual([]);
}

beforeAll(async () => {
  hub = await startTestHub();
  westManager = (
    await api(hub, "POST", "/api/v1/tokens", { name: "li", role: "regional_manager", region: "west" })
  ).body.token;
  e1 = await connectStore(await enrollStore(hub, "E1", { region: "east" }));
  e2 = await connectStore(await enrollStore(hub, "E2", { region: "east" }));
  await enrollStore(hub, "W1", { region: "west" });
  const csv =
    "sku,name,category,unit,taxRate,weighed,status\nM1,纯牛奶 250ml,10/1001,EA,13,false,active\nM2,全麦面包,10/1002,EA,13,false,active\n";
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
      { sku: "M2", costFen: 333, taxRate: 13, effectiveFrom: "2026-01-01" },
    ],
  });
  // Opening stock at E1: 30 M1 at 2.50, 9 M2 at 3.33 (E2 has 4 M1 at 3.00: its own average differs).
  await e1.publishEvents([
    event("receiving.confirmed", "E1", ++seq, {
      receivingId: "R-OPEN-1",
      supplierId: "SUP1",
      confirmedBy: "1001",
      lines: [
        { sku: "M1", qty: 30 },
        { sku: "M2", qty: 9 },
      ],
      confirmedAt: new Date().toISOString(),
    }),
  ]);
  await e1.next("events.ack", (a) => a.payload.upToSeq >= seq);
  await api(hub, "POST", "/api/v1/suppliers", {
    id: "SUP2",
    name: "光明",
    leadTimeDays: 2,
    minOrderQty: 1,
    packSize: 1,
  });
  await api(hub, "POST", "/api/v1/suppliers/SUP2/prices", {
    prices: [{ sku: "M1", costFen: 300, taxRate: 13, effectiveFrom: "2026-01-01" }],
  });
  await e2.publishEvents([
    event("receiving.confirmed", "E2", 1, {
      receivingId: "R-OPEN-2",
      supplierId: "SUP2",
      confirmedBy: "1001",
      lines: [{ sku: "M1", qty: 4 }],
      confirmedAt: new Date().toISOString(),
    }),
  ]);
  await e2.next("events.ack", (a) => a.payload.upToSeq >= 1);
});
afterAll(async () => {
  await e1?.close();
  await e2?.close();
  await hub?.cleanup();
});

describe("a transfer document, step by step", () => {
  let id = "";
  test("requested: a numbered document; nothing moves yet", async () => {
    const r = await api(hub, "POST", "/api/v1/transfers", {
      from: "E1",
      to: "E2",
      note: "周末促销备货",
      lines: [
        { sku: "M1", qty: 10 },
        { sku: "M2", qty: 3 },
      ],
    });
    expect(r.status).toBe(200);
    id = r.body.id;
    expect(id).toMatch(/^TR-\d{8}-0001$/);
    expect(r.body).toMatchObject({
      status: "requested",
      origin: "hq",
      fromStoreId: "E1",
      toStoreId: "E2",
      allowed: ["approve", "reject", "cancel"],
      inTransitValueFen: 0,
    });
    expect(await onHand("E1", "M1")).toBe(30);
    expect(await onHand("E2", "M1")).toBe(4);
    const list = (await api(hub, "GET", "/api/v1/transfers?store=E2&status=open")).body;
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id, lines: 2, requestedQty: 13 });
  });

  test("approved, then a second approve is refused naming the state", async () => {
    expect((await api(hub, "POST", `/api/v1/transfers/${id}/approve`)).body.status).toBe("approved");
    const again = await api(hub, "POST", `/api/v1/transfers/${id}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain("is approved, only a requested one is approved");
  });

  test("shipping more than requested or more than the sender holds is refused, nothing moves", async () => {
    const more = await api(hub, "POST", `/api/v1/transfers/${id}/ship`, { lines: [{ sku: "M1", qty: 11 }] });
    expect(more.status).toBe(400);
    expect(more.body.message).toContain("10 were requested");
    const stranger = await api(hub, "POST", `/api/v1/transfers/${id}/ship`, {
      lines: [{ sku: "ZZ9", qty: 1 }],
    });
    expect(stranger.status).toBe(400);
    const huge = await api(hub, "POST", `/api/v1/transfers/${id}/ship`, {
      lines: [{ sku: "M1", qty: 1e12 }],
    });
    expect(huge.status).toBe(400);
    const frac = await api(hub, "POST", `/api/v1/transfers/${id}/ship`, { lines: [{ sku: "M1", qty: 1.5 }] });
    expect(frac.status).toBe(400);
    expect((await api(hub, "GET", `/api/v1/transfers/${id}`)).body.status).toBe("approved");
    expect(await onHand("E1", "M1")).toBe(30);
  });

  test("shipped: the sender's stock leaves at its average; the value sits in 1402; the sender's movement goes down", async () => {
    const before = await cost("E1", "M1");
    expect(before).toMatchObject({ onHand: 30, valueFen: 7500 });
    const r = await api(hub, "POST", `/api/v1/transfers/${id}/ship`, { lines: [{ sku: "M2", qty: 2 }] });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("shipped");
    const m1 = r.body.lines.find((l: { sku: string }) => l.sku === "M1");
    const m2 = r.body.lines.find((l: { sku: string }) => l.sku === "M2");
    expect(m1).toMatchObject({ requestedQty: 10, shippedQty: 10, receivedQty: null, shippedValueFen: 2500 });
    expect(m2).toMatchObject({ requestedQty: 3, shippedQty: 2, shippedValueFen: 666 });
    expect(r.body.inTransitValueFen).toBe(3166);
    expect(await onHand("E1", "M1")).toBe(20);
    expect(await onHand("E1", "M2")).toBe(7);
    expect(await onHand("E2", "M1")).toBe(4); // not arrived yet
    expect(await cost("E1", "M1")).toMatchObject({ onHand: 20, valueFen: 5000 });
    const down = await e1.next("stock.movement", (m) => m.payload.reference === id);
    expect(down.payload.kind).toBe("transfer_out");
    expect(down.payload.lines).toEqual([
      { sku: "M1", qty: -10 },
      { sku: "M2", qty: -2 },
    ]);
    await booksAgree();
    expect(balance("1402")).toBe(3166);
    const list = (await api(hub, "GET", "/api/v1/transfers?status=shipped")).body;
    expect(list.items[0]).toMatchObject({ id, shippedQty: 12, inTransitValueFen: 3166 });
    // Shipped goods are not cancelled.
    expect((await api(hub, "POST", `/api/v1/transfers/${id}/cancel`)).status).toBe(409);
  });

  test("received short: exactly the shipped value arrives, the shortage is a loss at the receiver, 1402 is zero", async () => {
    const lossBefore = balance("1901");
    const r = await api(hub, "POST", `/api/v1/transfers/${id}/receive`, {
      lines: [{ sku: "M1", qty: 8 }],
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("received");
    const m1 = r.body.lines.find((l: { sku: string }) => l.sku === "M1");
    const m2 = r.body.lines.find((l: { sku: string }) => l.sku === "M2");
    expect(m1).toMatchObject({ shippedQty: 10, receivedQty: 8, differenceQty: -2 });
    expect(m2).toMatchObject({ shippedQty: 2, receivedQty: 2, differenceQty: 0, differenceValueFen: 0 });
    // E2 had 4 at 3.00 (1200); 10 arrive at 2500 -> 14 worth 3700; 2 short leave at the average.
    const shortValue = Math.round((3700 * 2) / 14);
    expect(m1.differenceValueFen).toBe(-shortValue);
    expect(await onHand("E2", "M1")).toBe(12);
    expect(await onHand("E2", "M2")).toBe(2);
    expect(await cost("E2", "M1")).toMatchObject({ onHand: 12, valueFen: 3700 - shortValue });
    expect(await cost("E2", "M2")).toMatchObject({ onHand: 2, valueFen: 666 });
    expect(r.body.inTransitValueFen).toBe(0);
    const down = await e2.next("stock.movement", (m) => m.payload.reference === id);
    expect(down.payload).toMatchObject({
      kind: "transfer_in",
      lines: [
        { sku: "M1", qty: 8 },
        { sku: "M2", qty: 2 },
      ],
    });
    await booksAgree();
    expect(balance("1402")).toBe(0);
    // The shortage is a count loss (1901), in the transfer's own voucher.
    expect(balance("1901") - lossBefore).toBe(shortValue);
    // The stock card names the document on both sides.
    const card = (await api(hub, "GET", "/api/v1/stores/E2/stock/M1/movements")).body;
    expect(
      card
        .filter((m: { ref: string }) => m.ref === id)
        .map((m: { kind: string; qty_delta: number }) => [m.kind, m.qty_delta]),
    ).toEqual([
      ["transfer_in", 10],
      ["transfer_difference", -2],
    ]);
    expect((await api(hub, "POST", `/api/v1/transfers/${id}/receive`, {})).status).toBe(409);
  });

  test("received over: the extra units come in at the receiver's average (a gain), 1402 stays zero", async () => {
    const t = (
      await api(hub, "POST", "/api/v1/transfers", { from: "E1", to: "E2", lines: [{ sku: "M2", qty: 1 }] })
    ).body;
    await api(hub, "POST", `/api/v1/transfers/${t.id}/approve`);
    await api(hub, "POST", `/api/v1/transfers/${t.id}/ship`, {});
    const r = await api(hub, "POST", `/api/v1/transfers/${t.id}/receive`, { lines: [{ sku: "M2", qty: 2 }] });
    expect(r.body.lines[0]).toMatchObject({
      shippedQty: 1,
      receivedQty: 2,
      differenceQty: 1,
      differenceValueFen: 333,
    });
    expect(await onHand("E2", "M2")).toBe(4);
    await booksAgree();
    expect(balance("1402")).toBe(0);
  });
});

describe("refusals", () => {
  test("requests that cannot be: the same store, an unknown store or SKU, a SKU twice, garbage", async () => {
    const cases: [unknown, number, string][] = [
      [{ from: "E1", to: "E1", lines: [{ sku: "M1", qty: 1 }] }, 400, "to"],
      [{ from: "E1", to: "NOPE", lines: [{ sku: "M1", qty: 1 }] }, 404, ""],
      [{ from: "E1", to: "E2", lines: [{ sku: "GHOST", qty: 1 }] }, 404, ""],
      [
        {
          from: "E1",
          to: "E2",
          lines: [
            { sku: "M1", qty: 1 },
            { sku: "M1", qty: 2 },
          ],
        },
        400,
        "lines.1.sku",
      ],
      [{ from: "E1", to: "E2", lines: [] }, 400, "lines"],
      [{ from: "E1", to: "E2", lines: [{ sku: "M1", qty: -3 }] }, 400, "lines.0.qty"],
      [{ from: "e1; DROP", to: "E2", lines: [{ sku: "M1", qty: 1 }] }, 400, "from"],
      [{ from: "E1", to: "E2", lines: [{ sku: "M1", qty: 1 }], extra: 1 }, 400, ""],
    ];
    for (const [body, status, field] of cases) {
      const r = await api(hub, "POST", "/api/v1/transfers", body);
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), status]);
      if (field) expect(r.body.field).toBe(field);
    }
  });

  test("shipping more than the sender holds is refused naming the SKU and its on-hand", async () => {
    const t = (
      await api(hub, "POST", "/api/v1/transfers", { from: "E2", to: "E1", lines: [{ sku: "M2", qty: 50 }] })
    ).body;
    await api(hub, "POST", `/api/v1/transfers/${t.id}/approve`);
    const r = await api(hub, "POST", `/api/v1/transfers/${t.id}/ship`, {});
    expect(r.status).toBe(409);
    expect(r.body.message).toContain("E2 has 4 of M2 on hand; cannot ship 50");
    expect((await api(hub, "POST", `/api/v1/transfers/${t.id}/cancel`)).body.status).toBe("cancelled");
    expect((await api(hub, "POST", `/api/v1/transfers/${t.id}/ship`, {})).status).toBe(409);
  });

  test("a regional manager neither sees nor moves another region's transfers", async () => {
    const t = (
      await api(hub, "POST", "/api/v1/transfers", { from: "E1", to: "W1", lines: [{ sku: "M1", qty: 1 }] })
    ).body;
    const opts = westManager;
    expect(
      (
        await api(
          hub,
          "POST",
          "/api/v1/transfers",
          { from: "E1", to: "E2", lines: [{ sku: "M1", qty: 1 }] },
          opts,
        )
      ).status,
    ).toBe(403);
    expect((await api(hub, "GET", "/api/v1/transfers?store=E1", undefined, opts)).status).toBe(403);
    expect((await api(hub, "POST", `/api/v1/transfers/${t.id}/approve`, undefined, opts)).status).toBe(403);
    const mine = (await api(hub, "GET", "/api/v1/transfers", undefined, opts)).body;
    expect(mine.items.map((i: { id: string }) => i.id)).toEqual([t.id]);
  });
});

describe("from the till", () => {
  test("a request over MQTT makes one document however often it is repeated; a bad one is answered with why", async () => {
    const requestId = uuidv7();
    const ask = { requestId, fromStoreId: "E1", sku: "M1", qty: 5, requestedBy: "1001" };
    await e2.request("transfer.request", ask);
    const first = await e2.next("transfer.reply", (r) => r.payload.requestId === requestId);
    expect(first.payload.status).toBe("requested");
    await e2.request("transfer.request", ask);
    const again = await e2.next("transfer.reply", (r) => r.payload.requestId === requestId);
    expect(again.payload.transferId).toBe(first.payload.transferId!);
    const doc = (await api(hub, "GET", `/api/v1/transfers/${first.payload.transferId}`)).body;
    expect(doc).toMatchObject({
      origin: "till",
      fromStoreId: "E1",
      toStoreId: "E2",
      requestedBy: "till:E2:1001",
    });
    const self = uuidv7();
    await e2.request("transfer.request", { ...ask, requestId: self, fromStoreId: "E2" });
    const refused = await e2.next("transfer.reply", (r) => r.payload.requestId === self);
    expect(refused.payload.error).toMatchObject({ code: "validation", field: "to" });
    expect(refused.payload.transferId).toBeUndefined();
  });

  test("the supply question: forecast days and the SKU's open transfers", async () => {
    const queryId = uuidv7();
    await e2.request("supply.query", { queryId, sku: "M1" });
    const reply = await e2.next("supply.reply", (r) => r.payload.queryId === queryId);
    expect(reply.payload.sku).toBe("M1");
    expect(
      reply.payload.transfers.some(
        (t) => t.direction === "in" && t.otherStoreId === "E1" && t.status === "requested",
      ),
    ).toBe(true);
    expect(reply.payload.forecast.length === 0 || reply.payload.forecast.length === 7).toBe(true);
  });
});
