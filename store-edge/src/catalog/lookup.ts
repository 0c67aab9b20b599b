// In-memory look-up of the catalog replica. Built from the database at start and kept in step
// by every applied change set, so a scan never touches the disk: barcode, PLU and SKU are map
// look-ups; names by a character index (Chinese names match by substring); pinyin initials by
// binary search over a sorted array (prefix match, as cashiers type "kkkl" for 可口可乐).
import {
  type Barcode,
  type Cashier,
  type ChangeItem,
  type CheckedPromotions,
  type Coupon,
  categoryLeaves,
  checkPromotions,
  expandPromotionCategories,
  type Member,
  normalizeGtin,
  type Price,
  type PriceWindow,
  PricingError,
  type Product,
  type Promotion,
  pinyinInitials,
  priceAt,
} from "@retail/protocol";

export interface CatalogRecords {
  products: Product[];
  barcodes: Barcode[];
  prices: Price[];
  promotions: Promotion[];
  members: Member[];
  cashiers: Cashier[];
  coupons: Coupon[];
}

/**
 * A map whose values are kept as JSON text and parsed on read. At 100k SKUs the catalog is most
 * of the heap; as strings it is a few hundred thousand leaf cells instead of millions of
 * objects for the garbage collector to trace, which is what kept scan latency's p99 up.
 *
 * `bytes`: the text is kept as its UTF-8 bytes, one per character of a Latin-1 string. A
 * string holding one Chinese character is stored two bytes a character, so a product record
 * (~145 characters, a Chinese name) took ~290 bytes; as UTF-8 bytes ~160 (with 100k SKUs ~25 MB
 * less of the edge's memory), for ~1 us more per read.
 */
export class JsonMap<T> {
  private readonly m = new Map<string, string>();
  constructor(private readonly bytes = false) {}
  get(key: string): T | undefined {
    const raw = this.m.get(key);
    return raw === undefined ? undefined : this.parse(raw);
  }
  set(key: string, value: T, raw?: string): void {
    const text = raw ?? JSON.stringify(value);
    this.m.set(key, this.bytes ? Buffer.from(text, "utf8").toString("latin1") : text);
  }
  private parse(raw: string): T {
    return JSON.parse(this.bytes ? Buffer.from(raw, "latin1").toString("utf8") : raw) as T;
  }
  has(key: string): boolean {
    return this.m.has(key);
  }
  delete(key: string): boolean {
    return this.m.delete(key);
  }
  get size(): number {
    return this.m.size;
  }
  *values(): IterableIterator<T> {
    for (const raw of this.m.values()) yield this.parse(raw);
  }
}

/**
 * The store's promotion set (promotionArray) as the engine checked it, once per set: what the
 * lanes price against (priceBasketChecked). `error` when the engine refuses one of them (HQ
 * sent a promotion this edge's engine does not accept): kept, and the lanes then price as
 * before the set was checked (see Checkout.priceOf in checkout/lanes.ts).
 */
export type PromotionSet =
  | { readonly list: Promotion[]; readonly checked: CheckedPromotions; readonly error?: undefined }
  | { readonly list: Promotion[]; readonly checked?: undefined; readonly error: PricingError };

export interface SearchHit {
  sku: string;
  name: string;
  matched: "barcode" | "sku" | "plu" | "pinyin" | "name";
}

export class CatalogLookup {
  readonly products = new JsonMap<Product>(true);
  readonly barcodes = new Map<string, string>();
  readonly plus = new Map<string, string>();
  readonly prices = new JsonMap<Price>();
  readonly promotions = new Map<string, Promotion>();
  readonly members = new Map<string, Member>();
  readonly membersByPhone = new Map<string, string>();
  readonly cashiers = new Map<string, Cashier>();
  readonly coupons = new Map<string, Coupon>();
  private promotionList: Promotion[] | undefined;
  private checkedSet: PromotionSet | undefined;
  /** Subsets of the checked set by their indexes ("0,17,42"), for checkedFor; per set. */
  private readonly checkedSubsets = new Map<string, CheckedPromotions>();
  // Distinct category paths of the products ("10/1001/100101" -> how many products), a few
  // hundred, so the leaves under a parent-category promotion are known without walking 100k
  // products; a path appearing or disappearing re-expands the promotions.
  private readonly categoryPaths = new Map<string, number>();
  private leaves: Map<string, Set<string>> | undefined;

