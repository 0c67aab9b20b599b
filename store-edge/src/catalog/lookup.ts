// In-memory look-up of the catalog replica. Built from the database at start and kept in step
// by every applied change set, so a scan never touches the disk: barcode, PLU and SKU are map
// look-ups; names by a character index (Chinese names match by substring); pinyin initials by
// binary search over a sorted array (prefix match, as cashiers type "kkkl" for 可口可乐).
import {
  type Barcode,
  type Cashier,
  type ChangeItem,
  type Coupon,
  type Member,
  normalizeGtin,
  type Price,
  type PriceWindow,
  type Product,
  type Promotion,
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

export interface SearchHit {
  sku: string;
  name: string;
  matched: "barcode" | "sku" | "plu" | "pinyin" | "name";
}

export class CatalogLookup {
  readonly products = new Map<string, Product>();
  readonly barcodes = new Map<string, string>();
  /** A product's barcodes, for receipts and the product card. */
  readonly barcodesBySku = new Map<string, string[]>();
  readonly plus = new Map<string, string>();
  readonly prices = new Map<string, Price>();
  readonly promotions = new Map<string, Promotion>();
  readonly members = new Map<string, Member>();
  readonly membersByPhone = new Map<string, string>();
  readonly cashiers = new Map<string, Cashier>();
  readonly coupons = new Map<string, Coupon>();
  private promotionList: Promotion[] | undefined;

  // Name index: character -> skus whose name contains it (stale entries are filtered on read).
  private readonly chars = new Map<string, string[]>();
  // Pinyin index: sorted [pinyin, sku] pairs; rebuilt after a change set touches products.
  private pinyinKeys: string[] = [];
  private pinyinSkus: string[] = [];
  private pinyinDirty = false;

  static from(records: CatalogRecords): CatalogLookup {
    const l = new CatalogLookup();
    for (const p of records.products) l.putProduct(p);
    for (const b of records.barcodes) l.putBarcode(b);
    for (const p of records.prices) l.prices.set(p.sku, p);
    for (const p of records.promotions) l.promotions.set(p.id, p);
    for (const m of records.members) l.putMember(m);
    for (const c of records.cashiers) l.cashiers.set(c.id, c);
    for (const c of records.coupons) l.coupons.set(c.code, c);
    l.rebuildPinyin();
    return l;
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
            this.promotionList = undefined;
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
  }

  private remove(entity: ChangeItem["entity"], key: string): void {
    switch (entity) {
      case "product": {
        const p = this.products.get(key);
        this.products.delete(key);
        if (p?.plu && this.plus.get(p.plu) === key) this.plus.delete(p.plu);
        this.pinyinDirty = true;
        break;
      }
      case "barcode": {
        const sku = this.barcodes.get(key);
        this.barcodes.delete(key);
        if (sku) {
          const list = (this.barcodesBySku.get(sku) ?? []).filter((c) => c !== key);
          this.barcodesBySku.set(sku, list);
        }
        break;
      }
      case "price":
        this.prices.delete(key);
        break;
      case "promotion":
        this.promotions.delete(key);
        this.promotionList = undefined;
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

  private putProduct(p: Product): void {
    const old = this.products.get(p.sku);
    if (old?.plu && old.plu !== p.plu && this.plus.get(old.plu) === p.sku) this.plus.delete(old.plu);
    this.products.set(p.sku, p);
    if (p.plu) this.plus.set(p.plu, p.sku);
    if (!old || old.name !== p.name) {
      for (const ch of new Set(p.name.toLowerCase())) {
        const list = this.chars.get(ch);
        if (list) list.push(p.sku);
        else this.chars.set(ch, [p.sku]);
      }
    }
    if (!old || old.pinyin !== p.pinyin) this.pinyinDirty = true;
  }

  private putBarcode(b: Barcode): void {
    const old = this.barcodes.get(b.code);
    if (old && old !== b.sku) {
      this.barcodesBySku.set(
        old,
        (this.barcodesBySku.get(old) ?? []).filter((c) => c !== b.code),
      );
    }
    this.barcodes.set(b.code, b.sku);
    const list = this.barcodesBySku.get(b.sku);
    if (!list) this.barcodesBySku.set(b.sku, [b.code]);
    else if (!list.includes(b.code)) list.push(b.code);
  }

  private putMember(m: Member): void {
    const old = this.members.get(m.id);
    if (old && old.phone !== m.phone && this.membersByPhone.get(old.phone) === m.id)
      this.membersByPhone.delete(old.phone);
    this.members.set(m.id, m);
    this.membersByPhone.set(m.phone, m.id);
  }

  private rebuildPinyin(): void {
    const pairs: [string, string][] = [];
    for (const p of this.products.values()) if (p.pinyin) pairs.push([p.pinyin, p.sku]);
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
    this.pinyinKeys = pairs.map((p) => p[0]);
    this.pinyinSkus = pairs.map((p) => p[1]);
    this.pinyinDirty = false;
  }

  /** Active promotions as one array (priceBasket filters by time, store and coupon itself). */
  promotionArray(): Promotion[] {
    this.promotionList ??= [...this.promotions.values()];
    return this.promotionList;
  }

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
        add(this.products.get(this.pinyinSkus[i]!), "pinyin");
      }
    }
    if (hits.length < limit) {
      // Walk the rarest character's list and confirm by substring: stops at `limit` hits.
      let best: string[] | undefined;
      for (const ch of new Set(lower)) {
        const list = this.chars.get(ch);
        if (!list) return hits;
        if (!best || list.length < best.length) best = list;
      }
      for (const sku of best ?? []) {
        if (hits.length >= limit) break;
        const p = this.products.get(sku);
        if (p && p.status === "active" && p.name.toLowerCase().includes(lower)) add(p, "name");
      }
    }
    return hits;
  }
}
