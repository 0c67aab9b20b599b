// The basket-level step (满减, 满折): in priority/id order, each on its matching lines' current nets.
import { allocateLargestRemainder, mulDivRoundHalfUp } from "../money.ts";
import type { LineIndex } from "./eligibility.ts";
import { applyDiscount } from "./line-state.ts";
import { DEFAULT_PRIORITY, type Promotion } from "./schema.ts";

export type BasketPromotion = Extract<Promotion, { kind: "threshold" | "threshold_percent" }>;

function compareByPriorityThenId(
  a: { promo: Promotion; priority: number },
  b: { promo: Promotion; priority: number },
): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.promo.id < b.promo.id ? -1 : a.promo.id > b.promo.id ? 1 : 0;
}

function thresholdDiscount(p: BasketPromotion, e: number): number {
  if (e < p.min) return 0;
  let d: number;
  if (p.kind === "threshold_percent") {
    d = mulDivRoundHalfUp(e, p.percent, 100);
  } else {
    // If off * times is past 2^53 the double is too, and the min() below still picks E exactly.
    d = p.repeat ? p.off * Math.floor(e / p.min) : p.off;
    if (p.cap !== undefined) d = Math.min(d, p.cap);
  }
  return Math.min(d, e);
}

export function applyBasketLevel(promos: BasketPromotion[], index: LineIndex, applied: string[]): void {
  const ordered = promos
    .map((promo) => ({ promo, priority: promo.priority ?? DEFAULT_PRIORITY }))
    .sort(compareByPriorityThenId);
  for (const { promo } of ordered) {
    const matching = index.matching(promo);
    let e = 0;
    for (const s of matching) e += s.net;
    const discount = thresholdDiscount(promo, e);
    if (discount <= 0) continue;
    // Pro rata by current net, largest remainder, ties to the earlier line.
    const shares = allocateLargestRemainder(
      discount,
      matching.map((s) => s.net),
    );
    for (let i = 0; i < matching.length; i++) applyDiscount(matching[i]!, promo.id, shares[i]!);
    applied.push(promo.id);
  }
}
