// In-memory look-up of the catalog replica. Built from the database at start and kept in step
// by every applied change set, so a scan never touches the disk: barcode, PLU and SKU are map
// look-ups; names and pinyin initials in lookup/name-index.ts; the promotion set the lanes
// price against in lookup/promotions.ts; records kept as JSON bytes (lookup/json-map.ts).
import {
  type Barcode,
  type Cashier,
  type ChangeItem,
  type CheckedPromotions,
  type Coupon,
  type Member,
  normalizeGtin,
  type PointsRule,
  type Price,
  type PriceWindow,
  type Product,
  type Promotion,
  priceAt,
} from "@retail/protocol";
import { JsonMap } from "./lookup/json-map.ts";
import { NameIndex } from "./lookup/name-index.ts";
import { CatalogPromotions, type PromotionSet } from "./lookup/promotions.ts";

export { JsonMap } from "./lookup/json-map.ts";
export type { PromotionSet } from "./lookup/promotions.ts";

export interface CatalogRecords {
  products: Product[];
  barcodes: Barcode[];
  prices: Price[];
  promotions: Promotion[];
  members: Member[];
  cashiers: Cashier[];
  coupons: Coupon[];
  /** The chain's points redemption rule, when HQ sent one. */
  pointsRule?: PointsRule;
}

/** No records of any entity (what a build starts from). */
export function emptyRecords(): CatalogRecords {
  return { products: [], barcodes: [], prices: [], promotions: [], members: [], cashiers: [], coupons: [] };
}

export interface SearchHit {
  sku: string;
  name: string;
  matched: "barcode" | "sku" | "plu" | "pinyin" | "name";
}

export class CatalogLookup {
  readonly products = new JsonMap<Product>(true);
  readonly barcodes = new Map<string, string>();
  /** Pack codes (a case's barcode, ProductV1.packs): code -> SKU and units per pack. */
  readonly packCodes = new Map<string, { sku: string; qty: number; name: string }>();
  readonly plus = new Map<string, string>();
  readonly prices = new JsonMap<Price>();
  /** The promotion set, its category widening, engine check and per-basket index. */
  private readonly promos = new CatalogPromotions();
  readonly promotions: ReadonlyMap<string, Promotion> = this.promos.byId;
  readonly members = new Map<string, Member>();
  readonly membersByPhone = new Map<string, string>();
  readonly cashiers = new Map<string, Cashier>();
  readonly coupons = new Map<string, Coupon>();
  /** The chain's points rule (undefined: HQ sent none, so no redemption). */
  pointsRule: PointsRule | undefined;

  /** The checked set held now, without checking it (checkout/promotions.test.ts reads it). */
  get checkedSet(): PromotionSet | undefined {
    return this.promos.held;
  }

