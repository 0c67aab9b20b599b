// Stocktakes at the store on a real edge database: HQ opens a cycle count (the snapshot is the
// book at that moment), two counters scan barcodes and SKUs at once, the first round's lines over
// the threshold are recounted, the finished count goes into the outbox once as
// stocktake.submitted, HQ's approval (a stock.movement) moves the stock; a store full count;
// hostile scans (not signed in, another session's token, outside the cycle, unknown code, wrong PIN).
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import type { Payload } from "@retail/protocol";
import type { Edge } from "../edge.ts";
import { gtinOf, readyEdge, skuOf } from "../testing/fixtures.ts";

setDefaultTimeout(60_000);
const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

async function edgeWithStock(): Promise<Edge> {
  const edge = await readyEdge({ products: 10 });
  edges.push(edge);
  edge.stock.applyMovement({
    movementId: "M0",
    kind: "receipt",
    reference: "PO-1",
    lines: [
      { sku: skuOf(1), qty: 10 },
      { sku: skuOf(2), qty: 5 },
      { sku: skuOf(3), qty: 7 },
    ],
    at: new Date().toISOString(),
  });
  return edge;
}

const submittedOf = (edge: Edge) =>
  edge.outbox
    .pending(0, 100)
    .filter((r) => r.type === "stocktake.submitted")
    .map((r) => JSON.parse(r.envelope).payload as Payload<"stocktake.submitted">);

const update = (over: Partial<Payload<"stocktake.update">>): Payload<"stocktake.update"> => ({
  sessionId: "ST-HQ-1",
  action: "open",
  kind: "cycle",
  skus: [skuOf(1), skuOf(2)],
  recountOver: 1,
  by: "admin",
  at: new Date().toISOString(),
  ...over,
});

test("an HQ cycle count: two counters, a recount of the line over the threshold, submitted once, approved by HQ", async () => {
  const edge = await edgeWithStock();
  edge.stocktakes.fromHq(update({}));
  edge.stocktakes.fromHq(update({})); // the same update again changes nothing
  // Sales after the snapshot do not change it.
  edge.stock.applyMovement({
    movementId: "M1",
    kind: "adjustment",
    reference: "x",
    lines: [{ sku: skuOf(1), qty: -1 }],
    at: new Date().toISOString(),
  });
  const a = await edge.stocktakes.signIn("ST-HQ-1", "1001", "1234");
  const b = await edge.stocktakes.signIn("ST-HQ-1", "9001", "9999");
  edge.stocktakes.scan("ST-HQ-1", a.token, gtinOf(1), 6); // a case of 6 on the shelf
  expect(edge.stocktakes.scan("ST-HQ-1", b.token, skuOf(1), 4).counted).toBe(10); // 4 more in the back
  edge.stocktakes.scan("ST-HQ-1", a.token, gtinOf(2)); // 1 of 5: over the threshold of 1
  let v = edge.stocktakes.finish("ST-HQ-1", a.token);
  expect(v.status).toBe("recount");
  expect(v.recount).toEqual([skuOf(2)]);
  expect(submittedOf(edge)).toEqual([]);
  expect(() => edge.stocktakes.scan("ST-HQ-1", b.token, skuOf(1), 1)).toThrow(/not asked for a recount/);
  expect(() => edge.stocktakes.finish("ST-HQ-1", a.token)).toThrow(`${skuOf(2)} is not recounted yet`);
  edge.stocktakes.scan("ST-HQ-1", b.token, gtinOf(2), 4);
  v = edge.stocktakes.finish("ST-HQ-1", b.token);
  expect(v.status).toBe("submitted");
  const [sent, ...more] = submittedOf(edge);
  expect(more).toEqual([]);
  expect(sent).toMatchObject({ sessionId: "ST-HQ-1", origin: "hq", kind: "cycle", submittedBy: "9001" });
  expect(sent!.lines).toEqual([
    { sku: skuOf(1), expected: 10, counted: 10, recounted: false, counters: ["1001", "9001"] },
    { sku: skuOf(2), expected: 5, counted: 4, recounted: true, counters: ["1001", "9001"] },
  ]);
  expect(() => edge.stocktakes.scan("ST-HQ-1", a.token, skuOf(1), 1)).toThrow(/counting is over/);
  // HQ approves: its adjustment arrives as a stock.movement; the session reads approved.
  edge.stock.applyMovement({
    movementId: "ST-HQ-1-adj",
    kind: "adjustment",
    reference: "ST-HQ-1",
    lines: [{ sku: skuOf(2), qty: -1 }],
    at: new Date().toISOString(),
  });
  edge.stocktakes.fromHq(update({ action: "approved" }));
  expect(edge.stocktakes.view("ST-HQ-1").status).toBe("approved");
  expect(edge.stock.onHand(skuOf(2))).toBe(4);
  expect(edge.stock.onHand(skuOf(1))).toBe(9); // the sale after the snapshot stays
});

