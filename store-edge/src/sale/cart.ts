// The cart as plain data and the pure operations on it. Every operation returns a new cart
// (the lane persists it before answering), and pricing is one call to protocol's engine
// (priceBasketChecked against the store's promotions, checked once per promotion set; priceBasket
// for a list made up on the spot) over the cart's lines, so the edge charges exactly what HQ's
// audit recomputes.
import {
  type BasketRequest,
  type Cart,
  type CartLine,
  type CartMember,
  type CheckedPromotions,
  lineGross,
  MONEY_CAPS,
  type PriceResult,
  type Promotion,
  priceBasket,
  priceBasketChecked,
  roundHalfUp,
  type SaleCompleted,
  type SaleLine,
  saleBasket,
} from "@retail/protocol";
import { conflict, invalid, notFound } from "../errors.ts";
import { pricingAdjustment } from "./order-adjustment.ts";

export type TaxRate = SaleLine["taxRate"];

/**
 * The weight a price label of a weighed item stands for: the grams whose shelf charge at the
 * till's per-kg price is exactly the label's amount, nearest to amount / per-kg. Selling those
 * grams charges what the label says and moves the stock ledger by weight, not by "1". None
 * when the scale priced at another per-kg price than the till (a markdown label, a scale not
 * yet updated): the label's amount is then sold as one unit, as printed.
 */
export function gramsForLabelPrice(priceFen: number, perKgFen: number): number | undefined {
  if (!(priceFen > 0 && perKgFen > 0)) return undefined;
  const estimate = roundHalfUp(priceFen * 1000, perKgFen);
  // Each gram moves the charge by perKg/1000 fen, so a match lies within 500/perKg grams.
  const reach = Math.min(1000, Math.ceil(500 / perKgFen) + 1);
  for (let d = 0; d <= reach; d++) {
    for (const g of d === 0 ? [estimate] : [estimate - d, estimate + d]) {
      if (g >= 1 && lineGross({ weighed: true, qty: g, unitPrice: perKgFen }) === priceFen) return g;
    }
  }
  return undefined;
}

// The cart's shapes are the lane API's, shared with the terminal through protocol.
export type { Cart, CartLine, CartMember, ReturnDraft } from "@retail/protocol";

export function emptyCart(cartId: string, startedAt: string): Cart {
  return { cartId, startedAt, nextLine: 1, lines: [], coupons: [], tenders: [] };
}

function requireNoTenders(cart: Cart): void {
  if (cart.tenders.length > 0)
    throw conflict("tenders", "payment has started: void the tenders before changing the basket");
}

function findLine(cart: Cart, lineId: string): CartLine {
  const line = cart.lines.find((l) => l.lineId === lineId);
  if (!line) throw notFound("lineId", `no line ${lineId} in the cart`);
  return line;
}

export type NewLine = Omit<CartLine, "lineId">;

/**
 * The protocol's money caps (protocol/src/money-caps.ts), checked as the basket is built: HQ
 * refuses a sale above them, so the till says so before any payment is taken rather than at
 * completion. Gross before discounts bounds every amount of the sale.
 */
function checkCaps(cart: Cart, lineId: string): Cart {
  let total = 0;
  for (const l of cart.lines) {
    const mine = l.lineId === lineId;
    if (l.qty > MONEY_CAPS.qty) throw invalid("qty", `must be at most ${MONEY_CAPS.qty}`);
    if (l.unitPrice > MONEY_CAPS.unitPriceFen)
      throw invalid("unitPrice", `must be at most ${MONEY_CAPS.unitPriceFen} fen`);
    const gross = lineGross(l);
    if (mine && gross > MONEY_CAPS.lineFen)
      throw invalid("qty", `a line may come to at most ${MONEY_CAPS.lineFen} fen; this one is ${gross}`);
    total += gross;
  }
  if (total > MONEY_CAPS.saleFen)
    throw invalid("qty", `a sale may come to at most ${MONEY_CAPS.saleFen} fen; this one would be ${total}`);
  return cart;
}

/**
 * Adds a line. A unit item already in the cart at the same price just gets its qty raised, so
 * scanning six cans gives one line of 6 (weighed items and overrides always get their own).
 */
export function addLine(cart: Cart, line: NewLine): { cart: Cart; lineId: string } {
  requireNoTenders(cart);
  if (!Number.isSafeInteger(line.qty) || line.qty < 1)
    throw invalid("qty", "must be a positive whole number");
  if (!Number.isSafeInteger(line.unitPrice) || line.unitPrice < 0)
    throw invalid("unitPrice", "must be whole fen, not negative");
  if (!line.weighed) {
    const same = cart.lines.find(
      (l) => !l.weighed && !l.override && l.sku === line.sku && l.unitPrice === line.unitPrice,
    );
    if (same) {
      const next = {
        ...cart,
        lines: cart.lines.map((l) => (l === same ? { ...l, qty: l.qty + line.qty } : l)),
      };
      return { cart: checkCaps(next, same.lineId), lineId: same.lineId };
    }
  }
  const lineId = `l${cart.nextLine}`;
  const next = { ...cart, nextLine: cart.nextLine + 1, lines: [...cart.lines, { ...line, lineId }] };
  return { cart: checkCaps(next, lineId), lineId };
}

