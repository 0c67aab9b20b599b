// Transfers stepped at the tills over MQTT (transfers/till.ts): the sender's till lists what it
// must ship and ships what it counted (less than requested), the receiver's till sees it on the
// road and receives what it counted (short): stock at HQ, the difference and each store's
// stock.movement as the console's steps do; the same step twice does it once; a store stepping
// another store's side, a SKU not on the document, garbage: refused by field, nothing moves.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type Payload, upTopic, uuidv7 } from "@retail/protocol";
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
let e3: StoreClient;
let transferId = "";

const onHand = async (store: string, sku: string) =>
  (await api(hub, "GET", `/api/v1/stores/${store}/stock?sku=${sku}`)).body[0]?.on_hand ?? 0;

async function step(store: StoreClient, payload: Pick<Payload<"transfer.step">, "step" | "lines">) {
  const requestId = uuidv7();
  await store.request("transfer.step", { requestId, transferId, by: "1001", ...payload });
  return (await store.next("transfer.reply", (r) => r.payload.requestId === requestId)).payload;
}
async function list(store: StoreClient) {
  const queryId = uuidv7();
  await store.request("transfers.query", { queryId });
  return (await store.next("transfers.reply", (r) => r.payload.queryId === queryId)).payload.transfers;
}

beforeAll(async () => {
  hub = await startTestHub();
  // keep: replies are found by their ids wherever they arrived (a step's stock.movement comes
  // before its transfer.reply).
  e1 = await connectStore(await enrollStore(hub, "E1", { region: "east", name: "园区店" }), { keep: true });
  e2 = await connectStore(await enrollStore(hub, "E2", { region: "east", name: "湖西店" }), { keep: true });
  e3 = await connectStore(await enrollStore(hub, "E3", { region: "east" }), { keep: true });
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
  await e1.publishEvents([
    event("receiving.confirmed", "E1", 1, {
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
  await e1.next("events.ack", (a) => a.payload.upToSeq >= 1);
  const tr = await api(hub, "POST", "/api/v1/transfers", {
    from: "E1",
    to: "E2",
    lines: [
      { sku: "M1", qty: 12 },
      { sku: "M2", qty: 4 },
    ],
  });
  transferId = tr.body.id;
});
afterAll(async () => {
  for (const s of [e1, e2, e3]) await s?.close();
  await hub?.cleanup();
});

test("the sender's till ships what it counted; the receiver's till receives what it counted", async () => {
  // Requested only: no till sees it yet; approved: the sender must ship it, the receiver waits.
  expect(await list(e1)).toEqual([]);
  expect((await api(hub, "POST", `/api/v1/transfers/${transferId}/approve`)).status).toBe(200);
  const out = (await list(e1))[0]!;
  expect(out).toMatchObject({
    transferId,
    direction: "out",
    otherStoreId: "E2",
    otherStoreName: "湖西店",
    status: "approved",
  });
  expect(out.lines).toEqual([
    { sku: "M1", name: "纯牛奶 250ml", requested: 12, shipped: null },
    { sku: "M2", name: "全麦面包", requested: 4, shipped: null },
  ]);
  expect((await list(e2))[0]).toMatchObject({ transferId, direction: "in", status: "approved" });
  // The receiver cannot ship it, nor receive it before it left.
  expect((await step(e2, { step: "ship", lines: [{ sku: "M1", qty: 12 }] })).error).toMatchObject({
    code: "forbidden",
    field: "transferId",
  });
  expect((await step(e2, { step: "receive", lines: [{ sku: "M1", qty: 12 }] })).error).toMatchObject({
    code: "conflict",
  });
  // A stranger store cannot either; a SKU not on the document and a SKU twice are named.
  expect((await step(e3, { step: "ship", lines: [{ sku: "M1", qty: 1 }] })).error?.code).toBe("forbidden");
  expect((await step(e1, { step: "ship", lines: [{ sku: "X9", qty: 1 }] })).error).toMatchObject({
    field: "lines.X9",
  });
  expect(
    (
      await step(e1, {
        step: "ship",
        lines: [
          { sku: "M1", qty: 1 },
          { sku: "M1", qty: 2 },
        ],
      })
    ).error,
  ).toMatchObject({ field: "lines.M1" });
  // More than requested is refused by the document's rules.
  expect((await step(e1, { step: "ship", lines: [{ sku: "M1", qty: 13 }] })).error).toMatchObject({
    field: "lines.M1",
  });
  expect(await onHand("E1", "M1")).toBe(30);

  // E1 counted 10 M1 into the crate and no M2 (not named: 0).
  const shipped = await step(e1, { step: "ship", lines: [{ sku: "M1", qty: 10 }] });
  expect(shipped).toMatchObject({ transferId, status: "shipped" });
  expect(shipped.error).toBeUndefined();
  const out1 = await e1.next("stock.movement", (m) => m.payload.reference === transferId);
  expect(out1.payload).toMatchObject({ kind: "transfer_out", lines: [{ sku: "M1", qty: -10 }] });
  expect(await onHand("E1", "M1")).toBe(20);
  expect(await onHand("E1", "M2")).toBe(9);
  // The same step again (a till that timed out): done once.
  expect(await step(e1, { step: "ship", lines: [{ sku: "M1", qty: 10 }] })).toMatchObject({
    status: "shipped",
  });
  expect(await onHand("E1", "M1")).toBe(20);
  expect(await list(e1)).toEqual([]);
  const road = (await list(e2))[0]!;
  expect(road).toMatchObject({ direction: "in", status: "shipped", otherStoreName: "园区店" });
  expect(road.lines.find((l) => l.sku === "M1")).toMatchObject({ requested: 12, shipped: 10 });

  // E2 counts 9 off the truck: one short, booked at E2.
  expect(await step(e2, { step: "receive", lines: [{ sku: "M1", qty: 9 }] })).toMatchObject({
    status: "received",
  });
  const in2 = await e2.next("stock.movement", (m) => m.payload.reference === transferId);
  expect(in2.payload).toMatchObject({ kind: "transfer_in", lines: [{ sku: "M1", qty: 9 }] });
  expect(await onHand("E2", "M1")).toBe(9);
  const doc = (await api(hub, "GET", `/api/v1/transfers/${transferId}`)).body;
  expect(doc.status).toBe("received");
  expect(doc.lines.find((l: { sku: string }) => l.sku === "M1")).toMatchObject({
    shippedQty: 10,
    receivedQty: 9,
    differenceQty: -1,
  });
  expect(doc.updatedBy ?? "till:E2:1001").toContain("till:E2");
  expect(await step(e2, { step: "receive", lines: [{ sku: "M1", qty: 9 }] })).toMatchObject({
    status: "received",
  });
  expect(await onHand("E2", "M1")).toBe(9);
  expect(await list(e2)).toEqual([]);
});

test("garbage on the query channel is dead-lettered naming the field, the hub carries on", async () => {
  // Raw on the wire (the test kit would refuse to send it): an unknown step and no lines.
  const garbage = {
    v: 1,
    id: uuidv7(),
    type: "transfer.step",
    storeId: "E1",
    seq: 0,
    occurredAt: new Date().toISOString(),
    payload: { requestId: uuidv7(), transferId, step: "teleport", lines: [], by: "1001" },
  };
  await e1.client.publishAsync(upTopic("E1", "query"), JSON.stringify(garbage), { qos: 1 });
  await waitFor(
    async () =>
      (
        (await api(hub, "GET", "/api/v1/dead-letters?status=open")).body as {
          reason: string;
          field: string;
        }[]
      ).some((d) => /step|lines/.test(`${d.field}`)),
    "the dead letter",
  );
  expect(await list(e1)).toEqual([]);
});
