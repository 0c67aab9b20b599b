// The till's coupon rules: which coupon a cashier may add (and why not, in a reason the
// terminal words in zh-CN), what the engine sees (the bound promotion's gate, through
// protocol's couponActivations, the same call HQ's price audit makes), and which coupons a
// sale really spends. Pure over the store's look-up; lanes.ts calls it with a few lines.
import {
  type Cart,
  type Coupon,
  type CouponRefusalReason,
  couponActivations,
  couponRefusal,
  type PriceResult,
  type Promotion,
} from "@retail/protocol";
import { EdgeError } from "../errors.ts";

export interface CouponBook {
  coupons: ReadonlyMap<string, Coupon>;
  promotions: ReadonlyMap<string, Promotion>;
}

/** Every refusal is a 404/409 naming the field `coupon` and a `reason` the terminal words. */
export type CouponReason = CouponRefusalReason | "same_promotion";

const WORDS: Record<CouponReason, string> = {
  unknown: "no such coupon",
  void: "the coupon was cancelled by HQ",
  expired: "the coupon has expired",
  spent: "the coupon has already been used",
  member: "the coupon belongs to another member (or needs the member signed in)",
  not_qualified: "the basket does not qualify for the coupon's promotion",
  same_promotion: "a coupon for the same promotion is already in the cart",
};

export function couponRefused(code: string, reason: CouponReason, extra = ""): EdgeError {
  return new EdgeError(
    reason === "unknown" ? "not_found" : "conflict",
    "coupon",
    `coupon ${code}: ${WORDS[reason]}${extra ? ` (${extra})` : ""}`,
    reason,
  );
}

/** Throws why `code` cannot be added before pricing (unknown, void, spent, expired, member). */
export function requireUsable(
  book: CouponBook,
  cart: Cart,
  code: string,
  ctx: { nowMs: number; spentHere: boolean },
): Coupon {
  const coupon = book.coupons.get(code);
  const reason = couponRefusal(coupon, { ...ctx, ...(cart.member ? { memberId: cart.member.id } : {}) });
  if (reason === "expired") throw couponRefused(code, reason, `valid until ${coupon!.validUntil}`);
  if (reason) throw couponRefused(code, reason);
  const c = coupon!;
  for (const other of cart.coupons)
    if (book.coupons.get(other)?.promotionId === c.promotionId) throw couponRefused(code, "same_promotion");
  return c;
}

/** The cart as the engine must see it: the presented codes become their promotions' gates. */
export function pricingCart(book: CouponBook, cart: Cart): Cart {
  if (cart.coupons.length === 0) return cart;
  return { ...cart, coupons: couponActivations(cart.coupons, bindingOf(book)) };
}

export function bindingOf(book: CouponBook) {
  return {
    coupon: (code: string) => book.coupons.get(code),
    gate: (id: string) => book.promotions.get(id)?.couponCode,
  };
}

/** Whether a coupon's promotion gave something in this pricing. */
export function qualifies(coupon: Coupon, priced: PriceResult): boolean {
  return priced.applied.includes(coupon.promotionId);
}

/**
 * The coupons a sale spends: those whose promotion applied. A coupon left in the cart after
 * the lines it needed were voided gave nothing, and stays the customer's.
 */
export function spentCoupons(book: CouponBook, cart: Cart, priced: PriceResult): string[] {
  return cart.coupons.filter((code) => {
    const c = book.coupons.get(code);
    return c !== undefined && qualifies(c, priced);
  });
}

/** The codes of a sale that are one-time (marked spent at this store at once). */
export function oneTime(book: CouponBook, codes: readonly string[]): string[] {
  return codes.filter((code) => !book.coupons.get(code)?.multiUse);
}
