// Dated lots at the store on a real edge database: received with batch and expiry, sold
// first-expiring first (the sale event names the lots), a count loss drawn FEFO, HQ's transfer
// lots applied, the near-expiry list, the write-off of what is past its date as one
// stock.counted (reason expired); hostile input (lots over the quantity, garbage dates and
// batch codes, a wrong PIN, nothing to write off).
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { type Payload, ReceivedLotV1 } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import type { Edge } from "../edge.ts";
import { gtinOf, openLane, readyEdge, skuOf, T0 } from "../testing/fixtures.ts";

setDefaultTimeout(60_000);
const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

const outboxOf = <T extends "sale.completed" | "stock.counted" | "receiving.confirmed">(
  edge: Edge,
  type: T,
) =>
  edge.outbox
    .pending(0, 1000)
    .filter((r) => r.type === type)
    .map((r) => JSON.parse(r.envelope).payload as Payload<T>);

async function sell(edge: Edge, sku: number, n: number): Promise<Payload<"sale.completed">> {
  for (let i = 0; i < n; i++) await edge.scanner.scan("1", gtinOf(sku));
  const sale = edge.sales.tenderCash("1", 10_000_000).sale;
  expect(sale).toBeDefined();
  return sale!;
}

test("lots received with dates are sold first-expiring first, counted, listed near expiry and written off once past their date", async () => {
  const clock = manualClock(T0); // 2026-11-25 10:00 in the store
  const edge = await readyEdge({ products: 5, clock });
  edges.push(edge);
  await openLane(edge);
  const A = skuOf(1);
  // 4 units from before batches were kept (undated), then a delivery of two lots.
  edge.stock.applyMovement({
    movementId: "M0",
    kind: "receipt",
    reference: "OPEN",
    lines: [{ sku: A, qty: 4 }],
    at: new Date(T0).toISOString(),
  });
  await edge.inventory.receive("1001", "1234", {
    supplierId: "SUP-1",
    lines: [
      {
        sku: A,
        qty: 7,
        lots: [
          { batch: "L-LATE", expiresOn: "2026-11-30", qty: 3 },
          { batch: "L-SOON", expiresOn: "2026-11-27", qty: 3 },
        ],
      },
    ],
  });
  expect(outboxOf(edge, "receiving.confirmed")[0]!.lines[0]!.lots).toHaveLength(2);
  // 7 received, 6 dated: 1 undated more, 5 undated in all.
  expect(edge.batches.lotsOf(A)).toEqual({
    sku: A,
    onHand: 11,
    lots: [
      { batch: "", expiresOn: null, qty: 5 },
      { batch: "L-SOON", expiresOn: "2026-11-27", qty: 3 },
      { batch: "L-LATE", expiresOn: "2026-11-30", qty: 3 },
    ],
  });

  // The undated first, then the lot expiring first; the sale says which lots.
  const s1 = await sell(edge, 1, 6);
  expect(s1.lines.flatMap((l) => l.batches ?? [])).toEqual([
    { batch: "", qty: -5 },
    { batch: "L-SOON", expiresOn: "2026-11-27", qty: -1 },
  ]);
  const s2 = await sell(edge, 1, 3);
  expect(s2.lines.flatMap((l) => l.batches ?? [])).toEqual([
    { batch: "L-SOON", expiresOn: "2026-11-27", qty: -2 },
    { batch: "L-LATE", expiresOn: "2026-11-30", qty: -1 },
  ]);
  // A SKU without lots sells as before: no batches on its line.
  const s3 = await sell(edge, 2, 1);
  expect(s3.lines[0]!.batches).toBeUndefined();
  expect(edge.batches.lotsOf(A).lots).toEqual([{ batch: "L-LATE", expiresOn: "2026-11-30", qty: 2 }]);

  // Near expiry: within 5 days of 11-25 (till 11-30) the late lot shows with its days left.
  expect(edge.batches.nearExpiry(5).items).toEqual([
    {
      sku: A,
      batch: "L-LATE",
      expiresOn: "2026-11-30",
      daysLeft: 5,
      qty: 2,
      name: expect.any(String),
      onHand: 2,
    },
  ]);
  expect(edge.batches.nearExpiry(3).items).toEqual([]);

  // HQ's transfer in brings its lots; a later expiry sells after the earlier one.
  edge.stock.applyMovement({
    movementId: "M-TR",
    kind: "transfer_in",
    reference: "TR-1",
    lines: [{ sku: A, qty: 4, batches: [{ batch: "L-TR", expiresOn: "2026-12-20", qty: 4 }] }],
    at: new Date(T0).toISOString(),
  });
  // Counted 5 of 6: the loss is the first-expiring unit.
  const count = await edge.inventory.count("1001", "1234", [{ sku: A, counted: 5 }]);
  expect(count.lines[0]!.batches).toEqual([{ batch: "L-LATE", expiresOn: "2026-11-30", qty: -1 }]);
  expect(edge.batches.lotsOf(A).lots).toEqual([
    { batch: "L-LATE", expiresOn: "2026-11-30", qty: 1 },
    { batch: "L-TR", expiresOn: "2026-12-20", qty: 4 },
  ]);

  // Nothing past its date yet: the write-off is refused and nothing moves.
  await expect(edge.batches.writeOffExpired("1001", "1234")).rejects.toMatchObject({ field: "lots" });
  await expect(edge.batches.writeOffExpired("1001", "0000")).rejects.toMatchObject({ field: "pin" });
  // 2026-12-01: the late lot is a day past its date, listed with -1 days left, written off once.
  clock.set(Date.parse("2026-12-01T02:00:00Z"));
  expect(edge.batches.nearExpiry(0).items).toEqual([
    {
      sku: A,
      batch: "L-LATE",
      expiresOn: "2026-11-30",
      daysLeft: -1,
      qty: 1,
      name: expect.any(String),
      onHand: 5,
    },
  ]);
  const off = await edge.batches.writeOffExpired("1001", "1234");
  expect(off).toMatchObject({
    reason: "expired",
    lines: [
      { sku: A, counted: 4, expected: 5, batches: [{ batch: "L-LATE", expiresOn: "2026-11-30", qty: -1 }] },
    ],
  });
  expect(edge.stock.onHand(A)).toBe(4);
  expect(edge.batches.nearExpiry(0).items).toEqual([]);
  await expect(edge.batches.writeOffExpired("1001", "1234")).rejects.toMatchObject({ field: "lots" });
  expect(outboxOf(edge, "stock.counted").map((c) => c.reason ?? "count")).toEqual(["count", "expired"]);
});

