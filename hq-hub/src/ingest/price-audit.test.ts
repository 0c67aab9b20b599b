// The re-pricing audit, pure: a sale the catalog agrees with gives no finding; a wrong price, a
// discount the store's promotions do not give, and promotions the engine refuses each do.
import { describe, expect, test } from "bun:test";
import { checkPromotions, ORDER_DISCOUNT_ID, type Price, priceBasket, ROUNDING_ID } from "@retail/protocol";
import { saleEvent } from "../test-kit.ts";
import { auditSale, type CatalogView } from "./price-audit.ts";

const prices = new Map<string, Price>(
  [1, 2].map((i) => [`SKU${i}`, { sku: `SKU${i}`, windows: [{ price: 100, source: "chain" }] }]),
);
const catalog = (promotions: CatalogView["promotions"]): CatalogView => ({
  known: true,
  price: (sku) => prices.get(sku),
  promotions,
});

describe("auditSale", () => {
  test("a sale at the catalog's prices and promotions has no finding", () => {
    const sale = saleEvent("S1", 1, { lines: 2 }).payload;
    expect(auditSale("S1", sale, catalog(checkPromotions([])))).toEqual([]);
  });

  test("a line sold above the listed price is a unitPrice finding", () => {
    const sale = saleEvent("S1", 1, { lines: 2, unitPrice: 120 }).payload;
    expect(auditSale("S1", sale, catalog(checkPromotions([])))).toContainEqual({
      lineId: "l1",
      field: "unitPrice",
      expected: "100",
      actual: "120",
    });
  });

  test("a promotion checked once is applied to every sale re-priced against it", () => {
    const promotions = checkPromotions([{ id: "P10", kind: "percent_off", percent: 10, skus: ["SKU1"] }]);
    for (let seq = 1; seq <= 3; seq++) {
      const sale = saleEvent("S1", seq, { lines: 2 }).payload;
      // The till gave no discount; the store's promotions say 10 fen off SKU1.
      const findings = auditSale("S1", sale, catalog(promotions));
      expect(findings).toContainEqual({ field: "totals.discount", expected: "10", actual: "0" });
      expect(findings).toContainEqual({ field: "applied", expected: '["P10"]', actual: "[]" });
      expect(findings).toContainEqual({
        lineId: "l1",
        field: "discounts",
        expected: '[{"promotionId":"P10","amount":10}]',
        actual: "[]",
      });
      expect(findings.filter((f) => f.lineId === "l2")).toEqual([]);
    }
  });

  test("promotions the engine refused are one pricing finding, not a crash", () => {
    const sale = saleEvent("S1", 1, { lines: 1 }).payload;
    expect(
      auditSale(
        "S1",
        sale,
        catalog({ error: "promotions[0].percent: Too big: expected number to be <=100" }),
      ),
    ).toEqual([
      {
        field: "pricing",
        expected: "promotions the engine accepts",
        actual: "promotions[0].percent: Too big: expected number to be <=100",
      },
    ]);
  });

  // What the till does: price with the engine and write its result into the sale.
  function adjustedSale(adjustment: {
    discount?: { amount?: number; basisPoints?: number };
    rounding?: "jiao" | "yuan";
  }) {
    const sale = saleEvent("S1", 1, { lines: 2, unitPrice: 1099 }).payload;
    const r = priceBasket({
      at: sale.completedAt,
      storeId: "S1",
      coupons: sale.coupons,
      promotions: [],
      adjustment,
      lines: sale.lines.map((l) => ({
        lineId: l.lineId,
        sku: l.sku,
        category: l.category,
        unitPrice: l.unitPrice,
        qty: l.qty,
        weighed: l.weighed,
        taxRate: l.taxRate,
      })),
    });
    const lines = sale.lines.map((l, i) => ({ ...l, ...r.lines[i]! }));
    return {
      ...sale,
      lines,
      totals: r.totals,
      applied: r.applied,
      adjustment: { ...adjustment, approvedBy: "9001" },
    };
  }
  const prices1099 = new Map<string, Price>(
    [1, 2].map((i) => [`SKU${i}`, { sku: `SKU${i}`, windows: [{ price: 1099, source: "chain" }] }]),
  );
  const catalog1099: CatalogView = {
    known: true,
    price: (sku) => prices1099.get(sku),
    promotions: checkPromotions([]),
  };

  test("an order discount and 抹零 priced by the engine give no finding", () => {
    for (const adjustment of [
      { discount: { amount: 150 }, rounding: "yuan" as const },
      { discount: { basisPoints: 1000 } },
      { rounding: "jiao" as const },
    ]) {
      const sale = adjustedSale(adjustment);
      expect(sale.totals.discount).toBeGreaterThan(0);
      expect(auditSale("S1", sale, catalog1099)).toEqual([]);
    }
    // 2198 - 150 = 2048 -> 2000 to the yuan.
    const sale = adjustedSale({ discount: { amount: 150 }, rounding: "yuan" });
    expect(sale.totals.net).toBe(2000);
    expect(sale.lines[0]!.discounts.map((d) => d.promotionId)).toEqual([ORDER_DISCOUNT_ID, ROUNDING_ID]);
  });

  test("a discount bigger than the adjustment it claims is a finding", () => {
    // Approved: 10% (220 of 2198). The lines and totals say 500 was taken off.
    const honest = adjustedSale({ discount: { basisPoints: 1000 } });
    const forged = adjustedSale({ discount: { amount: 500 } });
    const findings = auditSale("S1", { ...forged, adjustment: honest.adjustment }, catalog1099);
    expect(findings).toContainEqual({ field: "totals.discount", expected: "220", actual: "500" });
    expect(findings).toContainEqual({ field: "totals.net", expected: "1978", actual: "1698" });
    // An adjustment the engine refuses (bigger than the amount due) is a pricing finding.
    const tooBig = { ...honest, adjustment: { discount: { amount: 999_999 }, approvedBy: "9001" } };
    expect(auditSale("S1", tooBig, catalog1099)).toContainEqual({
      field: "pricing",
      expected: "a basket the engine can price",
      actual: "adjustment.discount.amount: must not exceed the amount due after promotions (2198 fen)",
    });
  });
});
