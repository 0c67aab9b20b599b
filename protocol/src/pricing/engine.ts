// priceBasket: the one pure function that prices a basket, exactly as shared/design/PRICING.md
// says. The edge charges with it and HQ audits every receipt with it, so every step here is
// deterministic integer arithmetic on fen.
//
// Units are never expanded one by one: all units of a line share one price, so "the matching
// free units" of a line is just a count. Sorted unit lists (multi_buy, buy_x_get_y) become runs
// of equal units, whole groups inside a run are counted arithmetically, and only the groups
// that straddle two lines are looked at part by part. The result is the same as expanding
// every unit (engine.property.test.ts checks that against a unit-by-unit oracle), without a cost that
// grows with qty.
import { z } from "zod";
import { allocateLargestRemainder, mulDivRoundHalfUp } from "../money.ts";
import { formatFieldPath, PricingError } from "./errors.ts";
import { applyOrderAdjustment } from "./order-adjustment.ts";
import {
  type BasketRequest,
  BasketRequestSchema,
  DEFAULT_PRIORITY,
  instantMs,
  type LineDiscount,
  lineGross,
  type PricedLine,
  type PriceLine,
  type PriceRequest,
  PriceRequestSchema,
  type PriceResult,
  type Promotion,
  PromotionListSchema,
} from "./schema.ts";

// Validation is most of the cost of pricing (300 promotions are 300 objects to check), so the
// request schema is compiled ahead of time; invalid input falls back to the regular parser,
// so issues and messages are the same.
const compiledRequestSchema = z.compile(PriceRequestSchema);

const compiledBasketSchema = z.compile(BasketRequestSchema);
const compiledPromotionList = z.compile(PromotionListSchema);

function pricingError(error: z.ZodError, prefix: PropertyKey[]): PricingError {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path];
  // Strict objects report unknown keys on the object; name the key itself.
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  return new PricingError(formatFieldPath(path), issue.message);
}

declare const checked: unique symbol;
/**
 * A store's promotions, validated once (per catalog version) by checkPromotions and then priced
 * against any number of baskets without validating them again. Only checkPromotions makes one,
 * so pricing still never sees a promotion that was not validated.
 */
export interface CheckedPromotions {
  readonly list: readonly Promotion[];
  readonly [checked]: true;
}

/** Where each checked promotion can apply: by SKU, by category, or to any line. */
interface PromotionIndex {
  readonly anyLine: readonly number[];
  readonly bySku: ReadonlyMap<string, readonly number[]>;
  readonly byCategory: ReadonlyMap<string, readonly number[]>;
  /** Scratch marks for picking a basket's promotions (generation-stamped, no allocation). */
  readonly seen: Int32Array;
  generation: number;
}
const promotionIndexes = new WeakMap<CheckedPromotions, PromotionIndex>();

function indexPromotions(list: readonly Promotion[]): PromotionIndex {
  const anyLine: number[] = [];
  const bySku = new Map<string, number[]>();
  const byCategory = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, i: number) => {
    const l = m.get(k);
    if (!l) m.set(k, [i]);
    else if (l.at(-1) !== i) l.push(i);
  };
  list.forEach((p, i) => {
    if (!p.skus && !p.categories) anyLine.push(i);
    for (const k of p.skus ?? []) add(bySku, k, i);
    for (const k of p.categories ?? []) add(byCategory, k, i);
  });
  return { anyLine, bySku, byCategory, seen: new Int32Array(list.length), generation: 0 };
}

/** Validates a store's promotions (PricingError naming "promotions[3].kind" and the like). */
export function checkPromotions(input: unknown): CheckedPromotions {
  const r = compiledPromotionList.safeParse(input);
  if (!r.success) throw pricingError(r.error, ["promotions"]);
  const checkedSet = { list: r.data } as unknown as CheckedPromotions;
  promotionIndexes.set(checkedSet, indexPromotions(r.data));
  return checkedSet;
}

/**
 * The promotions that can touch these lines, in list order: those without SKU or category
 * targets and those naming a line's SKU or category. The others would match no line, and a
 * promotion that matches no line changes nothing and is not listed in `applied` (pricing.md,
 * item 3), so pricing against this subset is pricing against the whole list.
 */
function promotionsFor(checkedSet: CheckedPromotions, lines: readonly PriceLine[]): Promotion[] {
  const { list } = checkedSet;
  const index = promotionIndexes.get(checkedSet)!;
  const gen = ++index.generation;
  const picked: number[] = [];
  const pick = (ids: readonly number[] | undefined) => {
    if (!ids) return;
    for (const i of ids) {
      if (index.seen[i] === gen) continue;
      index.seen[i] = gen;
      picked.push(i);
    }
  };
  pick(index.anyLine);
  // Each SKU and category once: a big basket repeats categories, and a broad category's list
  // is long.
  const keys = new Set<string>();
  for (const l of lines) {
    if (!keys.has(`s${l.sku}`)) {
      keys.add(`s${l.sku}`);
      pick(index.bySku.get(l.sku));
    }
    if (!keys.has(`c${l.category}`)) {
      keys.add(`c${l.category}`);
      pick(index.byCategory.get(l.category));
    }
  }
  if (picked.length === list.length) return list as Promotion[];
  picked.sort((a, b) => a - b);
  return picked.map((i) => list[i]!);
}

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
 * Validates untrusted input against PriceRequestSchema. Throws PricingError whose `field` is
 * the first path at fault ("lines[2].qty", "promotions[0].kind", "promotions[3].foo" for an
 * unknown key, "request" for a non-object).
 */