  // Products by slot number, so the indexes hold small integers (nothing for the GC to trace).
  private readonly slots: string[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Lower-cased name of each slot's product ("" when deleted or inactive), for name search. */
  private readonly names: string[] = [];
  // Name index: character -> slots whose name contains it (stale entries are filtered on read).
  private readonly chars = new Map<string, number[]>();
  /** Pinyin initials of each slot's product: HQ's `pinyin`, else derived from the name. */
  private readonly pinyinOf: string[] = [];
  // Pinyin index: sorted pinyin keys and their slots; rebuilt after a change set touches products.
  private pinyinKeys: string[] = [];
  private pinyinSlots = new Int32Array(0);
  private pinyinDirty = false;
  /** While built with builder(): the pinyin pairs, collected as products are added. */
  private collectPinyin: [string, number][] | undefined;
  private pinyinRuns: [string, number][][] | undefined;

  static from(records: CatalogRecords): CatalogLookup {
    const l = new CatalogLookup();
    for (const p of records.products) l.putProduct(p);
    for (const b of records.barcodes) l.putBarcode(b);
    for (const p of records.prices) l.prices.set(p.sku, p);
    return l.finish({ ...records, products: [], barcodes: [], prices: [] });
  }

  /** Builds from the database rows' JSON text without re-serialising 100k records. */
  static fromRows(
    rows: { products: string[]; prices: string[]; barcodes: Barcode[] },
    rest: Omit<CatalogRecords, "products" | "prices" | "barcodes">,
  ): CatalogLookup {
    const l = new CatalogLookup();
    for (const raw of rows.products) l.putProduct(JSON.parse(raw) as Product, raw);
    for (const b of rows.barcodes) l.putBarcode(b);
    for (const raw of rows.prices) {
      const sku = /^\{"sku":"([^"]+)"/.exec(raw)?.[1];
      if (sku) l.prices.set(sku, undefined as unknown as Price, raw);
      else {
        const p = JSON.parse(raw) as Price;
        l.prices.set(p.sku, p);
      }
    }
    return l.finish({ products: [], barcodes: [], prices: [], ...rest });
  }

  /** An empty look-up to fill with addRows (from database rows, chunk by chunk) and finishBuild. */
  static builder(): CatalogLookup {
    const l = new CatalogLookup();
    l.collectPinyin = [];
    return l;
  }

  /** An empty look-up to fill with addRows and end with built(), at once (the start-up load). */
  static loading(): CatalogLookup {
    return new CatalogLookup();
  }

  /** Ends a loading() build in one go: the pinyin index sorted once, the promotion set checked. */
  built(): CatalogLookup {
    return this.finish({
      products: [],
      barcodes: [],
      prices: [],
      promotions: [],
      members: [],
      cashiers: [],
      coupons: [],
    });
  }

  /** Adds table rows (each key once over the whole build; JSON kept as the rows hold it). */
  addRows(entity: ChangeItem["entity"], rows: readonly Record<string, string>[]): void {
    for (const row of rows) {
      switch (entity) {
        case "product":
          this.putProduct(JSON.parse(row.data!) as Product, row.data);
          break;
        case "barcode":
          this.putBarcode({ code: row.code!, sku: this.skuString(row.sku!) } as Barcode);
          break;
        case "price":
          this.prices.set(this.skuString(row.sku!), undefined as unknown as Price, row.data);
          break;
        case "promotion": {
          const p = JSON.parse(row.data!) as Promotion;
          this.promotions.set(p.id, p);
          break;
        }
        case "member":
          this.putMember(JSON.parse(row.data!) as Member);
          break;
        case "cashier": {
          const c = JSON.parse(row.data!) as Cashier;
          this.cashiers.set(c.id, c);
          break;
        }
        case "coupon": {
          const c = JSON.parse(row.data!) as Coupon;
          this.coupons.set(c.code, c);
          break;
        }
      }
    }
    // Sorted runs of ~4k pairs (a few ms to sort): few enough that merging them is ~5 levels.
    const run = this.collectPinyin;
    if (run && run.length >= 4096) this.closeRun();
  }

  /**
   * The product's own SKU string when it has one: each row read from the database carries its
   * own copy, and 100k barcodes and prices each keeping one was ~200k strings more at start.
   */
  private skuString(sku: string): string {
    const slot = this.slotOf.get(sku);
    return slot === undefined ? sku : this.slots[slot]!;
  }

  private closeRun(): void {
    const run = this.collectPinyin;
    if (!run?.length) return;
    run.sort(byPinyin);
    this.pinyinRuns ??= [];
    this.pinyinRuns.push(run.splice(0));
  }

