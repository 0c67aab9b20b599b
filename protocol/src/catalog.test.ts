import { describe, expect, test } from "bun:test";
import {
  ChangeItemV1,
  type Price,
  PriceV1,
  ProductV1,
  packOfCode,
  priceAt,
  purchasePackQty,
} from "./catalog.ts";

describe("catalog records", () => {
  test("a product validates; unknown unit, bad tax rate and bad PLU name the field", () => {
    const p = {
      sku: "100234",
      name: "可口可乐 500ml",
      category: ["10", "1001"],
      unit: "BTL",
      taxRate: 13,
      weighed: false,
      status: "active",
      pinyin: "kkkl",
    };
    expect(ProductV1.parse(p)).toEqual(p as never);
    const unit = ProductV1.safeParse({ ...p, unit: "CRATE" });
    expect(unit.success || unit.error.issues[0]!.path).toEqual(["unit"]);
    const tax = ProductV1.safeParse({ ...p, taxRate: 17 });
    expect(tax.success || tax.error.issues[0]!.path).toEqual(["taxRate"]);
    const plu = ProductV1.safeParse({ ...p, plu: "0123" });
    expect(plu.success || plu.error.issues[0]!.path).toEqual(["plu"]);
  });
  test("pack levels: a case of 12 by its code; sizes, codes and the purchase pack checked by field", () => {
    const p = {
      sku: "100234",
      name: "可口可乐 500ml",
      category: ["10"],
      unit: "BTL",
      taxRate: 13,
      weighed: false,
      status: "active",
      packs: [
        { qty: 12, name: "箱", code: "16901234567899", purchase: true },
        { qty: 6, name: "六连包" },
      ],
    };
    const ok = ProductV1.parse(p);
    expect(packOfCode(ok, "16901234567899")?.qty).toBe(12);
    expect(packOfCode(ok, "6901234567892")).toBeUndefined();
    expect(purchasePackQty(ok)).toBe(12);
    expect(purchasePackQty({})).toBeUndefined();
    const path = (packs: unknown) => {
      const r = ProductV1.safeParse({ ...p, packs });
      return r.success ? "accepted" : r.error.issues[0]!.path;
    };
    expect(path([{ qty: 1, name: "箱" }])).toEqual(["packs", 0, "qty"]);
    expect(path([{ qty: 2.5, name: "箱" }])).toEqual(["packs", 0, "qty"]);
    expect(path([{ qty: 1e9, name: "箱" }])).toEqual(["packs", 0, "qty"]);
    expect(path([{ qty: 12, name: "" }])).toEqual(["packs", 0, "name"]);
    expect(path([{ qty: 12, name: "箱", price: 100 }])).toEqual(["packs", 0]);
    expect(
      path([
        { qty: 12, name: "箱" },
        { qty: 12, name: "大箱" },
      ]),
    ).toEqual(["packs", 1, "qty"]);
    expect(
      path([
        { qty: 12, name: "箱", code: "X1" },
        { qty: 6, name: "包", code: "X1" },
      ]),
    ).toEqual(["packs", 1, "code"]);
    expect(
      path([
        { qty: 12, name: "箱", purchase: true },
        { qty: 6, name: "包", purchase: true },
      ]),
    ).toEqual(["packs", 1, "purchase"]);
    expect(path(Array.from({ length: 6 }, (_, i) => ({ qty: i + 2, name: "包" })))).toEqual(["packs"]);
  });
  test("negative or fractional prices are refused", () => {
    expect(PriceV1.safeParse({ sku: "1", windows: [{ price: -1, source: "chain" }] }).success).toBe(false);
    expect(PriceV1.safeParse({ sku: "1", windows: [{ price: 1.5, source: "chain" }] }).success).toBe(false);
  });
  test("change items: upserts by entity, deletes by key", () => {
    expect(ChangeItemV1.safeParse({ op: "delete", entity: "barcode", key: "6901234567892" }).success).toBe(
      true,
    );
    expect(
      ChangeItemV1.safeParse({ op: "upsert", entity: "barcode", data: { code: "6901234567892", sku: "1" } })
        .success,
    ).toBe(true);
    expect(
      ChangeItemV1.safeParse({ op: "upsert", entity: "barcode", data: { code: "6901234567892" } }).success,
    ).toBe(false);
    expect(ChangeItemV1.safeParse({ op: "upsert", entity: "shelf", data: {} }).success).toBe(false);
  });
});

describe("priceAt", () => {
  const at = (iso: string) => Date.parse(iso);
  const price: Price = {
    sku: "100234",
    windows: [
      { price: 400, source: "chain" },
      { price: 350, source: "chain", startsAt: "2026-11-26T00:00:00+08:00" },
      {
        price: 380,
        source: "region",
        startsAt: "2026-11-20T00:00:00+08:00",
        endsAt: "2026-12-01T00:00:00+08:00",
      },
      {
        price: 299,
        source: "store",
        startsAt: "2026-11-28T00:00:00+08:00",
        endsAt: "2026-11-29T00:00:00+08:00",
      },
    ],
  };
  test("open-ended base, later chain price, region over chain, store over region, end exclusive", () => {
    expect(priceAt(price, at("2026-11-01T00:00:00+08:00"))?.price).toBe(400);
    expect(priceAt(price, at("2026-11-21T00:00:00+08:00"))?.price).toBe(380);
    expect(priceAt(price, at("2026-11-28T12:00:00+08:00"))?.price).toBe(299);
    expect(priceAt(price, at("2026-11-29T00:00:00+08:00"))?.price).toBe(380);
    expect(priceAt(price, at("2026-12-01T00:00:00+08:00"))?.price).toBe(350);
  });
  test("no window: no price", () => {
    expect(
      priceAt({ sku: "1", windows: [{ price: 1, source: "chain", startsAt: "2030-01-01T00:00:00Z" }] }, 0),
    ).toBeUndefined();
  });
});
