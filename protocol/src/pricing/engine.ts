// priceBasket: the one pure function that prices a basket, exactly as shared/design/PRICING.md
// says. The edge charges with it and HQ audits every receipt with it, so every step here is
// deterministic integer arithmetic on fen.
//
// The steps, one file each: parse.ts (validation), checked-promotions.ts (promotions validated
// once per catalog), eligibility.ts (active promotions, matching lines), item-kinds.ts and
// item-level.ts (item-level promotions), basket-level.ts (thresholds), order-adjustment.ts
// (the manual adjustment); tax is the last step, below.
import { mulDivRoundHalfUp } from "../money.ts";
import { applyBasketLevel, type BasketPromotion } from "./basket-level.ts";
import { type CheckedPromotions, promotionsFor } from "./checked-promotions.ts";
import { isPromotionActive, LineIndex } from "./eligibility.ts";
import type { Candidate } from "./item-kinds.ts";
import { applyItemLevel } from "./item-level.ts";
import type { LineState } from "./line-state.ts";
import { applyOrderAdjustment } from "./order-adjustment.ts";
import { compiledBasketSchema, parsePriceRequest, pricingError } from "./parse.ts";
import {
  type BasketRequest,
  DEFAULT_PRIORITY,
  instantMs,
  lineGross,
  type PricedLine,
  type PriceRequest,
  type PriceResult,
} from "./schema.ts";

export { type CheckedPromotions, checkPromotions } from "./checked-promotions.ts";
export { isPromotionActive, promotionMatches } from "./eligibility.ts";
export { parsePriceRequest } from "./parse.ts";

/**
 * priceBasket for a basket whose promotions were checked once (checkPromotions): validates the
 * basket only, and looks only at the promotions that can touch its lines. Same result as
 * priceBasket({ ...basket, promotions: promotions.list }). Validating 300 promotions per basket
 * cost 20 times the pricing of a 60-line basket (pricing.bench.ts); walking all 300 for a
 * 5-line basket, ten times its pricing.
 */
export function priceBasketChecked(basket: BasketRequest, promotions: CheckedPromotions): PriceResult {
  const r = compiledBasketSchema.safeParse(basket);
  if (!r.success) throw pricingError(r.error, []);
  return priceParsed({ ...r.data, promotions: promotionsFor(promotions, r.data.lines) });
}

/**
 * Prices a basket per PRICING.md. Validates first (PricingError naming the field on bad input),
 * then item-level promotions greedily, then basket-level ones in priority/id order, then tax.
 */
export function priceBasket(request: PriceRequest): PriceResult {
  return priceParsed(parsePriceRequest(request));
}

// Not exported: pricing input that has not been through parsePriceRequest would break the
// contract's promise never to price garbage.
function priceParsed(req: PriceRequest): PriceResult {
  const atMs = instantMs(req.at);

  const states: LineState[] = req.lines.map((line, index) => {
    const weighed = line.weighed === true;
    const gross = lineGross(line);
    return {
      line,
      index,
      weighed,
      gross,
      unitPrice: weighed ? gross : line.unitPrice,
      free: weighed ? 1 : line.qty,
      net: gross,
      discounts: [],
    };
  });

  const index = new LineIndex(states);
  const candidates: Candidate[] = [];
  const basket: BasketPromotion[] = [];
  for (const promo of req.promotions) {
    if (!isPromotionActive(promo, req, atMs)) continue;
    if (promo.kind === "threshold" || promo.kind === "threshold_percent") {
      basket.push(promo);
      continue;
    }
    const unitOnly = promo.kind === "multi_buy" || promo.kind === "buy_x_get_y";
    let lines = index.matching(promo);
    if (unitOnly) lines = lines.filter((s) => !s.weighed);
    if (lines.length === 0) continue;
    // multi_buy / buy_x_get_y order: price desc, ties earlier line. A line's units are equal,
    // so sorting lines sorts units.
    if (unitOnly) lines.sort((a, b) => b.unitPrice - a.unitPrice || a.index - b.index);
    candidates.push({ promo, priority: promo.priority ?? DEFAULT_PRIORITY, lines, eval: null });
  }

  const applied: string[] = [];
  applyItemLevel(candidates, states, applied);
  applyBasketLevel(basket, index, applied);
  // The manual adjustment is not a promotion: its discounts name it, `applied` does not.
  if (req.adjustment) applyOrderAdjustment(req.adjustment, states);

  const totals = { gross: 0, discount: 0, net: 0, tax: 0 };
  const lines: PricedLine[] = states.map((s) => {
    // Shelf prices include tax: the tax inside net is net * rate / (100 + rate).
    const tax = mulDivRoundHalfUp(s.net, s.line.taxRate, 100 + s.line.taxRate);
    totals.gross += s.gross;
    totals.discount += s.gross - s.net;
    totals.net += s.net;
    totals.tax += tax;
    return { lineId: s.line.lineId, gross: s.gross, discounts: s.discounts, net: s.net, tax };
  });
  return { lines, totals, applied };
}