  /**
   * Ends a build: the pinyin index from the pairs collected on the way (no re-parse). addRows
   * left sorted runs of ~4k pairs; they are merged pairwise, `pause` every 8,192 pairs merged,
   * so no single stretch sorts 100k keys (~160-270 ms at once on this machine).
   */
  async finishBuild(pause: () => Promise<void>): Promise<CatalogLookup> {
    this.closeRun();
    let runs = this.pinyinRuns ?? [];
    this.collectPinyin = undefined;
    this.pinyinRuns = undefined;
    while (runs.length > 1) {
      const next: [string, number][][] = [];
      for (let i = 0; i < runs.length; i += 2) {
        if (i + 1 >= runs.length) {
          next.push(runs[i]!);
          break;
        }
        // Merged 8,192 pairs per event-loop turn (a 100k merge at once is ~50 ms).
        const merge = mergePairs(runs[i]!, runs[i + 1]!);
        let step = merge.next();
        while (!step.done) {
          await pause();
          step = merge.next();
        }
        next.push(step.value);
      }
      runs = next;
    }
    const pairs = runs[0] ?? [];
    this.setPinyin(pairs);
    this.pinyinDirty = false;
    this.promotionsChanged();
    this.checkPromotionSet();
    return this;
  }

  private finish(records: CatalogRecords): CatalogLookup {
    for (const p of records.promotions) this.promotions.set(p.id, p);
    for (const m of records.members) this.putMember(m);
    for (const c of records.cashiers) this.cashiers.set(c.id, c);
    for (const c of records.coupons) this.coupons.set(c.code, c);
    this.rebuildPinyin();
    this.checkPromotionSet();
    return this;
  }

  /** Applies change items in order (the same items the database transaction applied). */
  apply(items: readonly ChangeItem[]): void {
    for (const item of items) {
      if (item.op === "upsert") {
        switch (item.entity) {
          case "product":
            this.putProduct(item.data);
            break;
          case "barcode":
            this.putBarcode(item.data);
            break;
          case "price":
            this.prices.set(item.data.sku, item.data);
            break;
          case "promotion":
            this.promotions.set(item.data.id, item.data);
            this.promotionsChanged();
            break;
          case "member":
            this.putMember(item.data);
            break;
          case "cashier":
            this.cashiers.set(item.data.id, item.data);
            break;
          case "coupon":
            this.coupons.set(item.data.code, item.data);
            break;
        }
      } else {
        this.remove(item.entity, item.key);
      }
    }
    if (this.pinyinDirty) this.rebuildPinyin();
    // The set the next scan prices against, checked now (the replica applies and switches in
    // the same tick), not on that scan.
    this.checkPromotionSet();
  }

  private remove(entity: ChangeItem["entity"], key: string): void {
    switch (entity) {
      case "product": {
        const p = this.products.get(key);
        this.products.delete(key);
        this.countPath(p?.category, -1);
        const slot = this.slotOf.get(key);
        if (slot !== undefined) this.names[slot] = "";
        if (p?.plu && this.plus.get(p.plu) === key) this.plus.delete(p.plu);
        this.pinyinDirty = true;
        break;
      }
      case "barcode":
        this.barcodes.delete(key);
        break;
      case "price":
        this.prices.delete(key);
        break;
      case "promotion":
        this.promotions.delete(key);
        this.promotionsChanged();
        break;
      case "member": {
        const m = this.members.get(key);
        this.members.delete(key);
        if (m && this.membersByPhone.get(m.phone) === key) this.membersByPhone.delete(m.phone);
        break;
      }
      case "cashier":
        this.cashiers.delete(key);
        break;
      case "coupon":
        this.coupons.delete(key);
        break;
    }
  }

  private countPath(path: readonly string[] | undefined, delta: 1 | -1): void {
    if (!path) return;
    const key = path.join("/");
    const n = (this.categoryPaths.get(key) ?? 0) + delta;
    if (n > 0) this.categoryPaths.set(key, n);
    else this.categoryPaths.delete(key);
    if (n === 0 || (n === 1 && delta === 1)) {
      this.leaves = undefined;
      this.promotionsChanged();
    }
  }

