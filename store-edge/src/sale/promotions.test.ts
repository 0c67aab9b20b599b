// The lanes price against the store's promotions checked once per promotion set
// (checkPromotions when the set changes, each basket's subset once per set, priceBasketChecked
// per scan): same result as pricing with the promotions validated on every call, the set
// checked again on every kind of change (change set, scheduled version promoted, snapshot
// switched in, restart), and a promotion the engine refuses fails a scan exactly as it did when
// every scan validated it.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { type ChangeItem, PricingError, type Promotion, priceBasket } from "@retail/protocol";
import type { CatalogLookup, PromotionSet } from "../catalog/lookup.ts";
import { manualClock } from "../clock.ts";
import { Edge } from "../edge.ts";
import {
  applyPages,
  catalogItems,
  gtinOf,
  openLane,
  pagesOf,
  readyEdge,
  skuOf,
  T0,
  tempDir,
  testConfig,
} from "../testing/fixtures.ts";
import { type Cart, priceCart, priceCartChecked } from "./cart.ts";

setDefaultTimeout(120_000);

const edges: Edge[] = [];
afterEach(async () => {
  for (const e of edges.splice(0)) await e.stop().catch(() => {});
});

const AT = new Date(T0).toISOString();

/** The set the look-up holds right now, without asking it to check one (no lazy build). */
const heldSet = (l: CatalogLookup) => (l as unknown as { checkedSet?: PromotionSet }).checkedSet;

const upsertPromotion = (data: Promotion): ChangeItem => ({ op: "upsert", entity: "promotion", data });

async function scanError(p: Promise<unknown>): Promise<PricingError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PricingError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

test("a cart priced against the checked set equals pricing with the promotions validated per call", async () => {
  const edge = await readyEdge({ products: 60, promotions: 200 });
  edges.push(edge);
  const l = edge.replica.lookup;
  const set = l.promotionSet();
  expect(set.error).toBeUndefined();
  for (let b = 0; b < 60; b++) {
    const lines = Array.from({ length: 1 + (b % 12) }, (_, i) => {
      const p = l.products.get(skuOf(1 + ((b * 11 + i * 7) % 60)))!;
      return {
        lineId: `l${i}`,
        sku: p.sku,
        name: p.name,
        category: p.category.at(-1)!,
        qty: 1 + ((b + i) % 5),
        weighed: false,
        unitPrice: l.priceOf(p.sku, T0)!.price,
        taxRate: p.taxRate,
        priceVersion: 1,
      };
    });
    const cart: Cart = {
      cartId: "c",
      startedAt: "",
      nextLine: 99,
      lines,
      coupons: b % 3 === 0 ? ["CPN10"] : [],
      tenders: [],
      ...(b % 4 === 0 ? { member: { id: "M001", tier: "gold", name: "张三", phone: "13800138000" } } : {}),
    } as Cart;
    // What the lanes price with: the checked subset that can touch the basket.
    const checked = priceCartChecked(cart, l.checkedFor(lines)!, "DEMO", AT);
    expect(l.checkedFor(lines)).toBe(l.checkedFor(lines)!); // checked once per subset
    // What the lanes did before: the promotions that can touch the basket, validated per call.
    expect(checked).toEqual(priceCart(cart, l.promotionsFor(lines), "DEMO", AT));
    expect(checked).toEqual(priceCartChecked(cart, set.checked!, "DEMO", AT));
    expect(checked).toEqual(priceCart(cart, l.promotionArray(), "DEMO", AT));
  }
});

