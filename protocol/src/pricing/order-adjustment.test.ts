// The manual order-level adjustment (整单折扣, 抹零): worked examples by hand, validation naming
// the field, and a property over random baskets.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { checkPromotions, priceBasket, priceBasketChecked } from "./engine.ts";
import { PricingError } from "./errors.ts";
import { NO_PRIOR_RETURNS, refundForReturn } from "./refund.ts";
import {
  ORDER_DISCOUNT_ID,
  type OrderAdjustment,
  type PriceLine,
  type PriceRequest,
  PriceResultSchema,
  type Promotion,
  ROUNDING_ID,
  ROUNDING_UNIT_FEN,
} from "./schema.ts";

const AT = "2025-06-15T10:00:00+08:00";
const line = (lineId: string, unitPrice: number, qty: number): PriceLine => ({
  lineId,
  sku: `sku-${lineId}`,
  category: "grocery",
  unitPrice,
  qty,
  taxRate: 13,
});

function price(lines: PriceLine[], adjustment?: OrderAdjustment, promotions: Promotion[] = []) {
  const r = priceBasket({ at: AT, storeId: "S1", lines, promotions, ...(adjustment ? { adjustment } : {}) });
  PriceResultSchema.parse(r);
  return r;
}

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PricingError);
    return (e as PricingError).field;
  }
  throw new Error("did not throw");
}

describe("order discount and 抹零", () => {
  test("an amount is shared pro rata by net, largest remainder, ties to the earlier line", () => {
    // nets 300, 100 (sum 400); 101 off: 75.75 -> 75, 25.25 -> 25, the spare fen to line a (.75).
    const r = price([line("a", 100, 3), line("b", 100, 1)], { discount: { amount: 101 } });
    expect(r.lines.map((l) => l.discounts)).toEqual([
      [{ promotionId: ORDER_DISCOUNT_ID, amount: 76 }],
      [{ promotionId: ORDER_DISCOUNT_ID, amount: 25 }],
    ]);
    expect(r.totals).toMatchObject({ gross: 400, discount: 101, net: 299 });
    expect(r.applied).toEqual([]);
  });

  test("basis points of the amount due after promotions, rounded half up", () => {
    // 10% off item a (2000 -> 1800), then 12.5% (1250 bp) of 1800 + 555 = 2355 -> 294.375 -> 294.
    const promo: Promotion = { id: "p10", kind: "percent_off", percent: 10, skus: ["sku-a"] };
    const r = price([line("a", 1000, 2), line("b", 555, 1)], { discount: { basisPoints: 1250 } }, [promo]);
    expect(r.totals.discount).toBe(200 + 294);
    expect(r.totals.net).toBe(2355 - 294);
    expect(r.lines[0]!.discounts[0]).toEqual({ promotionId: "p10", amount: 200 });
    expect(r.applied).toEqual(["p10"]);
  });

  test("抹零 to the jiao and to the yuan rounds the amount due down", () => {
    // 1234 + 567 = 1801 fen: to the jiao 1800 (1 off), to the yuan 1800 (1 off).
    expect(price([line("a", 1234, 1), line("b", 567, 1)], { rounding: "jiao" }).totals.net).toBe(1800);
    // 1299 + 567 = 1866: jiao -> 1860, yuan -> 1800; 66 shared 1299:567 -> 45.95/20.05 -> 46/20.
    expect(price([line("a", 1299, 1), line("b", 567, 1)], { rounding: "jiao" }).totals.net).toBe(1860);
    const y = price([line("a", 1299, 1), line("b", 567, 1)], { rounding: "yuan" });
    expect(y.totals.net).toBe(1800);
    expect(y.lines.map((l) => l.discounts)).toEqual([
      [{ promotionId: ROUNDING_ID, amount: 46 }],
      [{ promotionId: ROUNDING_ID, amount: 20 }],
    ]);
  });

  test("discount first, then 抹零 on what is left; an exact amount needs no rounding line", () => {
    const r = price([line("a", 1999, 1)], { discount: { amount: 150 }, rounding: "yuan" });
    // 1999 - 150 = 1849 -> 1800.
    expect(r.lines[0]!.discounts).toEqual([
      { promotionId: ORDER_DISCOUNT_ID, amount: 150 },
      { promotionId: ROUNDING_ID, amount: 49 },
    ]);
    expect(price([line("a", 1000, 1)], { rounding: "yuan" }).lines[0]!.discounts).toEqual([]);
  });

  test("a return of part of a line refunds its share of the adjustment too", () => {
    // 3 x 333 = 999, 抹零 to the yuan -> 900: returning all 3 refunds 900, one refunds 300.
    const r = price([line("a", 333, 3)], { rounding: "yuan" });
    expect(r.lines[0]!.net).toBe(900);
    expect(refundForReturn({ net: 900, tax: r.lines[0]!.tax, qty: 3 }, NO_PRIOR_RETURNS, 1).net).toBe(300);
  });

  test("the checked path prices the same adjustment", () => {
    const lines = [line("a", 1299, 2), line("b", 567, 3)];
    const adjustment: OrderAdjustment = { discount: { basisPoints: 500 }, rounding: "jiao" };
    expect(priceBasketChecked({ at: AT, storeId: "S1", lines, adjustment }, checkPromotions([]))).toEqual(
      price(lines, adjustment),
    );
  });

  test("invalid adjustments name the field", () => {
    const lines = [line("a", 1000, 1)];
    const bad = (adjustment: unknown) =>
      fieldOf(() =>
        priceBasket({ at: AT, storeId: "S1", lines, promotions: [], adjustment } as PriceRequest),
      );
    expect(bad({ discount: { amount: -5 } })).toBe("adjustment.discount.amount");
    expect(bad({ discount: { amount: 1.5 } })).toBe("adjustment.discount.amount");
    expect(bad({ discount: { amount: 1001 } })).toBe("adjustment.discount.amount");
    expect(bad({ discount: { basisPoints: 10001 } })).toBe("adjustment.discount.basisPoints");
    expect(bad({ discount: { amount: 5, basisPoints: 100 } })).toBe("adjustment.discount.amount");
    expect(bad({ rounding: "fen" })).toBe("adjustment.rounding");
    expect(bad({ rounding: "yuan", extra: 1 })).toBe("adjustment.extra");
    expect(bad({})).toBe("adjustment.discount");
    // A promotion may not pose as the adjustment.
    expect(
      fieldOf(() => price(lines, undefined, [{ id: ROUNDING_ID, kind: "percent_off", percent: 5 }])),
    ).toBe("promotions[0].id");
  });
});