export function parsePriceRequest(input: unknown): PriceRequest {
  const r = compiledRequestSchema.safeParse(input);
  if (r.success) return r.data;
  throw pricingError(r.error, []);
}

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

interface LineState {
  readonly line: PriceLine;
  readonly index: number;
  readonly weighed: boolean;
  readonly gross: number;
  /** Price of one unit; a weighed line is one unit priced at its gross. */
  readonly unitPrice: number;
  /** Units not yet consumed by an item-level promotion (weighed: 0 or 1). */
  free: number;
  net: number;
  readonly discounts: LineDiscount[];
}

/**
 * Finds a promotion's matching lines through sku and category maps, so the cost follows the
 * promotion's lists rather than lines x list length. Same answer as promotionMatches, in
 * request order.
 */
class LineIndex {
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

type ItemPromotion = Extract<
  Promotion,
  { kind: "percent_off" | "special_price" | "member_price" | "multi_buy" | "buy_x_get_y" }
>;
type BasketPromotion = Extract<Promotion, { kind: "threshold" | "threshold_percent" }>;

interface Candidate {
  readonly promo: ItemPromotion;
  readonly priority: number;
  /** Matching lines; for multi_buy / buy_x_get_y unit lines only, sorted by price desc, then line. */
  readonly lines: readonly LineState[];
  /** Cached evaluation; null when a line it reads has changed since. */
  eval: Evaluation | null;
}

/** What applying a promotion would do: per touched line, discount and units consumed. */
interface Evaluation {
  total: number;
  lines: LineState[];
  amounts: number[];
  consumed: number[];
}

function newEvaluation(): Evaluation {
  return { total: 0, lines: [], amounts: [], consumed: [] };
}

function record(ev: Evaluation, s: LineState, amount: number, consumed: number): void {
  // Amounts of one line arrive from at most a few group pieces; merge them into one entry.
  const last = ev.lines.length - 1;
  if (last >= 0 && ev.lines[last] === s) {
    ev.amounts[last]! += amount;
    ev.consumed[last]! += consumed;
  } else {
    ev.lines.push(s);
    ev.amounts.push(amount);
    ev.consumed.push(consumed);
  }
  ev.total += amount;
}

function evalPercentOff(c: Candidate, percent: number): Evaluation {
  const ev = newEvaluation();
  for (const s of c.lines) {
    if (s.free === 0) continue;
    // One rounding per line, on the sum of its consumed unit prices.
    const base = s.weighed ? s.gross : s.free * s.unitPrice;
    record(ev, s, mulDivRoundHalfUp(base, percent, 100), s.free);
  }
  return ev;
}

function evalSpecialPrice(c: Candidate, price: number): Evaluation {
  const ev = newEvaluation();
  for (const s of c.lines) {
    if (s.free === 0) continue;
    if (s.weighed) {
      const off = s.gross - mulDivRoundHalfUp(price, s.line.qty, 1000);
      if (off > 0) record(ev, s, off, 1);
    } else if (s.unitPrice > price) {
      record(ev, s, s.free * (s.unitPrice - price), s.free);
    }
  }
  return ev;
}

/** A run of consecutive equal units of one line inside a group. */
interface Part {
  s: LineState;
  k: number;
}

/**
 * Walks the free units of `c.lines` (already in multi_buy sort order) in consecutive groups of
 * `size`. Whole groups inside one line go to `whole(s, groups)`; a group that spans lines goes
 * to `mixed(parts)`. A trailing incomplete group is left alone.
 */
function walkGroups(
  c: Candidate,
  size: number,
  whole: (s: LineState, groups: number) => void,
  mixed: (parts: Part[]) => void,
): void {
  let parts: Part[] = [];
  let filled = 0;
  for (const s of c.lines) {
    let rem = s.free;
    if (rem === 0) continue;
    if (filled > 0) {
      const take = Math.min(rem, size - filled);
      parts.push({ s, k: take });
      filled += take;
      rem -= take;
      if (filled < size) continue;
      mixed(parts);
      parts = [];
      filled = 0;
    }
    const groups = Math.floor(rem / size);
    if (groups > 0) whole(s, groups);
    rem -= groups * size;
    if (rem > 0) {
      parts.push({ s, k: rem });
      filled = rem;
    }
  }
}

function evalMultiBuy(c: Candidate, count: number, price: number): Evaluation {
  const ev = newEvaluation();
  walkGroups(
    c,
    count,
    (s, groups) => {
      // Equal units share a group's discount equally, and all of it stays on this line.
      const perGroup = Math.max(0, count * s.unitPrice - price);
      record(ev, s, groups * perGroup, groups * count);
    },
    (parts) => {
      let sum = 0;
      for (const p of parts) sum += p.k * p.s.unitPrice;
      const discount = Math.max(0, sum - price);
      const shares = shareByUnitPrice(discount, sum, parts);
      for (let i = 0; i < parts.length; i++) record(ev, parts[i]!.s, shares[i]!, parts[i]!.k);
    },
  );
  return ev;
}

/**
 * Largest remainder over the individual units of a group (weight = unit price), returned per
 * part. Units of one part have equal remainders and sit together in the basket, so the spare
 * fen go part by part in (remainder desc, earlier line) order, up to k per part.
 */
function shareByUnitPrice(discount: number, sum: number, parts: readonly Part[]): number[] {
  const shares = new Array<number>(parts.length).fill(0);
  if (discount === 0) return shares;
  const rems = new Array<number>(parts.length);
  let left = discount;
  parts.forEach((p, i) => {
    let base: number;
    let rem: number;
    const prod = discount * p.s.unitPrice;
    if (Number.isSafeInteger(prod)) {
      rem = prod % sum;
      base = (prod - rem) / sum;
    } else {
      const big = BigInt(discount) * BigInt(p.s.unitPrice);
      base = Number(big / BigInt(sum));
      rem = Number(big % BigInt(sum));
    }
    shares[i] = base * p.k;
    rems[i] = rem;
    left -= base * p.k;
  });
  const order = parts
    .map((_, i) => i)
    .sort((a, b) => rems[b]! - rems[a]! || parts[a]!.s.index - parts[b]!.s.index);
  for (const i of order) {
    if (left === 0) break;
    const extra = Math.min(left, parts[i]!.k);
    shares[i]! += extra;
    left -= extra;
  }
  return shares;
}

function evalBuyXGetY(c: Candidate, buy: number, get: number, percent: number): Evaluation {
  const ev = newEvaluation();
  const size = buy + get;
  const offFor = (s: LineState) => mulDivRoundHalfUp(s.unitPrice, percent, 100);
  walkGroups(
    c,
    size,
    (s, groups) => record(ev, s, groups * get * offFor(s), groups * size),
    (parts) => {
      // The last `get` units of the group (the cheapest) get the discount.
      let free = get;
      const amounts = new Array<number>(parts.length).fill(0);
      for (let i = parts.length - 1; i >= 0 && free > 0; i--) {
        const n = Math.min(free, parts[i]!.k);
        amounts[i] = n * offFor(parts[i]!.s);
        free -= n;
      }
      for (let i = 0; i < parts.length; i++) record(ev, parts[i]!.s, amounts[i]!, parts[i]!.k);
    },
  );
  return ev;
}

function evaluate(c: Candidate): Evaluation {
  const p = c.promo;
  switch (p.kind) {
    case "percent_off":
      return evalPercentOff(c, p.percent);
    case "special_price":
    case "member_price":
      return evalSpecialPrice(c, p.price);
    case "multi_buy":
      return evalMultiBuy(c, p.count, p.price);
    case "buy_x_get_y":
      return evalBuyXGetY(c, p.buy, p.get, p.percent ?? 100);
  }
}

/** Largest total discount first; ties: lower priority, then smaller id (code-unit order). */
function better(a: Candidate, ea: Evaluation, b: Candidate, eb: Evaluation): boolean {
  if (ea.total !== eb.total) return ea.total > eb.total;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.promo.id < b.promo.id;
}

function compareByPriorityThenId(
  a: { promo: Promotion; priority: number },
  b: { promo: Promotion; priority: number },
): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.promo.id < b.promo.id ? -1 : a.promo.id > b.promo.id ? 1 : 0;
}