  private putProduct(p: Product, raw?: string): void {
    const old = this.products.get(p.sku);
    if (!old || old.category.join("/") !== p.category.join("/")) {
      this.countPath(old?.category, -1);
      this.countPath(p.category, 1);
    }
    if (old?.plu && old.plu !== p.plu && this.plus.get(old.plu) === p.sku) this.plus.delete(old.plu);
    this.products.set(p.sku, p, raw);
    if (p.plu) this.plus.set(p.plu, p.sku);
    let slot = this.slotOf.get(p.sku);
    if (slot === undefined) {
      slot = this.slots.length;
      this.slots.push(p.sku);
      this.slotOf.set(p.sku, slot);
    }
    this.names[slot] = p.status === "active" ? p.name.toLowerCase() : "";
    if (!old || old.name !== p.name) {
      for (const ch of new Set(p.name.toLowerCase())) {
        const list = this.chars.get(ch);
        if (list) list.push(slot);
        else this.chars.set(ch, [slot]);
      }
    }
    if (!old || old.pinyin !== p.pinyin || (!p.pinyin && old.name !== p.name)) {
      // A record without pinyin (older HQ, or a source that does not set it) is still found by
      // its initials: derived here once per record change (~20 us a name).
      this.pinyinOf[slot] = p.pinyin || pinyinInitials(p.name);
      if (!this.collectPinyin) this.pinyinDirty = true;
    }
    if (this.collectPinyin && this.pinyinOf[slot]) this.collectPinyin.push([this.pinyinOf[slot]!, slot]);
  }

  private putBarcode(b: Barcode): void {
    this.barcodes.set(b.code, b.sku);
  }

  private putMember(m: Member): void {
    const old = this.members.get(m.id);
    if (old && old.phone !== m.phone && this.membersByPhone.get(old.phone) === m.id)
      this.membersByPhone.delete(old.phone);
    this.members.set(m.id, m);
    this.membersByPhone.set(m.phone, m.id);
  }

  private rebuildPinyin(): void {
    const pairs: [string, number][] = [];
    // By slot, from the kept initials: no product is parsed.
    this.slots.forEach((sku, slot) => {
      const key = this.pinyinOf[slot];
      if (key && this.products.has(sku)) pairs.push([key, slot]);
    });
    this.sortPinyin(pairs);
  }

  /** Plain loops: Int32Array.from(pairs, fn) over 100k pairs took tens of ms on its own. */
  private setPinyin(pairs: [string, number][]): void {
    const keys = new Array<string>(pairs.length);
    const slots = new Int32Array(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      keys[i] = pairs[i]![0];
      slots[i] = pairs[i]![1];
    }
    this.pinyinKeys = keys;
    this.pinyinSlots = slots;
  }

  private sortPinyin(pairs: [string, number][]): void {
    pairs.sort(byPinyin);
    this.setPinyin(pairs);
    this.pinyinDirty = false;
  }

  /** The barcodes of a SKU (product card; a scan of the map, not on the scan path). */
  barcodesOf(sku: string): string[] {
    const out: string[] = [];
    for (const [code, s] of this.barcodes) if (s === sku) out.push(code);
    return out;
  }

  /**
   * Every promotion as one array (priceBasket filters by time, store and coupon itself), a
   * parent-category promotion widened to the leaf categories under it in this catalog (the
   * engine matches a line's leaf category exactly; the HQ audit widens the same way).
   */
  promotionArray(): Promotion[] {
    this.leaves ??= categoryLeaves(Array.from(this.categoryPaths.keys(), (k) => k.split("/")));
    this.promotionList ??= expandPromotionCategories([...this.promotions.values()], this.leaves);
    return this.promotionList;
  }

  /**
   * promotionArray checked by the engine (checkPromotions), once per promotion set: every
   * change of the set (a promotion upserted or deleted, a category leaf appearing or going, a
   * look-up built from a snapshot or the tables) checks the new set before the change returns,
   * so the lanes never validate promotions per scan.
   */
  promotionSet(): PromotionSet {
    return this.checkPromotionSet();
  }

  private promotionsChanged(): void {
    this.promotionList = undefined;
    this.checkedSet = undefined;
    this.checkedSubsets.clear();
  }

  private checkPromotionSet(): PromotionSet {
    if (this.checkedSet) return this.checkedSet;
    const list = this.promotionArray();
    try {
      this.checkedSet = { list, checked: checkPromotions(list) };
    } catch (e) {
      if (!(e instanceof PricingError)) throw e;
      this.checkedSet = { list, error: e };
    }
    return this.checkedSet;
  }

  private promoIndex:
    | { bySku: Map<string, number[]>; byCategory: Map<string, number[]>; everywhere: number[] }
    | undefined;

