// The one mapping from sale lines to the engine's basket. The till prices its cart with it and
// HQ's audit re-prices a received sale with it: "one engine prices at the till and audits at HQ"
// holds only while both hand the engine the same basket for the same lines.
import type { BasketRequest, OrderAdjustment, PriceLine } from "./schema.ts";

/** What the engine reads of a cart line or a sale line (both carry more). */
export type BasketLineSource = Pick<
  PriceLine,
  "lineId" | "sku" | "category" | "unitPrice" | "qty" | "weighed" | "taxRate"
>;

/** A line as the engine's basket line; `unitPrice` replaces the line's own (HQ's listed price). */
export function basketLine(l: BasketLineSource, unitPrice: number = l.unitPrice): PriceLine {
  return {
    lineId: l.lineId,
    sku: l.sku,
    category: l.category,
    unitPrice,
    qty: l.qty,
    weighed: l.weighed,
    taxRate: l.taxRate,
  };
}

export interface BasketInput {
  at: string;
  storeId: string;
  member?: { id: string; tier: string } | undefined;
  coupons: readonly string[];
  lines: readonly BasketLineSource[];
  /** The order adjustment as entered (its approval and anything else on it are not priced). */
  adjustment?: Partial<OrderAdjustment> | undefined;
  /** The unit price each line is priced at (default: the line's own). */
  unitPrice?: (line: BasketLineSource, index: number) => number;
}

/** The basket the engine prices (everything but the promotions). */
export function saleBasket(b: BasketInput): BasketRequest {
  const a = b.adjustment;
  const adjustment =
    a && (a.discount || a.rounding)
      ? ({
          ...(a.discount ? { discount: a.discount } : {}),
          ...(a.rounding ? { rounding: a.rounding } : {}),
        } as OrderAdjustment)
      : undefined;
  return {
    ...(adjustment ? { adjustment } : {}),
    at: b.at,
    storeId: b.storeId,
    ...(b.member ? { member: { id: b.member.id, tier: b.member.tier } } : {}),
    coupons: [...b.coupons],
    lines: b.lines.map((l, i) => basketLine(l, b.unitPrice ? b.unitPrice(l, i) : l.unitPrice)),
  };
}