export function setQty(cart: Cart, lineId: string, qty: number): Cart {
  requireNoTenders(cart);
  const line = findLine(cart, lineId);
  if (line.weighed) throw conflict("qty", "a weighed line's quantity is its weight: void and weigh again");
  if (!Number.isSafeInteger(qty) || qty < 1 || qty > 9999)
    throw invalid("qty", "must be a whole number 1..9999");
  return checkCaps(
    { ...cart, lines: cart.lines.map((l) => (l.lineId === lineId ? { ...l, qty } : l)) },
    lineId,
  );
}

export function voidLine(cart: Cart, lineId: string): { cart: Cart; line: CartLine } {
  requireNoTenders(cart);
  const line = findLine(cart, lineId);
  return { cart: { ...cart, lines: cart.lines.filter((l) => l.lineId !== lineId) }, line };
}

export function overridePrice(
  cart: Cart,
  lineId: string,
  price: number,
  supervisorId: string,
  reason: string,
): { cart: Cart; line: CartLine } {
  requireNoTenders(cart);
  const line = findLine(cart, lineId);
  if (!Number.isSafeInteger(price) || price < 0) throw invalid("price", "must be whole fen, not negative");
  const catalogPrice = line.override?.catalogPrice ?? line.unitPrice;
  const next: CartLine = { ...line, unitPrice: price, override: { catalogPrice, supervisorId, reason } };
  const cartNext = { ...cart, lines: cart.lines.map((l) => (l.lineId === lineId ? next : l)) };
  return { cart: checkCaps(cartNext, lineId), line: next };
}

export function setMember(cart: Cart, member: CartMember | undefined): Cart {
  requireNoTenders(cart);
  const { member: _old, ...rest } = cart;
  return member ? { ...rest, member } : rest;
}

export function addCoupon(cart: Cart, code: string): Cart {
  requireNoTenders(cart);
  if (cart.coupons.includes(code)) throw conflict("code", `coupon ${code} is already in the cart`);
  if (cart.coupons.length >= 20) throw conflict("code", "at most 20 coupons per sale");
  return { ...cart, coupons: [...cart.coupons, code] };
}

export function removeCoupon(cart: Cart, code: string): Cart {
  requireNoTenders(cart);
  if (!cart.coupons.includes(code)) throw notFound("code", `coupon ${code} is not in the cart`);
  return { ...cart, coupons: cart.coupons.filter((c) => c !== code) };
}

/** The cart as the engine's basket (everything but the promotions): protocol's one mapping. */
function basketOf(cart: Cart, storeId: string, at: string): BasketRequest {
  return saleBasket({
    at,
    storeId,
    member: cart.member,
    coupons: cart.coupons,
    lines: cart.lines,
    adjustment: pricingAdjustment(cart),
  });
}

/** Prices the cart with protocol's engine against a list of promotions validated on this call. */
export function priceCart(cart: Cart, promotions: Promotion[], storeId: string, at: string): PriceResult {
  return priceBasket({ ...basketOf(cart, storeId, at), promotions });
}

/**
 * Prices the cart against promotions checked once (checkPromotions, per promotion set): only
 * the basket is validated. Same result as priceCart with promotions.list: exactly what HQ's
 * audit recomputes.
 */
export function priceCartChecked(
  cart: Cart,
  promotions: CheckedPromotions,
  storeId: string,
  at: string,
): PriceResult {
  return priceBasketChecked(basketOf(cart, storeId, at), promotions);
}

export interface SaleContext {
  saleId: string;
  receiptNo: string;
  laneId: string;
  cashierId: string;
  shiftId: string;
  businessDay: string;
  training: boolean;
  catalogVersion: number;
  completedAt: string;
}

/** The sale.completed payload of a fully paid cart. */
export function buildSale(cart: Cart, priced: PriceResult, ctx: SaleContext): SaleCompleted {
  if (cart.lines.length === 0) throw conflict("lines", "the cart is empty");
  const byId = new Map(priced.lines.map((l) => [l.lineId, l]));
  const lines: SaleLine[] = cart.lines.map((l) => {
    const p = byId.get(l.lineId);
    if (!p) throw new Error(`priced result lacks line ${l.lineId}`);
    const line: SaleLine = {
      lineId: l.lineId,
      sku: l.sku,
      name: l.name,
      category: l.category,
      qty: l.qty,
      weighed: l.weighed,
      unitPrice: l.unitPrice,
      taxRate: l.taxRate,
      priceVersion: l.priceVersion,
      gross: p.gross,
      discounts: p.discounts,
      net: p.net,
      tax: p.tax,
    };
    if (l.barcode) line.barcode = l.barcode;
    if (l.override) line.override = l.override;
    return line;
  });
  const sale: SaleCompleted = {
    ...ctx,
    coupons: cart.coupons,
    lines,
    totals: priced.totals,
    applied: priced.applied,
    tenders: cart.tenders,
  };
  if (cart.member) sale.member = { id: cart.member.id, tier: cart.member.tier };
  if (cart.adjustment) sale.adjustment = cart.adjustment;
  return sale;
}
