// Wire shapes of the pricing contract (shared/design/PRICING.md). Plain JSON in, plain JSON out:
// the edge prices with these, HQ audits with these, change sets carry PromotionV1.
import { z } from "zod";
import { MoneyError, mulDivRoundHalfUp } from "../money.ts";

export const PROMOTION_KINDS = [
  "percent_off",
  "special_price",
  "member_price",
  "multi_buy",
  "buy_x_get_y",
  "threshold",
  "threshold_percent",
] as const;
export const PromotionKindSchema = z.enum(PROMOTION_KINDS);
export type PromotionKind = z.infer<typeof PromotionKindSchema>;

/** Kinds that act on units (at most one per unit), in the greedy loop. */
export const ITEM_LEVEL_KINDS = [
  "percent_off",
  "special_price",
  "member_price",
  "multi_buy",
  "buy_x_get_y",
] as const satisfies readonly PromotionKind[];
/** Kinds that act on the basket's current nets, after item level. */
export const BASKET_LEVEL_KINDS = [
  "threshold",
  "threshold_percent",
] as const satisfies readonly PromotionKind[];

/** Priority when a promotion gives none (PRICING.md). Lower applies first. */
export const DEFAULT_PRIORITY = 100;

// zod 4's int() is already limited to safe integers, so every amount here is exact fen.
const FenAmount = z.number().int("must be an integer number of fen").min(0, "must not be negative");
const PositiveInt = z.number().int("must be a whole number").min(1, "must be at least 1");
const Percent = z
  .number()
  .int("must be a whole percent")
  .min(1, "must be at least 1")
  .max(100, "must be at most 100");
const Id = z.string().min(1, "must not be empty");
// An instant needs its offset: a bare local time would mean different moments at HQ and a store.
const IsoDateTime = z.iso.datetime({ offset: true });
const instants = new Map<string, number>();

/**
 * Epoch milliseconds of an ISO 8601 time with offset ("2025-01-01T08:00:00+08:00"), or NaN if
 * the string is not one. Memoised (bounded): every basket brings the same few window strings,
 * and checking and parsing them was a large share of pricing time. The value depends only on
 * the string, so the cache cannot change an answer.
 */
export function instantMs(iso: string): number {
  let t = instants.get(iso);
  if (t === undefined) {
    t = IsoDateTime.safeParse(iso).success ? Date.parse(iso) : Number.NaN;
    if (instants.size >= 4096) instants.clear();
    instants.set(iso, t);
  }
  return t;
}

const Instant = z.string().refine((s) => !Number.isNaN(instantMs(s)), {
  message: "must be an ISO 8601 time with offset, e.g. 2025-01-01T08:00:00+08:00",
});
// Empty filter lists are rejected rather than guessed at ("nothing" or "everything"?).
const NonEmptyList = z.array(Id).min(1, "must list at least one entry; omit the field to mean all");

// Fields every kind may carry; kind-specific fields are added per kind below, and strict
// objects reject the rest (a `percent` on a special_price is a mistake, not an option).
const common = {
  id: Id,
  priority: z.number().int("must be a whole number").optional(),
  skus: NonEmptyList.optional(),
  categories: NonEmptyList.optional(),
  stores: NonEmptyList.optional(),
  startsAt: Instant.optional(),
  endsAt: Instant.optional(),
  couponCode: Id.optional(),
  // Display names for receipts and screens (zh-CN, English); pricing never reads them.
  name: z.string().min(1).max(40).optional(),
  nameEn: z.string().min(1).max(60).optional(),
};

const PercentOffV1 = z.strictObject({ ...common, kind: z.literal("percent_off"), percent: Percent });
const SpecialPriceV1 = z.strictObject({ ...common, kind: z.literal("special_price"), price: FenAmount });
const MemberPriceV1 = z.strictObject({
  ...common,
  kind: z.literal("member_price"),
  price: FenAmount,
  tiers: NonEmptyList.optional(),
});
const MultiBuyV1 = z.strictObject({
  ...common,
  kind: z.literal("multi_buy"),
  count: PositiveInt,
  price: FenAmount,
});
const BuyXGetYV1 = z.strictObject({
  ...common,
  kind: z.literal("buy_x_get_y"),
  buy: PositiveInt,
  get: PositiveInt,
  percent: Percent.optional(),
});
const ThresholdV1 = z.strictObject({
  ...common,
  kind: z.literal("threshold"),
  min: FenAmount.min(1, "must be at least 1 fen"),
  off: FenAmount.min(1, "must be at least 1 fen"),
  repeat: z.boolean().optional(),
  cap: FenAmount.optional(),
});
const ThresholdPercentV1 = z.strictObject({
  ...common,
  kind: z.literal("threshold_percent"),
  min: FenAmount,
  percent: Percent,
});