test("a change set that adds or removes a promotion: the set is checked again at once and the next scan sees it", async () => {
  const edge = await readyEdge({ products: 20 });
  edges.push(edge);
  await openLane(edge);
  const v1 = heldSet(edge.replica.lookup);
  expect(v1?.checked?.list.map((p) => p.id)).toEqual(["P-CPN10"]);

  expect((await edge.scanner.scan("1", gtinOf(3))).view.priced.applied).toEqual([]);
  applyPages(
    edge,
    pagesOf("delta", 2, 1, [
      upsertPromotion({ id: "P-NEW", kind: "percent_off", percent: 10, skus: [skuOf(3)] }),
      // Not on this basket: the lane prices with a subset of the set.
      upsertPromotion({ id: "P-OTHER", kind: "percent_off", percent: 10, skus: [skuOf(9)] }),
    ]),
  );
  // Checked when the change set was applied, not on the next scan.
  const v2 = heldSet(edge.replica.lookup);
  expect(v2).not.toBe(v1);
  expect(v2?.checked?.list.map((p) => p.id)).toEqual(["P-CPN10", "P-NEW", "P-OTHER"]);
  // The cart already on the lane is re-priced against the new set, and the next scan too.
  expect(edge.lanes.view("1").priced.applied).toEqual(["P-NEW"]);
  const two = (await edge.scanner.scan("1", gtinOf(3))).view.priced;
  expect(two.applied).toEqual(["P-NEW"]);
  expect(two.totals.discount).toBe(26); // 10% of 2 x 130

  // The same promotion changed in place: the basket's subset has the same ids, checked again.
  applyPages(
    edge,
    pagesOf("delta", 3, 2, [
      upsertPromotion({ id: "P-NEW", kind: "percent_off", percent: 20, skus: [skuOf(3)] }),
    ]),
  );
  expect(edge.lanes.view("1").priced.totals.discount).toBe(52);

  applyPages(edge, pagesOf("delta", 4, 3, [{ op: "delete", entity: "promotion", key: "P-NEW" }]));
  expect(heldSet(edge.replica.lookup)?.checked?.list.map((p) => p.id)).toEqual(["P-CPN10", "P-OTHER"]);
  const three = (await edge.scanner.scan("1", gtinOf(3))).view.priced;
  expect(three.applied).toEqual([]);
  expect(three.totals.discount).toBe(0);
});

test("a scheduled version promoted, a snapshot switched in (at once or built in steps) and a restart check the new set", async () => {
  const clock = manualClock(T0);
  const dir = tempDir();
  const edge = await readyEdge({ products: 20, clock, dataDir: dir });
  edges.push(edge);
  await openLane(edge);
  await edge.scanner.scan("1", gtinOf(5)); // 1 x 150

  // A promotion that starts with a version scheduled an hour ahead.
  applyPages(
    edge,
    pagesOf(
      "delta",
      2,
      1,
      [upsertPromotion({ id: "P-LATER", kind: "special_price", price: 100, skus: [skuOf(5)] })],
      5000,
      new Date(T0 + 3_600_000).toISOString(),
    ),
  );
  expect(heldSet(edge.replica.lookup)?.checked?.list.map((p) => p.id)).toEqual(["P-CPN10"]);
  expect((await edge.scanner.scan("1", gtinOf(5))).view.priced.applied).toEqual([]);
  clock.advance(3_600_000);
  expect(edge.replica.promoteDue()).toBe(1);
  expect(heldSet(edge.replica.lookup)?.checked?.list.map((p) => p.id)).toEqual(["P-CPN10", "P-LATER"]);
  const later = (await edge.scanner.scan("1", gtinOf(5))).view.priced;
  expect(later.applied).toEqual(["P-LATER"]);
  expect(later.totals.discount).toBe(3 * 50);

  // A snapshot applied at once (CatalogLookup.from): P-LATER is gone, P-SNAP is in.
  const snapshot = (promo: Promotion) => [...catalogItems({ products: 20 }), upsertPromotion(promo)];
  applyPages(
    edge,
    pagesOf("snapshot", 3, 0, snapshot({ id: "P-SNAP", kind: "percent_off", percent: 20, skus: [skuOf(5)] })),
  );
  expect(heldSet(edge.replica.lookup)?.checked?.list.map((p) => p.id)).toEqual(["P-CPN10", "P-SNAP"]);
  expect((await edge.scanner.scan("1", gtinOf(5))).view.priced.applied).toEqual(["P-SNAP"]);

  // A snapshot built in steps in the shadow tables and switched in (builder + finishBuild).
  for (const p of pagesOf(
    "snapshot",
    4,
    0,
    snapshot({ id: "P-STEPS", kind: "percent_off", percent: 5, skus: [skuOf(5)] }),
  ))
    edge.replica.stage(p);
  expect((await edge.replica.applyStagedInSteps())?.version).toBe(4);
  expect(heldSet(edge.replica.lookup)?.checked?.list.map((p) => p.id)).toEqual(["P-CPN10", "P-STEPS"]);
  expect((await edge.scanner.scan("1", gtinOf(5))).view.priced.applied).toEqual(["P-STEPS"]);

  // A restart reads the set from the tables (CatalogLookup.fromRows) and checks it there.
  await edge.stop();
  edges.splice(edges.indexOf(edge), 1);
  const again = new Edge({ dataDir: dir, config: testConfig(), clock });
  edges.push(again);
  expect(heldSet(again.replica.lookup)?.checked?.list.map((p) => p.id)).toEqual(["P-CPN10", "P-STEPS"]);
  expect(again.lanes.view("1").priced.applied).toEqual(["P-STEPS"]);
});

