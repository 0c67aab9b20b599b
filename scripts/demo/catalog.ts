// The demo chain's master data: a Chinese supermarket's catalog of a few thousand products,
// generated deterministically (same seed, same catalog) so a second `npm start` sees the same
// data. Packaged goods carry real-format EAN-13 codes (GS1 China prefixes 690-699); fresh goods
// are weighed and carry scale PLUs; VAT rates follow Chinese retail: 13% packaged goods, 9%
// grain/oil/fruit/aquatic, 0% vegetables, meat and eggs (exempt at retail).
// The categories it draws from are data, in categories.ts; the stores, cashiers and members in chain.ts.
import {
  type Barcode,
  type Price,
  type Product,
  type Promotion,
  prng,
  withCheckDigit,
} from "@retail/protocol";

import { CATEGORIES, w } from "./categories.ts";

export interface DemoCatalog {
  products: Product[];
  barcodes: Barcode[];
  prices: Price[];
  promotions: Promotion[];
}

/** About `target` products; deterministic for a seed. */
export function demoCatalog(target = 3000, seed = 20261125): DemoCatalog {
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const between = (lo: number, hi: number, step = 10) => lo + Math.floor((rand() * (hi - lo)) / step) * step;
  const products: Product[] = [];
  const barcodes: Barcode[] = [];
  const prices: Price[] = [];
  const seen = new Set<string>();
  let plu = 1;
  let company = 0;

  // Fresh goods: one product per item, with a scale PLU.
  for (const c of CATEGORIES.filter((c) => c.weighed)) {
    for (const item of c.items) {
      const sku = `2${String(products.length + 1).padStart(5, "0")}`;
      products.push({
        sku,
        name: item.zh,
        nameEn: item.en,
        category: [c.path[0], c.path[1]],
        unit: c.unit,
        taxRate: c.taxRate,
        weighed: true,
        plu: String(plu++),
        status: "active",
        pinyin: item.py,
      });
      // Per-kg prices end in 8, as produce boards do.
      prices.push({ sku, windows: [{ price: between(c.price[0], c.price[1], 10) + 8, source: "chain" }] });
    }
  }

  // Packaged goods: brand x item x spec until the target is reached.
  const packagedCats = CATEGORIES.filter((c) => !c.weighed);
  let guard = 0;
  while (products.length < target && guard++ < target * 20) {
    const c = pick(packagedCats);
    const brand = pick(c.brands);
    const item = pick(c.items);
    const spec = pick(c.specs);
    const variant = Math.floor(rand() * 4);
    const flavours = [
      w("", "", ""),
      w("原味", "yw", "original"),
      w("经典", "jd", "classic"),
      w("新品", "xp", "new"),
    ];
    const f = flavours[variant]!;
    const key = `${brand.zh}${item.zh}${f.zh}${spec.zh}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const sku = `1${String(products.length + 1).padStart(5, "0")}`;
    products.push({
      sku,
      name: `${brand.zh}${item.zh}${f.zh ? ` ${f.zh}` : ""} ${spec.zh}`.slice(0, 80),
      nameEn: `${brand.en} ${item.en}${f.en ? ` ${f.en}` : ""} ${spec.en}`.slice(0, 80),
      category: [c.path[0], c.path[1]],
      unit: c.unit,
      taxRate: c.taxRate,
      weighed: false,
      status: "active",
      pinyin: `${brand.py}${item.py}${f.py}${spec.py}`.replace(/[^a-z0-9]/g, "").slice(0, 80),
    });
    // GS1 China: 690-699 + company number + item reference, then the check digit.
    company = (company + 1) % 9000;
    const body = `69${String(Math.floor(rand() * 10))}${String(1000 + company).padStart(4, "0")}${String(products.length).padStart(5, "0")}`;
    barcodes.push({ code: withCheckDigit(body.slice(0, 12)), sku });
    // Shelf prices end in 0 or 9 jiao-fen as Chinese shelves do.
    const base = between(c.price[0], c.price[1], 10);
    prices.push({
      sku,
      windows: [{ price: base - (rand() < 0.5 ? 10 : 0) + (rand() < 0.5 ? 9 : 0), source: "chain" }],
    });
  }

  const bySub = (code: string) => products.filter((p) => p.category[1] === code).map((p) => p.sku);
  const drinks = bySub("1101");
  const snacks = bySub("1001");
  const promotions: Promotion[] = [
    {
      id: "P-DRINK-3FOR10",
      name: "饮料任选3件10元",
      nameEn: "Any 3 drinks for ¥10",
      kind: "multi_buy",
      skus: drinks.slice(0, 40),
      count: 3,
      price: 1000,
    },
    {
      id: "P-SNACK-B2G1",
      name: "零食买二赠一",
      nameEn: "Snacks: buy 2 get 1",
      kind: "buy_x_get_y",
      skus: snacks.slice(0, 30),
      buy: 2,
      get: 1,
    },
    {
      id: "P-FRUIT-20OFF",
      name: "水果8折",
      nameEn: "Fruit 20% off",
      kind: "percent_off",
      categories: ["2002"],
      percent: 20,
    },
    {
      id: "P-OIL-SPECIAL",
      name: "食用油特价",
      nameEn: "Cooking oil special",
      kind: "special_price",
      skus: bySub("1002").slice(0, 5),
      price: 4990,
    },
    {
      id: "P-MEMBER-DAIRY",
      name: "乳品会员价",
      nameEn: "Dairy member price",
      kind: "member_price",
      categories: ["1102"],
      price: 990,
      tiers: ["gold", "platinum"],
    },
    {
      id: "P-MANJIAN-100-20",
      name: "每满100减20",
      nameEn: "¥20 off every ¥100",
      kind: "threshold",
      min: 10000,
      off: 2000,
      repeat: true,
      cap: 6000,
    },
    {
      id: "P-MANZHE-300",
      name: "满300享95折",
      nameEn: "5% off ¥300+",
      kind: "threshold_percent",
      min: 30000,
      percent: 5,
      priority: 200,
    },
    {
      id: "P-COUPON-10OFF",
      name: "新客券满50减10",
      nameEn: "Welcome coupon ¥10 off ¥50",
      kind: "threshold",
      min: 5000,
      off: 1000,
      couponCode: "WELCOME10",
    },
    {
      id: "P-MEMBER-20OFF",
      name: "会员券满100减20",
      nameEn: "Member coupon ¥20 off ¥100",
      kind: "threshold",
      min: 10000,
      off: 2000,
      couponCode: "VIP20",
    },
  ];
  return { products, barcodes, prices, promotions };
}
