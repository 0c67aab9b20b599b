// Pack levels at the store (issue 17 item 6): a product's case code, arriving in a change set
// like any product edit, sells 12 at the lane (12 units at the unit price, so HQ's audit prices
// it like any line) and counts 12 per scan in a stocktake; the code survives a restart (the
// look-up is rebuilt from the tables) and goes when HQ takes the pack away.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import type { ChangeItem, Product, SaleCompleted } from "@retail/protocol";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import type { EdgeError } from "../errors.ts";
import {
  applyPages,
  gtinOf,
  openLane,
  pagesOf,
  readyEdge,
  skuOf,
  T0,
  tempDir,
  testConfig,
} from "../testing/fixtures.ts";

setDefaultTimeout(60_000);
const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

const CASE = "16901234567899";
const productOf = (edge: Edge, i: number) => edge.replica.lookup.products.get(skuOf(i)) as Product;
const withPacks = (p: Product, packs: Product["packs"]): ChangeItem => ({
  op: "upsert",
  entity: "product",
  data: packs ? { ...p, packs } : (({ packs: _p, ...rest }) => rest)(p),
});

test("a case code sells 12 at the unit price, counts 12 in a stocktake, survives a restart, goes with the pack", async () => {
  const dir = tempDir();
  const edge = await readyEdge({ products: 10, dataDir: dir });
  edges.push(edge);
  const cola = productOf(edge, 3);
  applyPages(
    edge,
    pagesOf("delta", 2, 1, [withPacks(cola, [{ qty: 12, name: "箱", code: CASE, purchase: true }])]),
  );
  expect(edge.replica.lookup.byCode(CASE)).toMatchObject({ qty: 12, pack: { qty: 12, name: "箱" } });
  expect(edge.replica.lookup.byCode(gtinOf(3))).toMatchObject({ qty: 1 });
  expect(edge.replica.lookup.byCode(gtinOf(3))?.pack).toBeUndefined();
  // The search finds the product by its case code too.
  expect(edge.replica.lookup.search(CASE)[0]).toMatchObject({ sku: skuOf(3), matched: "barcode" });

  await openLane(edge);
  const unitPrice = 100 + 3 * 10;
  await edge.scanner.scan("1", CASE);
  await edge.scanner.scan("1", gtinOf(3)); // one more single: the same line, 13 units
  const line = edge.lanes.view("1").cart.lines[0]!;
  expect(line).toMatchObject({ sku: skuOf(3), qty: 13, unitPrice });
  const sale = edge.sales.tenderCash("1", 100_000).sale as SaleCompleted;
  expect(sale.lines[0]).toMatchObject({ sku: skuOf(3), qty: 13, unitPrice, gross: 13 * unitPrice });
  expect(edge.stock.onHand(skuOf(3))).toBe(-13);

  // A stocktake: two cases and three singles are 27.
  edge.stocktakes.fromHq({
    sessionId: "ST-PACK",
    action: "open",
    kind: "cycle",
    skus: [skuOf(3)],
    recountOver: 1000,
    by: "admin",
    at: new Date(T0).toISOString(),
  });
  const c = await edge.stocktakes.signIn("ST-PACK", "1001", "1234");
  expect(edge.stocktakes.scan("ST-PACK", c.token, CASE, 2)).toMatchObject({ qty: 24, pack: { qty: 12 } });
  expect(edge.stocktakes.scan("ST-PACK", c.token, gtinOf(3), 3).counted).toBe(27);
  // Absurd: 100,000 cases of 12 is past the count's limit, refused naming qty.
  try {
    edge.stocktakes.scan("ST-PACK", c.token, CASE, 100_000);
    throw new Error("accepted");
  } catch (e) {
    expect((e as EdgeError).field).toBe("qty");
  }

  // Restart from the same data: the look-up is rebuilt from the tables, the case code with it.
  await edge.stop();
  edges.splice(0);
  const again = new Edge({ dataDir: dir, config: testConfig(), clock: manualClock(T0) });
  edges.push(again);
  expect(again.replica.lookup.byCode(CASE)).toMatchObject({ qty: 12 });

  // HQ takes the pack away: the code means nothing any more; the unit barcode still sells one.
  applyPages(again, pagesOf("delta", 3, 2, [withPacks(productOf(again, 3), undefined)]));
  expect(again.replica.lookup.byCode(CASE)).toBeUndefined();
  await openLane(again);
  await expect(again.scanner.scan("1", CASE)).rejects.toMatchObject({ field: "code" });
  expect((await again.scanner.scan("1", gtinOf(3))).view.cart.lines[0]!.qty).toBe(1);
  // A code HQ moved to another product's pack follows it.
  applyPages(
    again,
    pagesOf("delta", 4, 3, [withPacks(productOf(again, 4), [{ qty: 6, name: "六连包", code: CASE }])]),
  );
  expect(again.replica.lookup.byCode(CASE)).toMatchObject({ product: { sku: skuOf(4) }, qty: 6 });
});
