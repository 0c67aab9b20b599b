// What each item-level kind (percent_off, special_price, member_price, multi_buy, buy_x_get_y)
// would discount on a promotion's matching free units, without applying it.
//
// Units are never expanded one by one: all units of a line share one price, so "the matching
// free units" of a line is just a count. Sorted unit lists (multi_buy, buy_x_get_y) become runs
// of equal units, whole groups inside a run are counted arithmetically, and only the groups
// that straddle two lines are looked at part by part. The result is the same as expanding
// every unit (engine.property.test.ts checks that against a unit-by-unit oracle), without a cost that
// grows with qty.
import { mulDivRoundHalfUp } from "../money.ts";
import type { LineState } from "./line-state.ts";
import type { Promotion } from "./schema.ts";

export type ItemPromotion = Extract<
  Promotion,
  { kind: "percent_off" | "special_price" | "member_price" | "multi_buy" | "buy_x_get_y" }
>;

export interface Candidate {
  readonly promo: ItemPromotion;
  readonly priority: number;
  /** Matching lines; for multi_buy / buy_x_get_y unit lines only, sorted by price desc, then line. */
  readonly lines: readonly LineState[];
  /** Cached evaluation; null when a line it reads has changed since. */
  eval: Evaluation | null;
}

/** What applying a promotion would do: per touched line, discount and units consumed. */
export interface Evaluation {
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

export function evaluate(c: Candidate): Evaluation {
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
