import { describe, expect, test } from "bun:test";
import { saleBasket } from "./basket.ts";
import { BasketRequestSchema } from "./schema.ts";

const line = {
  lineId: "1",
  sku: "S1",
  name: "可口可乐",
  category: "1001",
  unitPrice: 350,
  qty: 2,
  weighed: false,
  taxRate: 13 as const,
  priceVersion: 4,
  override: { catalogPrice: 400, supervisorId: "9001", reason: "damaged" },
};

describe("saleBasket: the one line -> basket mapping of the till and HQ's audit", () => {
  test("takes only what the engine prices, drops the approval of an adjustment", () => {
    const b = saleBasket({
      at: "2026-11-25T02:00:00.000Z",
      storeId: "S001",
      member: { id: "M1", tier: "gold", phone: "13800138000" } as { id: string; tier: string },
      coupons: ["C1"],
      lines: [line],
      adjustment: { rounding: "jiao", approvedBy: "9001" } as never,
    });
    expect(b).toEqual({
      adjustment: { rounding: "jiao" },
      at: "2026-11-25T02:00:00.000Z",
      storeId: "S001",
      member: { id: "M1", tier: "gold" },
      coupons: ["C1"],
      lines: [
        { lineId: "1", sku: "S1", category: "1001", unitPrice: 350, qty: 2, weighed: false, taxRate: 13 },
      ],
    });
    // What it builds is a basket the engine's schema accepts (strict: no extra fields).
    expect(BasketRequestSchema.safeParse(b).success).toBe(true);
  });

  test("HQ re-prices at its own unit price per line; no member or adjustment: none in the basket", () => {
    const b = saleBasket({
      at: "2026-11-25T02:00:00.000Z",
      storeId: "S001",
      coupons: [],
      lines: [line, { ...line, lineId: "2" }],
      unitPrice: (l, i) => (i === 0 ? 400 : l.unitPrice),
    });
    expect(b.lines.map((l) => l.unitPrice)).toEqual([400, 350]);
    expect("member" in b || "adjustment" in b).toBe(false);
  });
});
