// The re-pricing audit, pure: a sale the catalog agrees with gives no finding; a wrong price, a
// discount the store's promotions do not give, and promotions the engine refuses each do.
import { describe, expect, test } from "bun:test";
import { checkPromotions, type Price } from "@retail/protocol";
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
});
