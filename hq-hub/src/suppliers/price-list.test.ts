// The price list's validity and what a price change does to open orders, on plain data.
import { describe, expect, test } from "bun:test";
import { type OpenOrderLine, orderImpact, priceOn, withValidity } from "./price-list.ts";

const e = (sku: string, costFen: number, effectiveFrom: string) => ({
  sku,
  costFen,
  taxRate: 13,
  effectiveFrom,
});

describe("price list validity", () => {
  test("an entry runs until the day before the SKU's next one; past, current and future by today", () => {
    const rows = withValidity(
      [
        e("B", 500, "2026-01-01"),
        e("A", 100, "2026-03-01"),
        e("A", 90, "2026-01-01"),
        e("A", 120, "2026-12-31"),
      ],
      "2026-06-15",
    );
    expect(rows.map((r) => [r.sku, r.effectiveFrom, r.effectiveTo, r.state])).toEqual([
      ["A", "2026-01-01", "2026-02-28", "past"],
      ["A", "2026-03-01", "2026-12-30", "current"],
      ["A", "2026-12-31", null, "future"],
      ["B", "2026-01-01", null, "current"],
    ]);
  });

  test("the entry in force on a day is the latest from on or before it", () => {
    const list = [e("A", 90, "2026-01-01"), e("A", 100, "2026-03-01")];
    expect(priceOn(list, "A", "2025-12-31")).toBeUndefined();
    expect(priceOn(list, "A", "2026-02-28")?.costFen).toBe(90);
    expect(priceOn(list, "A", "2026-03-01")?.costFen).toBe(100);
    expect(priceOn(list, "B", "2026-03-01")).toBeUndefined();
  });
});

const line = (o: Partial<OpenOrderLine>): OpenOrderLine => ({
  poId: "PO-1",
  storeId: "S1",
  status: "ordered",
  sku: "A",
  qty: 10,
  received: 0,
  weighed: false,
  orderDay: "2026-06-01",
  deliveryDay: "2026-06-20",
  orderedCostFen: 90,
  ...o,
});

describe("a price change on open orders", () => {
  const existing = [e("A", 90, "2026-01-01"), e("P", 3000, "2026-01-01")];

  test("a new price before the delivery day: the rest of the order differs by the new price less the ordered cost", () => {
    const [x] = orderImpact([line({ received: 4 })], existing, [e("A", 95, "2026-06-10")]);
    expect(x).toMatchObject({ remaining: 6, beforeFen: 90, afterFen: 95, diffPerUnitFen: 5, diffFen: 30 });
  });

  test("a price from after the delivery day, or for another SKU, changes nothing on the order", () => {
    expect(orderImpact([line({})], existing, [e("A", 95, "2026-06-21"), e("P", 1, "2026-01-01")])).toEqual(
      [],
    );
  });

  test("a fully received line is not open; a cheaper price gives a negative difference", () => {
    expect(orderImpact([line({ received: 10 })], existing, [e("A", 80, "2026-06-01")])).toEqual([]);
    expect(orderImpact([line({})], existing, [e("A", 80, "2026-06-01")])[0]).toMatchObject({
      diffPerUnitFen: -10,
      diffFen: -100,
    });
  });

  test("weighed goods: per kg times grams still to come, half up to the fen", () => {
    // 1,234 g at +0.37 yuan/kg = 45.658 fen -> 46; -0.37 -> -46 (symmetric).
    const w = line({ sku: "P", weighed: true, qty: 1234, orderedCostFen: 3000 });
    expect(orderImpact([w], existing, [e("P", 3037, "2026-06-01")])[0]?.diffFen).toBe(46);
    expect(orderImpact([w], existing, [e("P", 2963, "2026-06-01")])[0]?.diffFen).toBe(-46);
  });

  test("an order not costed yet is compared with the price on its order day", () => {
    const [x] = orderImpact([line({ orderedCostFen: null })], existing, [e("A", 99, "2026-06-02")]);
    expect(x).toMatchObject({ orderedCostFen: 90, afterFen: 99, diffFen: 90 });
  });

  test("without a proposal every open line is listed against today's list; unknown prices stay null", () => {
    const rows = orderImpact([line({}), line({ sku: "Z", orderedCostFen: null })], existing);
    expect(rows.map((r) => [r.sku, r.diffFen])).toEqual([
      ["A", 0],
      ["Z", null],
    ]);
  });
});
