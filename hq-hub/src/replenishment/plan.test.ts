// The order-up-to rule and the till's view of an order, on plain data.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  type ReorderInputs,
  receivedBySku,
  roundUpToPack,
  statusAfterReceipts,
  suggestOrder,
  tillItems,
} from "./plan.ts";

const supplier = { id: "SUP-YILI", leadTimeDays: 3, packSize: 12, minOrderQty: 24, active: true };
const base: ReorderInputs = {
  sku: "100001",
  onHand: 10,
  onOrder: 0,
  reorderPoint: 20,
  soldUnits: 280,
  windowDays: 28,
  supplier,
  reviewDays: 7,
};

describe("suggestOrder", () => {
  test("below the reorder point: reorder point + demand over lead time and review, in packs", () => {
    // 280 sold in 28 days = 10/day; cover 3 + 7 days = 100; target 120; position 10 -> need 110 -> 10 packs of 12.
    expect(suggestOrder(base)).toEqual({
      sku: "100001",
      order: true,
      qty: 120,
      supplierId: "SUP-YILI",
      targetLevel: 120,
      position: 10,
      demandOverCover: 100,
    });
  });

  test("what is already on order counts: above the reorder point nothing is suggested", () => {
    expect(suggestOrder({ ...base, onOrder: 11 })).toEqual({
      sku: "100001",
      order: false,
      reason: "above_reorder_point",
      position: 21,
    });
    const s = suggestOrder({ ...base, onOrder: 10 });
    expect(s.order && s.qty).toBe(108); // need 100 -> 9 packs
  });

  test("slow sellers get at least the supplier's minimum; demand is rounded up, never down", () => {
    const s = suggestOrder({ ...base, soldUnits: 1, onHand: 20 });
    // 1 unit in 28 days over 10 days -> ceil(10/28) = 1; target 21; need 1 -> minimum 24.
    expect(s).toMatchObject({ order: true, qty: 24, demandOverCover: 1, targetLevel: 21 });
  });

  test("at the reorder point with no sales the minimum is still ordered; returns above sales count as none", () => {
    expect(suggestOrder({ ...base, onHand: 20, soldUnits: -5 })).toMatchObject({ order: true, qty: 24 });
  });

  test("no supplier, or an inactive one: named, nothing ordered", () => {
    expect(suggestOrder({ ...base, supplier: undefined })).toMatchObject({
      order: false,
      reason: "no_supplier",
    });
    expect(suggestOrder({ ...base, supplier: { ...supplier, active: false } })).toMatchObject({
      order: false,
      reason: "supplier_inactive",
      supplierId: "SUP-YILI",
    });
  });

  test("property: a suggestion is whole packs, at least the minimum, and lifts the position above the reorder point", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 500 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: -100, max: 10_000 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 10 }),
        (onHand, onOrder, reorderPoint, soldUnits, windowDays, leadTimeDays, packSize, packs) => {
          const s = suggestOrder({
            sku: "1",
            onHand,
            onOrder,
            reorderPoint,
            soldUnits,
            windowDays,
            reviewDays: 7,
            supplier: { id: "S", leadTimeDays, packSize, minOrderQty: packSize * packs, active: true },
          });
          if (onHand + onOrder > reorderPoint) return !s.order;
          if (!s.order) return false;
          return (
            Number.isInteger(s.qty) &&
            s.qty % packSize === 0 &&
            s.qty >= packSize * packs &&
            onHand + onOrder + s.qty > reorderPoint &&
            onHand + onOrder + s.qty >= s.targetLevel
          );
        },
      ),
    );
  });
});

test("roundUpToPack", () => {
  expect(roundUpToPack(0, 12)).toBe(0);
  expect(roundUpToPack(1, 12)).toBe(12);
  expect(roundUpToPack(24, 12)).toBe(24);
  expect(roundUpToPack(25, 12)).toBe(36);
  expect(roundUpToPack(7, 1)).toBe(7);
});

describe("an order's receipts and the till's view of it", () => {
  const lines = [
    { sku: "A", qty: 24, received: 0 },
    { sku: "B", qty: 12, received: 0 },
  ];
  const order = { id: "PO-1", expectedAt: "2026-12-07T00:00:00.000Z" };

  test("received only when every line is; a partly received line stays on order for the rest", () => {
    expect(statusAfterReceipts("ordered", lines)).toBe("ordered");
    const part = [
      { sku: "A", qty: 24, received: 24 },
      { sku: "B", qty: 12, received: 5 },
    ];
    expect(statusAfterReceipts("ordered", part)).toBe("ordered");
    expect(tillItems({ ...order, status: "ordered", lines: part })).toEqual([
      { sku: "A", purchaseOrderId: "PO-1", status: "received", qty: 24 },
      { sku: "B", purchaseOrderId: "PO-1", status: "ordered", qty: 7, expectedAt: order.expectedAt },
    ]);
    expect(
      statusAfterReceipts("ordered", [
        { sku: "A", qty: 24, received: 30 },
        { sku: "B", qty: 12, received: 12 },
      ]),
    ).toBe("received");
    expect(statusAfterReceipts("cancelled", [{ sku: "A", qty: 1, received: 1 }])).toBe("cancelled");
  });

  test("draft is suggested; cancelled is none; closed short keeps what came", () => {
    expect(tillItems({ ...order, status: "draft", lines })[0]).toEqual({
      sku: "A",
      purchaseOrderId: "PO-1",
      status: "suggested",
      qty: 24,
    });
    expect(tillItems({ ...order, status: "cancelled", lines }).map((i) => i.status)).toEqual([
      "none",
      "none",
    ]);
    expect(
      tillItems({
        ...order,
        status: "closed",
        lines: [
          { sku: "A", qty: 24, received: 20 },
          { sku: "B", qty: 12, received: 0 },
        ],
      }),
    ).toEqual([
      { sku: "A", purchaseOrderId: "PO-1", status: "received", qty: 20 },
      { sku: "B", purchaseOrderId: "PO-1", status: "none" },
    ]);
  });

  test("receipts are summed per SKU; another store's receipt naming the order is not counted", () => {
    const r = receivedBySku(
      [
        { storeId: "S001", lines: [{ sku: "A", qty: 10 }] },
        {
          storeId: "S001",
          lines: [
            { sku: "A", qty: 4 },
            { sku: "C", qty: 1 },
          ],
        },
        { storeId: "S002", lines: [{ sku: "A", qty: 99 }] },
      ],
      "S001",
    );
    expect([...r.bySku]).toEqual([
      ["A", 14],
      ["C", 1],
    ]);
    expect(r.otherStore).toBe(1);
  });
});
