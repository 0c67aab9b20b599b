import { describe, expect, test } from "bun:test";
import { categoryLeaves, expandCategories, expandPromotionCategories } from "./categories.ts";
import { priceBasket } from "./engine.ts";
import type { Promotion } from "./schema.ts";

const paths = [
  ["10", "1001", "100101"], // 饮料 > 碳酸 > 可乐
  ["10", "1001", "100102"],
  ["10", "1002", "100201"], // 饮料 > 茶
  ["20", "2001", "200101"], // 零食
];

describe("categoryLeaves", () => {
  test("maps every code on a path to the leaves under it", () => {
    const leaves = categoryLeaves(paths);
    expect([...leaves.get("10")!].sort()).toEqual(["100101", "100102", "100201"]);
    expect([...leaves.get("1001")!].sort()).toEqual(["100101", "100102"]);
    expect([...leaves.get("200101")!]).toEqual(["200101"]);
    expect(leaves.get("99")).toBeUndefined();
  });
});

describe("expandCategories", () => {
  const leaves = categoryLeaves(paths);
  const drinks: Promotion = { id: "P-DRINKS", kind: "percent_off", percent: 10, categories: ["10"] };

  test("a parent-category promotion lists its leaves, keeping the parent code", () => {
    expect(expandCategories(drinks, leaves).categories!.sort()).toEqual(["10", "100101", "100102", "100201"]);
  });

  test("a leaf-level or category-less promotion is returned as is (same object)", () => {
    const leaf: Promotion = { id: "P-COLA", kind: "percent_off", percent: 10, categories: ["100101"] };
    const all: Promotion = { id: "P-ALL", kind: "percent_off", percent: 5 };
    expect(expandCategories(leaf, leaves)).toBe(leaf);
    expect(expandCategories(all, leaves)).toBe(all);
  });

  test("an unknown category stays as authored and matches nothing", () => {
    const ghost: Promotion = { id: "P-X", kind: "percent_off", percent: 10, categories: ["99"] };
    expect(expandCategories(ghost, leaves)).toBe(ghost);
  });

  test("priced after expansion, a parent-category promotion discounts lines in its leaves only", () => {
    const lines = [
      { lineId: "1", sku: "COLA", category: "100101", unitPrice: 300, qty: 1, taxRate: 13 },
      { lineId: "2", sku: "TEA", category: "100201", unitPrice: 500, qty: 1, taxRate: 13 },
      { lineId: "3", sku: "CHIPS", category: "200101", unitPrice: 800, qty: 1, taxRate: 13 },
    ];
    const request = { at: "2026-11-25T10:00:00+08:00", storeId: "S001", lines };
    const before = priceBasket({ ...request, promotions: [drinks] });
    expect(before.totals.discount).toBe(0);
    const after = priceBasket({ ...request, promotions: expandPromotionCategories([drinks], leaves) });
    expect(after.totals.discount).toBe(80);
    expect(after.lines.map((l) => l.discounts.length)).toEqual([1, 1, 0]);
  });
});
