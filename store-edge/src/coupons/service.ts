// Coupons on the lane's cart: one is taken only if it gives its promotion's discount now, else
// the till is told why (coupons.ts has the rules; HQ's record and the store's own spent list
// say whether it is still good).
import type { LaneView } from "@retail/protocol";
import { eq } from "drizzle-orm";
import { couponRedemptions } from "../db/schema.ts";
import type { Lanes } from "../lanes/lanes.ts";
import { addCoupon, removeCoupon } from "../sale/cart.ts";
import { couponRefused, qualifies, requireUsable } from "./coupons.ts";

export class CartCoupons {
  constructor(private readonly lanes: Lanes) {}

  /** Adds a coupon only if it gives its promotion's discount now; else says why. */
  add(laneId: string, code: string): LaneView {
    const rt = this.lanes.lane(laneId);
    const spentHere = !!this.lanes.d.db.d
      .select({ saleId: couponRedemptions.saleId })
      .from(couponRedemptions)
      .where(eq(couponRedemptions.code, code))
      .get();
    const coupon = requireUsable(this.lanes.lookup, rt.cart, code, {
      nowMs: this.lanes.d.clock.now(),
      spentHere,
    });
    if (!qualifies(coupon, this.lanes.priceOf(addCoupon(rt.cart, code), this.lanes.now().iso)))
      throw couponRefused(code, "not_qualified", `promotion ${coupon.promotionId}`);
    return this.lanes.mutate(rt, "edit", (c) => addCoupon(c, code));
  }

  remove(laneId: string, code: string): LaneView {
    return this.lanes.mutate(this.lanes.lane(laneId), "edit", (c) => removeCoupon(c, code));
  }
}