function applyDiscount(s: LineState, promotionId: string, amount: number): void {
  if (amount <= 0) return;
  s.net -= amount;
  s.discounts.push({ promotionId, amount });
}

function applyItemLevel(candidates: Candidate[], states: readonly LineState[], applied: string[]): void {
  // Which candidates read each line, so applying one promotion only invalidates its neighbours.
  const readers: Candidate[][] = states.map(() => []);
  for (const c of candidates) for (const s of c.lines) readers[s.index]!.push(c);
  let open = candidates.slice();
  for (;;) {
    let best: Candidate | null = null;
    let bestEval: Evaluation | null = null;
    for (const c of open) {
      if (c.eval === null) c.eval = evaluate(c);
      if (best === null || better(c, c.eval, best, bestEval!)) {
        best = c;
        bestEval = c.eval;
      }
    }
    if (best === null || bestEval === null || bestEval.total <= 0) return;
    const ev = bestEval;
    for (let i = 0; i < ev.lines.length; i++) {
      const s = ev.lines[i]!;
      s.free -= ev.consumed[i]!;
      applyDiscount(s, best.promo.id, ev.amounts[i]!);
      for (const r of readers[s.index]!) r.eval = null;
    }
    applied.push(best.promo.id);
    const done = best;
    open = open.filter((c) => c !== done);
  }
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

function applyBasketLevel(promos: BasketPromotion[], index: LineIndex, applied: string[]): void {
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