test("an oversold lot: the store sells what it had not booked, the next delivery's first lot covers it on the shelf", async () => {
  const edge = await readyEdge({ products: 3 });
  edges.push(edge);
  await openLane(edge);
  const A = skuOf(1);
  await edge.inventory.receive("1001", "1234", {
    lines: [{ sku: A, qty: 2, lots: [{ batch: "B1", expiresOn: "2026-11-28", qty: 2 }] }],
  });
  const s = await sell(edge, 1, 3);
  expect(s.lines[0]!.batches).toEqual([
    { batch: "B1", expiresOn: "2026-11-28", qty: -2 },
    { batch: "", qty: -1 },
  ]);
  await edge.inventory.receive("1001", "1234", {
    lines: [{ sku: A, qty: 5, lots: [{ batch: "B2", expiresOn: "2026-12-05", qty: 5 }] }],
  });
  expect(edge.batches.lotsOf(A)).toEqual({
    sku: A,
    onHand: 4,
    lots: [{ batch: "B2", expiresOn: "2026-12-05", qty: 4 }],
  });
});

test("hostile lots: more than received, garbage dates and codes, an unknown SKU", async () => {
  const edge = await readyEdge({ products: 3 });
  edges.push(edge);
  await expect(
    edge.inventory.receive("1001", "1234", {
      lines: [{ sku: skuOf(1), qty: 2, lots: [{ batch: "B1", expiresOn: "2026-11-28", qty: 3 }] }],
    }),
  ).rejects.toMatchObject({ field: "lines.0.lots" });
  expect(edge.stock.onHand(skuOf(1))).toBe(0);
  for (const bad of [
    { batch: "B1", expiresOn: "2026-02-30", qty: 1 },
    { batch: "B1", expiresOn: "30/11/2026", qty: 1 },
    { batch: "B1; DROP TABLE", expiresOn: "2026-11-28", qty: 1 },
    { batch: "", expiresOn: "2026-11-28", qty: 1 },
    { batch: "B1", expiresOn: "2026-11-28", qty: 0 },
    { batch: "B".repeat(41), expiresOn: "2026-11-28", qty: 1 },
  ])
    expect(ReceivedLotV1.safeParse(bad).success).toBe(false);
  expect(() => edge.batches.lotsOf("NOPE")).toThrow("no product NOPE");
  expect(() => edge.batches.nearExpiry(61)).toThrow();
  expect(() => edge.batches.nearExpiry(-1)).toThrow();
});