test("a promotion from HQ the engine refuses: kept as the set's error, and a scan fails as it did when validated per scan", async () => {
  const edge = await readyEdge({ products: 20 });
  edges.push(edge);
  await openLane(edge);
  const l0 = edge.replica.lookup;
  // Past the link's own validation (an older or newer HQ): percent 150 is no percent.
  const bad: Promotion = { id: "P-BAD", kind: "percent_off", percent: 150, skus: [skuOf(3)] };
  applyPages(edge, pagesOf("delta", 2, 1, [upsertPromotion(bad)]));
  const l = edge.replica.lookup;
  expect(l).toBe(l0);
  const set = heldSet(l);
  expect(set?.checked).toBeUndefined();
  expect(set?.error).toBeInstanceOf(PricingError);
  expect(set?.error?.field).toBe("promotions[1].percent");

  // Scanning what the bad promotion lists: the engine's error, naming the field, exactly what
  // priceBasket said when the lanes validated the basket's promotions on every scan.
  const line = {
    lineId: "l1",
    sku: skuOf(3),
    category: "1003",
    unitPrice: 130,
    qty: 1,
    weighed: false,
    taxRate: 13 as const,
  };
  let before: unknown;
  try {
    priceBasket({ at: AT, storeId: "DEMO", coupons: [], lines: [line], promotions: l.promotionsFor([line]) });
  } catch (e) {
    before = e;
  }
  expect(before).toBeInstanceOf(PricingError);
  const e = await scanError(edge.scanner.scan("1", gtinOf(3)));
  expect(e.field).toBe("promotions[1].percent");
  expect(e.field).toBe((before as PricingError).field);
  expect(e.message).toBe((before as PricingError).message);
  expect(e.message).toStartWith("promotions[1].percent: ");
  // Nothing saved, as before; a basket the bad promotion cannot touch still sells.
  expect(edge.lanes.view("1").cart.lines).toEqual([]);
  const ok = await edge.scanner.scan("1", gtinOf(4));
  expect(ok.view.cart.lines.map((x) => x.sku)).toEqual([skuOf(4)]);
  expect((await scanError(edge.scanner.scan("1", gtinOf(3)))).message).toBe(e.message);

  // HQ corrects it: the set is checked again and the lanes price against it.
  applyPages(edge, pagesOf("delta", 3, 2, [upsertPromotion({ ...bad, percent: 15 })]));
  expect(heldSet(l)?.error).toBeUndefined();
  const fixed = (await edge.scanner.scan("1", gtinOf(3))).view.priced;
  expect(fixed.applied).toEqual(["P-BAD"]);
});
