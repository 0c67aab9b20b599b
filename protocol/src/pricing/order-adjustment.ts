// The manual order-level adjustment (整单折扣, 抹零), the last step of priceBasket: after every
// promotion, on the basket's current nets. Each is shared over the lines pro rata by current
// net by largest remainder (ties: earlier line), like a basket-level promotion, so a return
// refunds exactly what the customer paid for those units.
import { allocateLargestRemainder, mulDivRoundHalfUp } from "../money.ts";
import { PricingError } from "./errors.ts";
import {
  type LineDiscount,
  ORDER_DISCOUNT_ID,
  type OrderAdjustment,
  ROUNDING_ID,
  ROUNDING_UNIT_FEN,
} from "./schema.ts";

/** What the adjustment changes on a line: its net, and one discount entry per step. */
export interface AdjustableLine {
  net: number;
  readonly discounts: LineDiscount[];
}

/** The order discount in fen for amount due `due` (basis points round half up). */
export function orderDiscountFen(discount: NonNullable<OrderAdjustment["discount"]>, due: number): number {
  if (discount.amount !== undefined) {
    if (discount.amount > due)
      throw new PricingError(
        "adjustment.discount.amount",
        `must not exceed the amount due after promotions (${due} fen)`,
      );
    return discount.amount;
  }
  return mulDivRoundHalfUp(due, discount.basisPoints!, 10000);
}

/** 抹零: what comes off `due` so it is a multiple of the unit (less than one unit). */
export function roundingFen(rounding: NonNullable<OrderAdjustment["rounding"]>, due: number): number {
  return due % ROUNDING_UNIT_FEN[rounding];
}

function share(lines: AdjustableLine[], id: string, amount: number): void {
  if (amount <= 0) return;
  const shares = allocateLargestRemainder(
    amount,
    lines.map((l) => l.net),
  );
  lines.forEach((l, i) => {
    const a = shares[i]!;
    if (a <= 0) return;
    l.net -= a;
    l.discounts.push({ promotionId: id, amount: a });
  });
}

/**
 * Applies the adjustment to the lines in place: the discount first, then 抹零 on what is left.
 * Throws PricingError naming adjustment.discount.amount when the discount exceeds the amount due.
 */
export function applyOrderAdjustment(adjustment: OrderAdjustment, lines: AdjustableLine[]): void {
  let due = 0;
  for (const l of lines) due += l.net;
  if (adjustment.discount) {
    const d = orderDiscountFen(adjustment.discount, due);
    share(lines, ORDER_DISCOUNT_ID, d);
    due -= d;
  }
  if (adjustment.rounding) share(lines, ROUNDING_ID, roundingFen(adjustment.rounding, due));
}

/** Whether a line discount is a share of the order adjustment rather than a promotion's. */
export function isAdjustmentDiscount(promotionId: string): boolean {
  return promotionId === ORDER_DISCOUNT_ID || promotionId === ROUNDING_ID;
}
