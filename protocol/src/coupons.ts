// Coupons as the pricing engine sees them, pure. A coupon record (CouponV1) binds a code to a
// promotion; the promotion is gated by its own `couponCode` (PRICING.md: active only if
// presented). Presenting a coupon therefore activates its bound promotion by putting that
// promotion's couponCode into the request's `coupons`. The till and HQ's price audit both call
// couponActivations, so they price the same basket the same way.
import type { Coupon } from "./catalog.ts";

export interface CouponBinding {
  /** The coupon record of a code, if any. */
  coupon: (code: string) => Pick<Coupon, "promotionId"> | undefined;
  /** The couponCode of a promotion, if the promotion exists and is coupon-gated. */
  gate: (promotionId: string) => string | undefined;
}

/**
 * The codes to put in PriceRequest.coupons for the codes a customer presented: each presented
 * code with a record contributes its bound promotion's couponCode (in presentation order, once).
 * A code without a record activates nothing.
 */
export function couponActivations(presented: readonly string[], b: CouponBinding): string[] {
  const out: string[] = [];
  for (const code of presented) {
    const c = b.coupon(code);
    const gate = c ? b.gate(c.promotionId) : undefined;
    if (gate !== undefined && !out.includes(gate)) out.push(gate);
  }
  return out;
}

export type CouponRefusalReason = "unknown" | "void" | "expired" | "spent" | "member" | "not_qualified";

/**
 * Why a presented coupon cannot be taken, before pricing (undefined: it can be tried against
 * the basket). `spentHere` is the store's own record of a redemption (kept apart from HQ's).
 */
export function couponRefusal(
  coupon: Coupon | undefined,
  ctx: { nowMs: number; memberId?: string; spentHere: boolean },
): CouponRefusalReason | undefined {
  if (!coupon) return "unknown";
  if (coupon.status === "void") return "void";
  if (!coupon.multiUse && (coupon.status === "redeemed" || ctx.spentHere)) return "spent";
  if (coupon.validUntil && Date.parse(coupon.validUntil) <= ctx.nowMs) return "expired";
  if (coupon.memberId && coupon.memberId !== ctx.memberId) return "member";
  return undefined;
}
