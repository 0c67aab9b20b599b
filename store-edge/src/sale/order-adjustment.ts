// 整单折扣 and 抹零 on the lane's cart: who may apply them, and keeping them honest as the
// basket changes. The engine prices them (protocol pricing/order-adjustment.ts); this module
// only decides whether the cart may carry one.
import type { Cart, Cashier, OrderAdjustment } from "@retail/protocol";
import { conflict } from "../errors.ts";

export type CartAdjustment = NonNullable<Cart["adjustment"]>;

/** Roles that may adjust an order without a supervisor's PIN (they are the supervisor). */
const ROLES_THAT_ADJUST: ReadonlySet<Cashier["role"]> = new Set(["supervisor", "manager"]);

export function roleMayAdjust(role: string | undefined): boolean {
  return role !== undefined && ROLES_THAT_ADJUST.has(role as Cashier["role"]);
}

/** The cart with the adjustment set (replacing any earlier one), approved by `approvedBy`. */
export function setAdjustment(cart: Cart, adjustment: OrderAdjustment, approvedBy: string): Cart {
  if (cart.return) throw conflict("adjustment", "a return has no order discount");
  if (cart.lines.length === 0) throw conflict("adjustment", "the cart is empty");
  if (cart.tenders.length > 0)
    throw conflict("tenders", "payment has started: void the tenders before changing the basket");
  return { ...cart, adjustment: { ...adjustment, approvedBy } };
}

export function clearAdjustment(cart: Cart): Cart {
  if (cart.tenders.length > 0)
    throw conflict("tenders", "payment has started: void the tenders before changing the basket");
  const { adjustment: _gone, ...rest } = cart;
  return rest;
}

/**
 * An adjustment was approved for one basket: when its lines, member or coupons change, it is
 * dropped (a fixed ¥ off could otherwise outgrow a smaller basket, and an approval of 10% off
 * ¥50 is not one for ¥500). The cashier applies it again.
 */
export function keepAdjustment(prev: Cart, next: Cart): Cart {
  if (!next.adjustment) return next;
  if (prev.lines === next.lines && prev.member === next.member && prev.coupons === next.coupons) return next;
  const { adjustment: _stale, ...rest } = next;
  return rest;
}

/** What the engine reads of the cart's adjustment (the approval stays on the sale). */
export function pricingAdjustment(cart: Cart): OrderAdjustment | undefined {
  if (!cart.adjustment || cart.return) return undefined;
  const { approvedBy: _by, ...adjustment } = cart.adjustment;
  return adjustment;
}
