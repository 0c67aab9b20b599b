// The store's copy of master data, as HQ sends it down in change sets. HQ resolves price lists
// (chain base, region and store overrides) before sending, so a store receives only its own
// effective prices, each with the window in which it applies.
import { z } from "zod";
import { PointsRuleV1 } from "./points.ts";
import { PromotionV1 } from "./pricing/index.ts";
import { UNIT_CODES } from "./units.ts";

/** Units of measure: a fixed code list (the chain's data standard, units.ts). */
export { UNIT_CODES };

export const UnitCode = z.enum(UNIT_CODES);

/** Retail VAT rates in China, percent. */
export const TAX_RATES = [0, 6, 9, 13] as const;
export const TaxRate = z.union(
  TAX_RATES.map((r) => z.literal(r)) as [z.ZodLiteral<0>, z.ZodLiteral<6>, z.ZodLiteral<9>, z.ZodLiteral<13>],
);

export const Sku = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, "SKU: 1-32 letters, digits, . _ -");
export const IsoTime = z.iso.datetime({ offset: true });

/**
 * One pack level of a product (issue 17 item 6): a case of 12, a 6-pack. The product's own unit
 * (`unit`) is what the till sells and the ledger counts; a pack is `qty` of those units under
 * its own barcode, so scanning the case's code sells (or counts, or receives) `qty` units.
 */
export const PackV1 = z.strictObject({
  /** Units of the product in one pack: a case of 12 is 12. */
  qty: z.int("a whole number of units").min(2, "a pack holds at least 2 units").max(10_000),
  /** What the pack is called on screens and orders (箱, 中包, 托). */
  name: z.string().trim().min(1).max(10),
  /**
   * The pack's own barcode (a GTIN-14/ITF-14 on the case, a GTIN-13, or an in-store code); HQ
   * stores GTINs normalised like barcodes. It must not be any SKU's unit barcode.
   */
  code: z.string().min(1).max(48).optional(),
  /** The pack the supplier sells: automatic orders are rounded to whole packs of it. */
  purchase: z.boolean().optional(),
});
export type Pack = z.infer<typeof PackV1>;

/** A product's pack levels: distinct sizes and codes, at most one purchase pack. */
export const PacksV1 = z
  .array(PackV1)
  .max(5)
  .superRefine((packs, ctx) => {
    const qtys = new Set<number>();
    const codes = new Set<string>();
    let purchase = 0;
    packs.forEach((p, i) => {
      if (qtys.has(p.qty))
        ctx.addIssue({ code: "custom", path: [i, "qty"], message: `two packs of ${p.qty}` });
      qtys.add(p.qty);
      if (p.code !== undefined) {
        if (codes.has(p.code))
          ctx.addIssue({ code: "custom", path: [i, "code"], message: `code ${p.code} twice` });
        codes.add(p.code);
      }
      if (p.purchase && ++purchase > 1)
        ctx.addIssue({ code: "custom", path: [i, "purchase"], message: "only one purchase pack" });
    });
  });

export const ProductV1 = z.strictObject({
  sku: Sku,
  name: z.string().min(1).max(80),
  nameEn: z.string().max(80).optional(),
  /** Category code path, most general first, e.g. ["10", "1001", "100103"]. */
  category: z
    .array(z.string().regex(/^[0-9A-Z]{1,12}$/))
    .min(1)
    .max(6),
  unit: UnitCode,
  taxRate: TaxRate,
  weighed: z.boolean(),
  /** Scale PLU for weighed goods, as printed on scale labels (leading zeros dropped). */
  plu: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .optional(),
  status: z.enum(["active", "inactive"]),
  /** Lower-case pinyin initials of `name` (e.g. 可口可乐 -> "kkkl"), for search at the till. */
  pinyin: z
    .string()
    .regex(/^[a-z0-9]*$/)
    .max(80)
    .optional(),
  /** Pack levels (case vs each); absent: sold, ordered and counted by the unit only. */
  packs: PacksV1.optional(),
});
export type Product = z.infer<typeof ProductV1>;

/** The pack a scanned code stands for, if the code is one of the product's pack codes. */
export function packOfCode(product: Pick<Product, "packs">, code: string): Pack | undefined {
  return product.packs?.find((p) => p.code === code);
}

/** Units per purchase pack (the product's purchase pack), or undefined when none is set. */
export function purchasePackQty(product: Pick<Product, "packs">): number | undefined {
  return product.packs?.find((p) => p.purchase)?.qty;
}

export const BarcodeV1 = z.strictObject({
  /** Normalised GTIN (see normalizeGtin) or a CODE128 in-store code. */
  code: z.string().min(1).max(48),
  sku: Sku,
});
export type Barcode = z.infer<typeof BarcodeV1>;