/** A promotion as HQ sends it down and as priceBasket takes it (version 1 of the shape). */
export const PromotionV1 = z
  .discriminatedUnion("kind", [
    PercentOffV1,
    SpecialPriceV1,
    MemberPriceV1,
    MultiBuyV1,
    BuyXGetYV1,
    ThresholdV1,
    ThresholdPercentV1,
  ])
  .superRefine((p, ctx) => {
    // An empty or inverted window can never be active: almost certainly a data-entry error.
    if (
      p.startsAt !== undefined &&
      p.endsAt !== undefined &&
      !(instantMs(p.startsAt) < instantMs(p.endsAt))
    ) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be later than startsAt" });
    }
  });
export type Promotion = z.infer<typeof PromotionV1>;

/** One line of a basket as the lane sends it. Weighed: qty is grams, unitPrice fen per kg. */
export const PriceLineSchema = z.strictObject({
  lineId: Id,
  sku: Id,
  category: z.string(),
  unitPrice: FenAmount,
  qty: PositiveInt,
  weighed: z.boolean().optional(),
  taxRate: z
    .number()
    .int("must be a whole percent")
    .min(0, "must not be negative")
    .max(100, "must be at most 100"),
});
export type PriceLine = z.infer<typeof PriceLineSchema>;

/**
 * Gross of a line: unitPrice * qty, or for weighed lines roundHalfUp(unitPrice * grams / 1000),
 * the one rounding PRICING.md allows at the line. Throws MoneyError if it is not a safe integer.
 */
export function lineGross(line: Pick<PriceLine, "unitPrice" | "qty" | "weighed">): number {
  return line.weighed
    ? mulDivRoundHalfUp(line.unitPrice, line.qty, 1000)
    : mulDivRoundHalfUp(line.unitPrice, line.qty, 1);
}

/** Line discount ids of the manual order-level adjustment (never a promotion's id). */
export const ORDER_DISCOUNT_ID = "@order-discount";
export const ROUNDING_ID = "@rounding";
const RESERVED_DISCOUNT_IDS: ReadonlySet<string> = new Set([ORDER_DISCOUNT_ID, ROUNDING_ID]);

/** 抹零 units: the amount due is rounded down to a multiple of this many fen. */
export const ROUNDING_UNIT_FEN = { jiao: 10, yuan: 100 } as const;

/**
 * A manual order-level adjustment (整单折扣 and/or 抹零), applied after every promotion. The
 * discount is an amount in fen or a percent in basis points (1000 = 10% off), never both.
 */
export const OrderAdjustmentV1 = z
  .strictObject({
    discount: z
      .strictObject({
        amount: FenAmount.min(1, "must be at least 1 fen").optional(),
        basisPoints: z
          .number()
          .int("must be whole basis points")
          .min(1, "must be at least 1")
          .max(10000, "must be at most 10000 (100%)")
          .optional(),
      })
      .superRefine((d, ctx) => {
        if ((d.amount === undefined) === (d.basisPoints === undefined))
          ctx.addIssue({
            code: "custom",
            path: ["amount"],
            message: "give exactly one of amount or basisPoints",
          });
      })
      .optional(),
    rounding: z.enum(["jiao", "yuan"], { error: "must be jiao or yuan" }).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.discount === undefined && a.rounding === undefined)
      ctx.addIssue({ code: "custom", path: ["discount"], message: "give a discount, a rounding or both" });
  });
export type OrderAdjustment = z.infer<typeof OrderAdjustmentV1>;

const BasketFields = {
  at: Instant,
  storeId: Id,
  member: z.strictObject({ id: Id, tier: Id }).optional(),
  coupons: z.array(z.string()).optional(),
  lines: z.array(PriceLineSchema),
  adjustment: OrderAdjustmentV1.optional(),
};

