import { describe, expect, test } from "bun:test";
import { adjustmentRows, isAdjustmentShare } from "./order-adjust.ts";

describe("adjustmentRows", () => {
  test("sums each kind of share over the lines; promotions are left out", () => {
    const line = (discounts: { promotionId: string; amount: number }[]) => ({
      lineId: "l",
      gross: 1000,
      discounts,
      net: 0,
      tax: 0,
    });
    const priced = {
      lines: [
        line([
          { promotionId: "P1", amount: 100 },
          { promotionId: "@order-discount", amount: 60 },
          { promotionId: "@rounding", amount: 7 },
        ]),
        line([{ promotionId: "@order-discount", amount: 40 }]),
      ],
    };
    expect(adjustmentRows(priced)).toEqual([
      { key: "order-discount", label: "orderDiscount", amount: 100 },
      { key: "rounding", label: "rounding", amount: 7 },
    ]);
    expect(adjustmentRows({ lines: [line([{ promotionId: "P1", amount: 5 }])] })).toEqual([]);
    expect(adjustmentRows(undefined)).toEqual([]);
    expect(isAdjustmentShare("@rounding")).toBe(true);
    expect(isAdjustmentShare("P1")).toBe(false);
  });
});