describe("order adjustment property", () => {
  const arbLine = fc.record({
    unitPrice: fc.integer({ min: 0, max: 100_000 }),
    qty: fc.integer({ min: 1, max: 20 }),
  });
  test("total falls by the discount, shares add up, no line negative, 抹零 lands on the unit", () => {
    fc.assert(
      fc.property(
        fc.array(arbLine, { minLength: 1, maxLength: 8 }),
        fc.option(
          fc.oneof(
            fc.nat({ max: 3_000_000 }),
            fc.integer({ min: 1, max: 10000 }).map((b) => -b),
          ),
        ),
        fc.option(fc.constantFrom("jiao" as const, "yuan" as const)),
        fc.option(fc.integer({ min: 1, max: 50 })),
        (raw, disc, rounding, percent) => {
          const lines = raw.map((l, i) => line(`l${i}`, l.unitPrice, l.qty));
          const promotions: Promotion[] = percent ? [{ id: "p", kind: "percent_off", percent }] : [];
          const before = price(lines, undefined, promotions);
          const due = before.totals.net;
          // Negative draws stand for basis points; amounts are clamped to the amount due.
          const discount =
            disc === null
              ? undefined
              : disc < 0
                ? { basisPoints: -disc }
                : due === 0
                  ? undefined
                  : { amount: Math.min(Math.max(1, disc), due) };
          if (discount === undefined && rounding === null) return;
          const adjustment: OrderAdjustment = {
            ...(discount ? { discount } : {}),
            ...(rounding ? { rounding } : {}),
          };
          const after = price(lines, adjustment, promotions);
          const taken = (id: string) =>
            after.lines.reduce(
              (a, l) => a + l.discounts.filter((d) => d.promotionId === id).reduce((x, d) => x + d.amount, 0),
              0,
            );
          const d = taken(ORDER_DISCOUNT_ID);
          const r = taken(ROUNDING_ID);
          if (discount?.amount !== undefined) expect(d).toBe(discount.amount);
          if (discount?.basisPoints !== undefined)
            expect(d).toBe(Math.floor((due * discount.basisPoints * 2 + 10000) / 20000));
          expect(after.totals.net).toBe(due - d - r);
          expect(after.totals.discount).toBe(before.totals.discount + d + r);
          for (const l of after.lines) expect(l.net).toBeGreaterThanOrEqual(0);
          if (rounding) {
            const unit = ROUNDING_UNIT_FEN[rounding];
            expect(after.totals.net % unit).toBe(0);
            expect(due - d - after.totals.net).toBeLessThan(unit);
          } else expect(r).toBe(0);
          // Promotions are untouched: the same lines carry the same promotion discounts first.
          after.lines.forEach((l, i) => {
            const promos = before.lines[i]!.discounts;
            expect(l.discounts.slice(0, promos.length)).toEqual(promos);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