/** Line ids key discounts, returns and receipts: unique; and every gross a safe integer. */
function checkLines(lines: readonly PriceLine[], ctx: z.RefinementCtx) {
  const lineIds = new Set<string>();
  let total = 0;
  lines.forEach((line, i) => {
    if (lineIds.has(line.lineId)) {
      ctx.addIssue({ code: "custom", path: ["lines", i, "lineId"], message: "duplicate lineId" });
    }
    lineIds.add(line.lineId);
    try {
      total += lineGross(line);
    } catch (e) {
      if (!(e instanceof MoneyError)) throw e;
      ctx.addIssue({ code: "custom", path: ["lines", i, "qty"], message: "line gross is too large" });
      return;
    }
    if (!Number.isSafeInteger(total)) {
      ctx.addIssue({ code: "custom", path: ["lines", i, "qty"], message: "basket gross is too large" });
    }
  });
}

/** Promotion ids key `applied` and the tie-break: unique. */
function checkPromotionIds(
  promotions: readonly Promotion[],
  ctx: z.RefinementCtx,
  at: (i: number) => PropertyKey[],
) {
  const promoIds = new Set<string>();
  promotions.forEach((p, i) => {
    if (promoIds.has(p.id)) {
      ctx.addIssue({ code: "custom", path: [...at(i), "id"], message: "duplicate promotion id" });
    }
    if (RESERVED_DISCOUNT_IDS.has(p.id)) {
      ctx.addIssue({
        code: "custom",
        path: [...at(i), "id"],
        message: "is reserved for the order adjustment",
      });
    }
    promoIds.add(p.id);
  });
}

export const PriceRequestSchema = z
  .strictObject({ ...BasketFields, promotions: z.array(PromotionV1) })
  .superRefine((req, ctx) => {
    checkLines(req.lines, ctx);
    checkPromotionIds(req.promotions, ctx, (i) => ["promotions", i]);
  });

/** A basket without its promotions, for pricing against promotions checked once (checkPromotions). */
export const BasketRequestSchema = z
  .strictObject(BasketFields)
  .superRefine((req, ctx) => checkLines(req.lines, ctx));
export type BasketRequest = z.infer<typeof BasketRequestSchema>;

/** A store's promotions as one list (what checkPromotions validates). */
export const PromotionListSchema = z
  .array(PromotionV1)
  .superRefine((list, ctx) => checkPromotionIds(list, ctx, (i) => [i]));

export type PriceRequest = z.infer<typeof PriceRequestSchema>;

export const LineDiscountSchema = z.strictObject({
  promotionId: Id,
  amount: FenAmount.min(1, "must be above zero"),
});
export type LineDiscount = z.infer<typeof LineDiscountSchema>;

/** A line of the result. Named PricedLine; PriceLine is the request line it answers. */
export const PricedLineSchema = z.strictObject({
  lineId: Id,
  gross: FenAmount,
  discounts: z.array(LineDiscountSchema),
  net: FenAmount,
  tax: FenAmount,
});
export type PricedLine = z.infer<typeof PricedLineSchema>;

export const PriceTotalsSchema = z.strictObject({
  gross: FenAmount,
  discount: FenAmount,
  net: FenAmount,
  tax: FenAmount,
});
export type PriceTotals = z.infer<typeof PriceTotalsSchema>;

/** A priced basket. The refinement checks its arithmetic, so a receipt that does not add up is rejected. */
export const PriceResultSchema = z
  .strictObject({
    lines: z.array(PricedLineSchema),
    totals: PriceTotalsSchema,
    applied: z.array(Id),
  })
  .superRefine((res, ctx) => {
    const sum = { gross: 0, discount: 0, net: 0, tax: 0 };
    res.lines.forEach((l, i) => {
      const discount = l.discounts.reduce((a, d) => a + d.amount, 0);
      if (l.gross - discount !== l.net) {
        ctx.addIssue({
          code: "custom",
          path: ["lines", i, "net"],
          message: "must equal gross minus discounts",
        });
      }
      if (l.tax > l.net)
        ctx.addIssue({ code: "custom", path: ["lines", i, "tax"], message: "must not exceed net" });
      sum.gross += l.gross;
      sum.discount += discount;
      sum.net += l.net;
      sum.tax += l.tax;
    });
    for (const k of ["gross", "discount", "net", "tax"] as const) {
      if (res.totals[k] !== sum[k]) {
        ctx.addIssue({ code: "custom", path: ["totals", k], message: "must equal the sum of the lines" });
      }
    }
  });
export type PriceResult = z.infer<typeof PriceResultSchema>;
