// The store's promotions as the lanes price against them: every promotion, a parent-category
// promotion widened to the leaf categories under it in this catalog, checked by the engine
// once per set (never per scan), and the subset that can touch a basket found by index.
import {
  type CheckedPromotions,
  categoryLeaves,
  checkPromotions,
  expandPromotionCategories,
  PricingError,
  type Promotion,
} from "@retail/protocol";

/**
 * The store's promotion set (promotionArray) as the engine checked it, once per set: what the
 * lanes price against (priceBasketChecked). `error` when the engine refuses one of them (HQ
 * sent a promotion this edge's engine does not accept): kept, and the lanes then price as
 * before the set was checked (see Checkout.priceOf in checkout/lanes.ts).
 */
export type PromotionSet =
  | { readonly list: Promotion[]; readonly checked: CheckedPromotions; readonly error?: undefined }
  | { readonly list: Promotion[]; readonly checked?: undefined; readonly error: PricingError };

export class CatalogPromotions {
  /** Promotions by id, as HQ sent them. */
  readonly byId = new Map<string, Promotion>();
  private promotionList: Promotion[] | undefined;
  private checkedSet: PromotionSet | undefined;
  /** Subsets of the checked set by their indexes ("0,17,42"), for checkedFor; per set. */
  private readonly checkedSubsets = new Map<string, CheckedPromotions>();
  // Distinct category paths of the products ("10/1001/100101" -> how many products), a few
  // hundred, so the leaves under a parent-category promotion are known without walking 100k
  // products; a path appearing or disappearing re-expands the promotions.
  private readonly categoryPaths = new Map<string, number>();
  private leaves: Map<string, Set<string>> | undefined;
  private promoIndex:
    | { bySku: Map<string, number[]>; byCategory: Map<string, number[]>; everywhere: number[] }
    | undefined;
  private promoIndexOf: Promotion[] | undefined;

  /** The checked set held now, if any (check() computes it). */
  get held(): PromotionSet | undefined {
    return this.checkedSet;
  }

  put(p: Promotion): void {
    this.byId.set(p.id, p);
    this.changed();
  }

  delete(id: string): void {
    this.byId.delete(id);
    this.changed();
  }

  /** A product with this category path came (+1) or went (-1). */
  countPath(path: readonly string[] | undefined, delta: 1 | -1): void {
    if (!path) return;
    const key = path.join("/");
    const n = (this.categoryPaths.get(key) ?? 0) + delta;
    if (n > 0) this.categoryPaths.set(key, n);
    else this.categoryPaths.delete(key);
    if (n === 0 || (n === 1 && delta === 1)) {
      this.leaves = undefined;
      this.changed();
    }
  }

  /**
   * Every promotion as one array (priceBasket filters by time, store and coupon itself), a
   * parent-category promotion widened to the leaf categories under it in this catalog (the
   * engine matches a line's leaf category exactly; the HQ audit widens the same way).
   */
  array(): Promotion[] {
    this.leaves ??= categoryLeaves(Array.from(this.categoryPaths.keys(), (k) => k.split("/")));
    this.promotionList ??= expandPromotionCategories([...this.byId.values()], this.leaves);
    return this.promotionList;
  }

  changed(): void {
    this.promotionList = undefined;
    this.checkedSet = undefined;
    this.checkedSubsets.clear();
  }

  /** array() checked by the engine, once per set. */
  check(): PromotionSet {
    if (this.checkedSet) return this.checkedSet;
    const list = this.array();
    try {
      this.checkedSet = { list, checked: checkPromotions(list) };
    } catch (e) {
      if (!(e instanceof PricingError)) throw e;
      this.checkedSet = { list, error: e };
    }
    return this.checkedSet;
  }

  /**
   * The promotions that can touch a basket with these lines: those listing one of its SKUs or
   * categories, and those listing neither. A promotion that matches no line gives no discount
   * at item or basket level, so pricing with this subset gives the same result as with all of
   * them, at a fraction of the validation cost (500 promotions -> a handful).
   */
  forLines(lines: readonly { sku: string; category: string }[]): Promotion[] {
    const all = this.array();
    return this.indexesFor(lines).map((i) => all[i]!);
  }

  /**
   * The checked promotions that can touch a basket with these lines (forLines' subset of the
   * checked set), for priceBasketChecked; undefined when the engine refused the set. A subset
   * is checked the first time a basket needs it and kept until the set changes: the engine
   * then only walks the few promotions that can apply (all 500 cost ~25 us more per pricing
   * than validating the 1-3 a basket touches did), and nothing is validated per scan.
   */
  checkedFor(lines: readonly { sku: string; category: string }[]): CheckedPromotions | undefined {
    const set = this.check();
    if (!set.checked) return undefined;
    const idx = this.indexesFor(lines);
    if (idx.length === set.list.length) return set.checked;
    const key = idx.join(",");
    let checked = this.checkedSubsets.get(key);
    if (!checked) {
      // Distinct subsets are few (most baskets touch the same "everywhere" ones); bounded anyway.
      if (this.checkedSubsets.size >= 4096) this.checkedSubsets.clear();
      checked = checkPromotions(idx.map((i) => set.list[i]!));
      this.checkedSubsets.set(key, checked);
    }
    return checked;
  }

  /** Indexes into array() of forLines' promotions, ascending. */
  private indexesFor(lines: readonly { sku: string; category: string }[]): number[] {
    const all = this.array();
    if (!this.promoIndex || this.promoIndexOf !== all) {
      const bySku = new Map<string, number[]>();
      const byCategory = new Map<string, number[]>();
      const everywhere: number[] = [];
      const push = (m: Map<string, number[]>, k: string, i: number) => {
        const list = m.get(k);
        if (list) list.push(i);
        else m.set(k, [i]);
      };
      all.forEach((p, i) => {
        if (!p.skus && !p.categories) everywhere.push(i);
        for (const s of p.skus ?? []) push(bySku, s, i);
        for (const c of p.categories ?? []) push(byCategory, c, i);
      });
      this.promoIndex = { bySku, byCategory, everywhere };
      this.promoIndexOf = all;
    }
    const idx = new Set(this.promoIndex.everywhere);
    for (const l of lines) {
      for (const i of this.promoIndex.bySku.get(l.sku) ?? []) idx.add(i);
      for (const i of this.promoIndex.byCategory.get(l.category) ?? []) idx.add(i);
    }
    return [...idx].sort((a, b) => a - b);
  }
}
