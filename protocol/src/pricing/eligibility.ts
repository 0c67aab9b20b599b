// Which promotions are active for a request (PRICING.md's filter) and which lines each matches.
import type { LineState } from "./line-state.ts";
import { instantMs, type PriceLine, type PriceRequest, type Promotion } from "./schema.ts";

/** The activity filter of PRICING.md: store, window [startsAt, endsAt), coupon, member tier. */
export function isPromotionActive(p: Promotion, req: PriceRequest, atMs = instantMs(req.at)): boolean {
  if (p.stores && !p.stores.includes(req.storeId)) return false;
  if (p.startsAt !== undefined && !(instantMs(p.startsAt) <= atMs)) return false;
  if (p.endsAt !== undefined && !(atMs < instantMs(p.endsAt))) return false;
  if (p.couponCode !== undefined && !req.coupons?.includes(p.couponCode)) return false;
  if (p.kind === "member_price") {
    if (!req.member) return false;
    if (p.tiers && !p.tiers.includes(req.member.tier)) return false;
  }
  return true;
}

/** Neither list: every item matches; both: either matches. */
export function promotionMatches(p: Promotion, line: Pick<PriceLine, "sku" | "category">): boolean {
  if (!p.skus && !p.categories) return true;
  return (p.skus?.includes(line.sku) ?? false) || (p.categories?.includes(line.category) ?? false);
}

/**
 * Finds a promotion's matching lines through sku and category maps, so the cost follows the
 * promotion's lists rather than lines x list length. Same answer as promotionMatches, in
 * request order.
 */
export class LineIndex {
  private readonly bySku = new Map<string, LineState[]>();
  private readonly byCategory = new Map<string, LineState[]>();
  private readonly seen: Int32Array;
  private generation = 0;

  constructor(private readonly states: readonly LineState[]) {
    this.seen = new Int32Array(states.length);
    for (const s of states) {
      LineIndex.push(this.bySku, s.line.sku, s);
      LineIndex.push(this.byCategory, s.line.category, s);
    }
  }

  private static push(map: Map<string, LineState[]>, key: string, s: LineState): void {
    const list = map.get(key);
    if (list) list.push(s);
    else map.set(key, [s]);
  }

  matching(p: Promotion): LineState[] {
    if (!p.skus && !p.categories) return this.states.slice();
    const gen = ++this.generation;
    const out: LineState[] = [];
    const add = (list: LineState[] | undefined) => {
      if (!list) return;
      for (const s of list) {
        if (this.seen[s.index] === gen) continue;
        this.seen[s.index] = gen;
        out.push(s);
      }
    };
    if (p.skus) for (const sku of p.skus) add(this.bySku.get(sku));
    if (p.categories) for (const c of p.categories) add(this.byCategory.get(c));
    if (out.length > 1) out.sort((a, b) => a.index - b.index);
    return out;
  }
}
