// A store's promotions validated once and indexed by target, so each basket is priced against
// only the promotions that can touch its lines.
import { compiledPromotionList, pricingError } from "./parse.ts";
import type { PriceLine, Promotion } from "./schema.ts";

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
export function promotionsFor(checkedSet: CheckedPromotions, lines: readonly PriceLine[]): Promotion[] {
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