  /** Search by name and pinyin initials (lookup/name-index.ts). */
  private names = new NameIndex();

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
    l.names = new NameIndex(true);
    return l;
  }

  /** An empty look-up to fill with addRows and end with built(), at once (the start-up load). */
  static loading(): CatalogLookup {
    return new CatalogLookup();
  }

  /** Ends a loading() build in one go: the pinyin index sorted once, the promotion set checked. */
  built(): CatalogLookup {
    return this.finish(emptyRecords());
  }

  /** Adds table rows (each key once over the whole build; JSON kept as the rows hold it). */
  addRows(entity: ChangeItem["entity"], rows: readonly Record<string, string>[]): void {
    for (const row of rows) {
      switch (entity) {
        case "product":
          this.putProduct(JSON.parse(row.data!) as Product, row.data);
          break;
        case "barcode":
          this.putBarcode({ code: row.code!, sku: this.names.skuString(row.sku!) } as Barcode);
          break;
        case "price":
          this.prices.set(this.names.skuString(row.sku!), undefined as unknown as Price, row.data);
          break;
        case "promotion": {
          const p = JSON.parse(row.data!) as Promotion;
          this.promos.byId.set(p.id, p);
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
        case "points_rule":
          this.pointsRule = JSON.parse(row.data!) as PointsRule;
          break;
      }
    }
    this.names.chunkAdded();
  }

  /**
   * Ends a build: the pinyin index from the pairs collected on the way (no re-parse), merged
   * in steps with `pause` between them (lookup/name-index.ts), and the promotion set checked.
   */
  async finishBuild(pause: () => Promise<void>): Promise<CatalogLookup> {
    await this.names.finishBuild(pause);
    this.promos.changed();
    this.promos.check();
    return this;
  }

  private finish(records: CatalogRecords): CatalogLookup {
    for (const p of records.promotions) this.promos.byId.set(p.id, p);
    for (const m of records.members) this.putMember(m);
    for (const c of records.cashiers) this.cashiers.set(c.id, c);
    for (const c of records.coupons) this.coupons.set(c.code, c);
    this.pointsRule = records.pointsRule;
    this.names.rebuild((sku) => this.products.has(sku));
    this.promos.check();
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
            this.promos.put(item.data);
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
          case "points_rule":
            this.pointsRule = item.data;
            break;
        }
      } else {
        this.remove(item.entity, item.key);
      }
    }
    if (this.names.dirty) this.names.rebuild((sku) => this.products.has(sku));
    // The set the next scan prices against, checked now (the replica applies and switches in
    // the same tick), not on that scan.
    this.promos.check();
  }

  private remove(entity: ChangeItem["entity"], key: string): void {
    switch (entity) {
      case "product": {
        const p = this.products.get(key);
        this.products.delete(key);
        this.promos.countPath(p?.category, -1);
        this.names.remove(key);
        if (p?.plu && this.plus.get(p.plu) === key) this.plus.delete(p.plu);
        this.dropPackCodes(p);
        break;
      }
      case "barcode":
        this.barcodes.delete(key);
        break;
      case "price":
        this.prices.delete(key);
        break;
      case "promotion":
        this.promos.delete(key);
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
      case "points_rule":
        this.pointsRule = undefined;
        break;
    }
  }

  private putProduct(p: Product, raw?: string): void {
    const old = this.products.get(p.sku);
    if (!old || old.category.join("/") !== p.category.join("/")) {
      this.promos.countPath(old?.category, -1);
      this.promos.countPath(p.category, 1);
    }
    if (old?.plu && old.plu !== p.plu && this.plus.get(old.plu) === p.sku) this.plus.delete(old.plu);
    this.dropPackCodes(old);
    this.products.set(p.sku, p, raw);
    if (p.plu) this.plus.set(p.plu, p.sku);
    for (const k of p.packs ?? [])
      if (k.code) this.packCodes.set(k.code, { sku: p.sku, qty: k.qty, name: k.name });
    this.names.put(p, old);
  }

  private dropPackCodes(p: Product | undefined): void {
    for (const k of p?.packs ?? [])
      if (k.code && this.packCodes.get(k.code)?.sku === p!.sku) this.packCodes.delete(k.code);
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

  /** The barcodes of a SKU (product card; a scan of the map, not on the scan path). */
  barcodesOf(sku: string): string[] {
    const out: string[] = [];
    for (const [code, s] of this.barcodes) if (s === sku) out.push(code);
    return out;
  }

  /** Every promotion as one array, parent categories widened to leaves (lookup/promotions.ts). */
  promotionArray(): Promotion[] {
    return this.promos.array();
  }

  /**
   * promotionArray checked by the engine (checkPromotions), once per promotion set: every
   * change of the set (a promotion upserted or deleted, a category leaf appearing or going, a
   * look-up built from a snapshot or the tables) checks the new set before the change returns,
   * so the lanes never validate promotions per scan.
   */
  promotionSet(): PromotionSet {
    return this.promos.check();
  }

  /** The promotions that can touch a basket with these lines (the same price as with all). */
  promotionsFor(lines: readonly { sku: string; category: string }[]): Promotion[] {
    return this.promos.forLines(lines);
  }

  /** The checked subset of promotionsFor, for priceBasketChecked; undefined if the set was refused. */
  checkedFor(lines: readonly { sku: string; category: string }[]): CheckedPromotions | undefined {
    return this.promos.checkedFor(lines);
  }

  /** A product by a scanned code (a unit barcode or a pack's code): the code as is, then its normalised GTIN. */
  byBarcode(code: string): Product | undefined {
    return this.byCode(code)?.product;
  }

  /**
   * What a scanned code stands for: the product and how many units one scan is (1 for a unit
   * barcode, the pack's size for a case code). Unit barcodes win over pack codes (HQ keeps
   * them apart; a unit is the safe reading if an old replica still has both).
   */
  byCode(code: string): { product: Product; qty: number; pack?: { qty: number; name: string } } | undefined {
    let hit = this.codeOf(code);
    if (!hit && /^\d{8,14}$/.test(code)) {
      try {
        hit = this.codeOf(normalizeGtin(code).gtin);
      } catch {
        hit = undefined;
      }
    }
    const product = hit && this.products.get(hit.sku);
    if (!hit || !product) return undefined;
    return hit.pack ? { product, qty: hit.pack.qty, pack: hit.pack } : { product, qty: 1 };
  }

  private codeOf(code: string): { sku: string; pack?: { qty: number; name: string } } | undefined {
    const sku = this.barcodes.get(code);
    if (sku !== undefined) return { sku };
    const pack = this.packCodes.get(code);
    return pack ? { sku: pack.sku, pack: { qty: pack.qty, name: pack.name } } : undefined;
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
    const visit = (matched: SearchHit["matched"]) => (sku: string) => {
      add(this.products.get(sku), matched);
      return hits.length < limit;
    };
    if (/^[a-z0-9]+$/.test(lower) && hits.length < limit) this.names.pinyinPrefix(lower, visit("pinyin"));
    if (hits.length < limit) this.names.nameContains(lower, visit("name"));
    return hits;
  }
}