  /**
   * The promotions that can touch a basket with these lines: those listing one of its SKUs or
   * categories, and those listing neither. A promotion that matches no line gives no discount
   * at item or basket level, so pricing with this subset gives the same result as with all of
   * them, at a fraction of the validation cost (500 promotions -> a handful).
   */
  promotionsFor(lines: readonly { sku: string; category: string }[]): Promotion[] {
    const all = this.promotionArray();
    return this.promotionIndexesFor(lines).map((i) => all[i]!);
  }

  /**
   * The checked promotions that can touch a basket with these lines (promotionsFor's subset of
   * the checked set), for priceBasketChecked; undefined when the engine refused the set. A
   * subset is checked the first time a basket needs it and kept until the set changes: the
   * engine then only walks the few promotions that can apply (all 500 cost ~25 us more per
   * pricing than validating the 1-3 a basket touches did), and nothing is validated per scan.
   */
  checkedFor(lines: readonly { sku: string; category: string }[]): CheckedPromotions | undefined {
    const set = this.checkPromotionSet();
    if (!set.checked) return undefined;
    const idx = this.promotionIndexesFor(lines);
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

  /** Indexes into promotionArray() of promotionsFor's promotions, ascending. */
  private promotionIndexesFor(lines: readonly { sku: string; category: string }[]): number[] {
    const all = this.promotionArray();
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
  private promoIndexOf: Promotion[] | undefined;

  /** A product by a scanned code: the code as is, then its normalised GTIN. */
  byBarcode(code: string): Product | undefined {
    let sku = this.barcodes.get(code);
    if (!sku && /^\d{8,14}$/.test(code)) {
      try {
        sku = this.barcodes.get(normalizeGtin(code).gtin);
      } catch {
        sku = undefined;
      }
    }
    return sku === undefined ? undefined : this.products.get(sku);
  }

  byPlu(plu: string): Product | undefined {
    const sku = this.plus.get(plu.replace(/^0+(?=\d)/, ""));
    return sku === undefined ? undefined : this.products.get(sku);
  }

  /** The shelf price in effect at `at` on the store's clock. */
  priceOf(sku: string, at: number): PriceWindow | undefined {
    const p = this.prices.get(sku);
    return p ? priceAt(p, at) : undefined;
  }

  memberByPhone(phone: string): Member | undefined {
    const id = this.membersByPhone.get(phone);
    return id === undefined ? undefined : this.members.get(id);
  }

  /** Till search: exact barcode, SKU or PLU first, then pinyin-initial prefix, then name. */
  search(query: string, limit = 20): SearchHit[] {
    const q = query.trim();
    if (!q) return [];
    const hits: SearchHit[] = [];
    const seen = new Set<string>();
    const add = (p: Product | undefined, matched: SearchHit["matched"]) => {
      if (!p || seen.has(p.sku) || hits.length >= limit) return;
      seen.add(p.sku);
      hits.push({ sku: p.sku, name: p.name, matched });
    };
    add(this.byBarcode(q), "barcode");
    add(this.products.get(q), "sku");
    if (/^\d{1,6}$/.test(q)) add(this.byPlu(q), "plu");
    // An exact code is what the cashier meant; a long number that is no code is no name either
    // (without this, a 13-digit miss walks every name containing a digit).
    if (hits.length > 0 || /^\d{7,}$/.test(q)) return hits;
    const lower = q.toLowerCase();
    if (/^[a-z0-9]+$/.test(lower)) {
      let lo = 0;
      let hi = this.pinyinKeys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.pinyinKeys[mid]! < lower) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < this.pinyinKeys.length && hits.length < limit; i++) {
        if (!this.pinyinKeys[i]!.startsWith(lower)) break;
        add(this.products.get(this.slots[this.pinyinSlots[i]!]!), "pinyin");
      }
    }
    if (hits.length < limit) {
      // Walk the rarest character's list and confirm by substring: stops at `limit` hits.
      let best: number[] | undefined;
      for (const ch of new Set(lower)) {
        const list = this.chars.get(ch);
        if (!list) return hits;
        if (!best || list.length < best.length) best = list;
      }
      for (const slot of best ?? []) {
        if (hits.length >= limit) break;
        if (this.names[slot]!.includes(lower)) add(this.products.get(this.slots[slot]!), "name");
      }
    }
    return hits;
  }
}

function byPinyin(a: [string, number], b: [string, number]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
}

function* mergePairs(a: [string, number][], b: [string, number][]): Generator<void, [string, number][]> {
  const out: [string, number][] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = byPinyin(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
    if ((k & 8191) === 0) yield;
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