test("a store full count lists every SKU with stock (uncounted = 0); HQ cancels its own session at the store", async () => {
  const edge = await edgeWithStock();
  const v = await edge.stocktakes.open("9001", "9999", { kind: "full", recountOver: 100 });
  const c = await edge.stocktakes.signIn(v.id, "1001", "1234");
  edge.stocktakes.scan(v.id, c.token, skuOf(1), 10);
  edge.stocktakes.scan(v.id, c.token, skuOf(4), 2); // not on the book: found
  expect(edge.stocktakes.finish(v.id, c.token).status).toBe("submitted");
  expect(submittedOf(edge)[0]!.lines.map((l) => [l.sku, l.expected, l.counted])).toEqual([
    [skuOf(1), 10, 10],
    [skuOf(2), 5, 0],
    [skuOf(3), 7, 0],
    [skuOf(4), 0, 2],
  ]);
  edge.stocktakes.fromHq(update({ sessionId: "ST-HQ-2" }));
  edge.stocktakes.fromHq(update({ sessionId: "ST-HQ-2", action: "cancel" }));
  expect(edge.stocktakes.view("ST-HQ-2").status).toBe("cancelled");
  await expect(edge.stocktakes.signIn("ST-HQ-2", "1001", "1234")).rejects.toThrow(/counting is over/);
});

test("hostile: no token, another session's token, a SKU outside the cycle, an unknown code, a wrong PIN, a negative or huge quantity", async () => {
  const edge = await edgeWithStock();
  edge.stocktakes.fromHq(update({}));
  edge.stocktakes.fromHq(update({ sessionId: "ST-HQ-9", skus: [skuOf(3)] }));
  const other = await edge.stocktakes.signIn("ST-HQ-9", "1001", "1234");
  expect(() => edge.stocktakes.scan("ST-HQ-1", "forged", skuOf(1))).toThrow(/sign in/);
  expect(() => edge.stocktakes.scan("ST-HQ-1", other.token, skuOf(1))).toThrow(/sign in/);
  const t = (await edge.stocktakes.signIn("ST-HQ-1", "1001", "1234")).token;
  expect(() => edge.stocktakes.scan("ST-HQ-1", t, skuOf(3))).toThrow(/not in this cycle count/);
  expect(() => edge.stocktakes.scan("ST-HQ-1", t, "6900000000000")).toThrow(/no product/);
  expect(() => edge.stocktakes.scan("ST-HQ-1", t, skuOf(1), -1)).toThrow(/whole number/);
  expect(() => edge.stocktakes.scan("ST-HQ-1", t, skuOf(1), 10_000_000)).toThrow(/whole number/);
  await expect(edge.stocktakes.signIn("ST-HQ-1", "1001", "0000")).rejects.toThrow();
  await expect(edge.stocktakes.open("1001", "1234", { kind: "cycle", skus: ["NOPE"] })).rejects.toThrow(
    /no product NOPE/,
  );
  expect(edge.stocktakes.view("ST-HQ-1").lines.every((l) => l.counted === 0)).toBe(true);
});