export const PriceWindowV1 = z.strictObject({
  /** Shelf price, tax included: fen per unit, or fen per kg for weighed goods. */
  price: z.int().nonnegative(),
  /** Where the price came from, for audit: chain base, region or store override. */
  source: z.enum(["chain", "region", "store"]),
  /** Active when startsAt <= now < endsAt; absent bounds are open. */
  startsAt: IsoTime.optional(),
  endsAt: IsoTime.optional(),
});

/**
 * A SKU's whole price schedule at this store; an upsert replaces the previous schedule, so a
 * future price arrives ahead of time and takes effect on the store's clock.
 */
export const PriceV1 = z.strictObject({ sku: Sku, windows: z.array(PriceWindowV1).min(1).max(50) });
export type Price = z.infer<typeof PriceV1>;
export type PriceWindow = z.infer<typeof PriceWindowV1>;

/**
 * The price in effect at `at` (epoch ms): among the windows that contain it, the most specific
 * source wins (store over region over chain), then the latest start.
 */
export function priceAt(price: Price, at: number): PriceWindow | undefined {
  const rank = { store: 3, region: 2, chain: 1 } as const;
  let best: PriceWindow | undefined;
  for (const w of price.windows) {
    const from = w.startsAt ? Date.parse(w.startsAt) : Number.NEGATIVE_INFINITY;
    const to = w.endsAt ? Date.parse(w.endsAt) : Number.POSITIVE_INFINITY;
    if (!(from <= at && at < to)) continue;
    if (
      !best ||
      rank[w.source] > rank[best.source] ||
      (rank[w.source] === rank[best.source] &&
        from > (best.startsAt ? Date.parse(best.startsAt) : Number.NEGATIVE_INFINITY))
    ) {
      best = w;
    }
  }
  return best;
}

export const MemberV1 = z.strictObject({
  id: z.string().min(1).max(40),
  phone: z.string().regex(/^1\d{10}$/, "phone: a mainland mobile number of 11 digits"),
  name: z.string().max(40).optional(),
  tier: z.string().min(1).max(20),
  points: z.int().nonnegative(),
  status: z.enum(["active", "blocked"]),
});
export type Member = z.infer<typeof MemberV1>;

export const CashierV1 = z.strictObject({
  id: z.string().regex(/^\d{3,8}$/, "cashier code: 3-8 digits"),
  name: z.string().min(1).max(40),
  role: z.enum(["cashier", "supervisor", "manager"]),
  /** Hash of the PIN (Bun.password format), so the till can check it offline. */
  pinHash: z.string().min(10).max(200),
  status: z.enum(["active", "inactive"]),
});
export type Cashier = z.infer<typeof CashierV1>;

export const CouponV1 = z.strictObject({
  code: z.string().min(1).max(40),
  promotionId: z.string().min(1),
  memberId: z.string().optional(),
  validUntil: IsoTime.optional(),
  status: z.enum(["issued", "redeemed", "void"]),
  /**
   * A campaign code anyone may present any number of times (WELCOME10); absent: one-time,
   * spent chain-wide by the first sale that uses it.
   */
  multiUse: z.boolean().optional(),
});
export type Coupon = z.infer<typeof CouponV1>;

export const CATALOG_ENTITIES = [
  "product",
  "barcode",
  "price",
  "promotion",
  "member",
  "cashier",
  "coupon",
  "points_rule",
] as const;
export const CatalogEntity = z.enum(CATALOG_ENTITIES);
export type CatalogEntity = z.infer<typeof CatalogEntity>;

const UpsertItemV1 = z.discriminatedUnion("entity", [
  z.strictObject({ op: z.literal("upsert"), entity: z.literal("product"), data: ProductV1 }),
  z.strictObject({ op: z.literal("upsert"), entity: z.literal("barcode"), data: BarcodeV1 }),
  z.strictObject({ op: z.literal("upsert"), entity: z.literal("price"), data: PriceV1 }),
  z.strictObject({ op: z.literal("upsert"), entity: z.literal("promotion"), data: PromotionV1 }),
  z.strictObject({ op: z.literal("upsert"), entity: z.literal("member"), data: MemberV1 }),
  z.strictObject({ op: z.literal("upsert"), entity: z.literal("cashier"), data: CashierV1 }),
  z.strictObject({ op: z.literal("upsert"), entity: z.literal("coupon"), data: CouponV1 }),
  z.strictObject({ op: z.literal("upsert"), entity: z.literal("points_rule"), data: PointsRuleV1 }),
]);
const DeleteItemV1 = z.strictObject({
  op: z.literal("delete"),
  entity: CatalogEntity,
  /** sku (product, price), barcode code, promotion id, member id, cashier id, coupon code or "chain" (points_rule). */
  key: z.string().min(1).max(48),
});

/** One change in a change set: an upsert of a whole record, or a delete by key. */
export const ChangeItemV1 = z.union([UpsertItemV1, DeleteItemV1]);
export type ChangeItem = z.infer<typeof ChangeItemV1>;
