// Which days a SKU was (or will be) on promotion at a store, pure: from the catalog's
// promotions (protocol's PromotionV1 shape). An item promotion counts when it names the SKU or
// one of its categories, includes the store (or names no stores) and overlaps the China
// business day. Basket-wide offers (no SKU or category), member prices and coupon-only offers
// do not lift the shelf's demand the same way and are left out.

const DAY_MS = 86_400_000;
const CHINA_MS = 8 * 3_600_000;

export interface PromotionLike {
  kind: string;
  skus?: readonly string[];
  categories?: readonly string[];
  stores?: readonly string[];
  startsAt?: string;
  endsAt?: string;
  couponCode?: string;
}

export function promoDays(
  promotions: readonly PromotionLike[],
  storeId: string,
  sku: string,
  categoryPath: readonly string[],
  fromDay: number,
  days: number,
): boolean[] {
  const out = new Array<boolean>(Math.max(0, days)).fill(false);
  for (const p of promotions) {
    if (p.kind === "member_price" || p.couponCode !== undefined) continue;
    const item = p.skus?.includes(sku) || p.categories?.some((c) => categoryPath.includes(c));
    if (!item) continue;
    if (p.stores && !p.stores.includes(storeId)) continue;
    const start = p.startsAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(p.startsAt);
    const end = p.endsAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(p.endsAt);
    if (Number.isNaN(start) || Number.isNaN(end)) continue;
    for (let i = 0; i < out.length; i++) {
      const dayStart = (fromDay + i) * DAY_MS - CHINA_MS;
      if (start < dayStart + DAY_MS && end > dayStart) out[i] = true;
    }
  }
  return out;
}