test("dated goods are counted by lot: the plain code refused, lots typed or read from the GS1-128 label; the line carries each lot; HQ's approval moves each lot", async () => {
  const edge = await edgeWithStock();
  const at = new Date().toISOString();
  // SKU 1 holds two dated lots and an undated rest: 4 + 3 + 3 = 10.
  edge.db.write(() =>
    edge.stock.lots.apply(
      skuOf(1),
      [
        { batch: "L1", expiresOn: "2026-12-10", qty: 4 },
        { batch: "L2", expiresOn: "2026-12-20", qty: 3 },
      ],
      at,
    ),
  );
  edge.stocktakes.fromHq(update({}));
  const a = await edge.stocktakes.signIn("ST-HQ-1", "1001", "1234");
  const scan = (code: string, qty: number, lot?: { batch: string; expiresOn?: string }) =>
    edge.stocktakes.scan("ST-HQ-1", a.token, code, qty, lot);
  expect(() => scan(gtinOf(1), 1)).toThrow(/counted by lot/);
  // Blind: the lots to pick name batch and expiry, never how many.
  expect(edge.stocktakes.lotChoices("ST-HQ-1", gtinOf(1))).toEqual({
    sku: skuOf(1),
    name: expect.any(String),
    byLot: true,
    lots: [
      { batch: "L1", expiresOn: "2026-12-10" },
      { batch: "L2", expiresOn: "2026-12-20" },
    ],
  });
  // Hostile lots: a bad batch, a batch without a real date, a date on the undated rest, a label
  // with no such day, a label that contradicts the typed lot.
  expect(() => scan(gtinOf(1), 1, { batch: "L1;DROP", expiresOn: "2026-12-10" })).toThrow(/batch/);
  expect(() => scan(gtinOf(1), 1, { batch: "L1", expiresOn: "2026-02-30" })).toThrow(/expiry/);
  expect(() => scan(gtinOf(1), 1, { batch: "L1" })).toThrow(/expiry/);
  expect(() => scan(gtinOf(1), 1, { batch: "", expiresOn: "2026-12-10" })).toThrow(
    /undated rest has no expiry/,
  );
  expect(() => scan(`(01)0${gtinOf(1)}(17)261232(10)L1`, 1)).toThrow(/no such day/);
  expect(() =>
    scan(`(01)0${gtinOf(1)}(17)261210(10)L1`, 1, { batch: "L2", expiresOn: "2026-12-20" }),
  ).toThrow(/the label says lot L1/);
  // L1 counted 1 short (3), read from its label; L2 as booked (typed); the undated rest 3; a new lot L3 found.
  expect(scan(`(01)0${gtinOf(1)}(17)261210(10)L1`, 3)).toMatchObject({
    sku: skuOf(1),
    qty: 3,
    lot: { batch: "L1", expiresOn: "2026-12-10" },
  });
  scan(gtinOf(1), 3, { batch: "L2", expiresOn: "2026-12-20" });
  scan(skuOf(1), 3, { batch: "" });
  scan(skuOf(1), 2, { batch: "L3", expiresOn: "2027-01-05" });
  // An undated SKU counts as before, and may not be refused for want of a lot.
  scan(gtinOf(2), 5);
  const view = edge.stocktakes.view("ST-HQ-1");
  expect(view.lines.find((l) => l.sku === skuOf(1))).toMatchObject({
    counted: 11,
    byLot: true,
    lots: [
      { batch: "L1", expiresOn: "2026-12-10", counted: 3 },
      { batch: "L2", expiresOn: "2026-12-20", counted: 3 },
      { batch: "", expiresOn: null, counted: 3 },
      { batch: "L3", expiresOn: "2027-01-05", counted: 2 },
    ],
  });
  expect(view.lines.find((l) => l.sku === skuOf(2))).toMatchObject({ byLot: false, lots: [] });
  expect(edge.stocktakes.finish("ST-HQ-1", a.token).status).toBe("submitted");
  const [sent] = submittedOf(edge);
  const line1 = sent!.lines.find((l) => l.sku === skuOf(1))!;
  expect(line1).toMatchObject({ expected: 10, counted: 11 });
  expect(line1.lots).toEqual([
    { batch: "", expected: 3, counted: 3 },
    { batch: "L1", expiresOn: "2026-12-10", expected: 4, counted: 3 },
    { batch: "L2", expiresOn: "2026-12-20", expected: 3, counted: 3 },
    { batch: "L3", expiresOn: "2027-01-05", expected: 0, counted: 2 },
  ]);
  expect(sent!.lines.find((l) => l.sku === skuOf(2))!.lots).toBeUndefined();
  // HQ approves: one stock.movement moving each lot by its own difference.
  edge.stock.applyMovement({
    movementId: "ST-HQ-1-adj",
    kind: "adjustment",
    reference: "ST-HQ-1",
    lines: [
      {
        sku: skuOf(1),
        qty: 1,
        batches: [
          { batch: "L1", expiresOn: "2026-12-10", qty: -1 },
          { batch: "L3", expiresOn: "2027-01-05", qty: 2 },
        ],
      },
    ],
    at,
  });
  expect(edge.stock.onHand(skuOf(1))).toBe(11);
  expect(edge.stock.lots.lots(skuOf(1))).toEqual([
    { batch: "", expiresOn: null, qty: 3 },
    { batch: "L1", expiresOn: "2026-12-10", qty: 3 },
    { batch: "L2", expiresOn: "2026-12-20", qty: 3 },
    { batch: "L3", expiresOn: "2027-01-05", qty: 2 },
  ]);
});
