import { describe, expect, test } from "bun:test";
import { priceBasket } from "./engine.ts";
import { formatFieldPath } from "./errors.ts";
import { benchRequest } from "./pricing.bench.ts";
import {
  BASKET_LEVEL_KINDS,
  ITEM_LEVEL_KINDS,
  instantMs,
  lineGross,
  PROMOTION_KINDS,
  PriceRequestSchema,
  type PriceResult,
  PriceResultSchema,
  PromotionV1,
} from "./schema.ts";

describe("PromotionV1", () => {
  const minimal: Record<string, Record<string, unknown>> = {
    percent_off: { percent: 10 },
    special_price: { price: 990 },
    member_price: { price: 990 },
    multi_buy: { count: 3, price: 1000 },
    buy_x_get_y: { buy: 2, get: 1 },
    threshold: { min: 10000, off: 1000 },
    threshold_percent: { min: 10000, percent: 5 },
  };

  test("display names are optional, bounded, and do not change the price", () => {
    const named = {
      id: "P1",
      kind: "threshold",
      min: 10000,
      off: 2000,
      name: "满100减20",
      nameEn: "20 off 100",
    };
    expect(PromotionV1.safeParse(named).success).toBe(true);
    const tooLong = PromotionV1.safeParse({ ...named, name: "满".repeat(41) });
    expect(tooLong.success || tooLong.error.issues[0]!.path).toEqual(["name"]);
    expect(PromotionV1.safeParse({ ...named, name: "" }).success).toBe(false);
    const request = {
      at: "2026-11-25T10:00:00+08:00",
      storeId: "S001",
      lines: [{ lineId: "l1", sku: "A", category: "1001", unitPrice: 12000, qty: 1, taxRate: 13 }],
    };
    const { name: _n, nameEn: _e, ...unnamed } = named;
    expect(priceBasket({ ...request, promotions: [named as never] })).toEqual(
      priceBasket({ ...request, promotions: [unnamed as never] }),
    );
  });

  test("every kind is covered, item and basket kinds partition them", () => {
    expect(Object.keys(minimal).sort()).toEqual([...PROMOTION_KINDS].sort());
    expect([...ITEM_LEVEL_KINDS, ...BASKET_LEVEL_KINDS].sort()).toEqual([...PROMOTION_KINDS].sort());
  });

  test.each(Object.entries(minimal))(
    "%s: minimal shape parses; each required field is required",
    (kind, fields) => {
      expect(PromotionV1.safeParse({ id: "p", kind, ...fields }).success).toBe(true);
      for (const key of Object.keys(fields)) {
        const { [key]: _, ...rest } = fields;
        const r = PromotionV1.safeParse({ id: "p", kind, ...rest });
        expect(r.success).toBe(false);
        expect(r.error?.issues[0]?.path).toEqual([key]);
      }
    },
  );

  test("the full common shape", () => {
    const p = PromotionV1.parse({
      id: "p",
      kind: "member_price",
      price: 990,
      priority: 5,
      skus: ["A"],
      categories: ["dairy"],
      stores: ["S1"],
      startsAt: "2025-06-01T00:00:00+08:00",
      endsAt: "2025-07-01T00:00:00Z",
      couponCode: "VIP",
      tiers: ["gold"],
    });
    expect(p.kind).toBe("member_price");
  });

  test("optional kind fields", () => {
    expect(PromotionV1.safeParse({ id: "p", kind: "buy_x_get_y", buy: 1, get: 1, percent: 50 }).success).toBe(
      true,
    );
    expect(
      PromotionV1.safeParse({ id: "p", kind: "threshold", min: 100, off: 10, repeat: true, cap: 50 }).success,
    ).toBe(true);
    expect(PromotionV1.safeParse({ id: "p", kind: "threshold", min: 100, off: 10, percent: 5 }).success).toBe(
      false,
    );
  });
});

describe("PriceRequestSchema", () => {
  test("the bench request is valid and deterministic", () => {
    const a = benchRequest();
    expect(PriceRequestSchema.safeParse(a).success).toBe(true);
    expect(a.lines).toHaveLength(60);
    expect(a.promotions).toHaveLength(300);
    expect(new Set(a.promotions.map((p) => p.kind))).toEqual(new Set(PROMOTION_KINDS));
    expect(a.lines.some((l) => l.weighed)).toBe(true);
    expect(benchRequest()).toEqual(a);
  });
});

describe("lineGross", () => {
  test("unit and weighed", () => {
    expect(lineGross({ unitPrice: 1999, qty: 3 })).toBe(5997);
    expect(lineGross({ unitPrice: 1990, qty: 250, weighed: true })).toBe(498); // 497.5 -> 498
    expect(lineGross({ unitPrice: 1990, qty: 1, weighed: true })).toBe(2); // 1.99 -> 2
    expect(lineGross({ unitPrice: 1000, qty: 1, weighed: true })).toBe(1);
    expect(lineGross({ unitPrice: 499, qty: 1, weighed: true })).toBe(0); // 0.499 -> 0
  });
});

describe("PriceResultSchema", () => {
  const ok: PriceResult = {
    lines: [
      { lineId: "1", gross: 1000, discounts: [{ promotionId: "p", amount: 100 }], net: 900, tax: 104 },
      { lineId: "2", gross: 500, discounts: [], net: 500, tax: 58 },
    ],
    totals: { gross: 1500, discount: 100, net: 1400, tax: 162 },
    applied: ["p"],
  };

  test("accepts a receipt that adds up", () => {
    expect(PriceResultSchema.safeParse(ok).success).toBe(true);
  });

  const cases: [string, (r: PriceResult) => void, (string | number)[]][] = [
    [
      "net not gross minus discounts",
      (r) => {
        r.lines[0]!.net = 901;
      },
      ["lines", 0, "net"],
    ],
    [
      "tax above net",
      (r) => {
        r.lines[1]!.tax = 501;
      },
      ["lines", 1, "tax"],
    ],
    [
      "totals not the sum",
      (r) => {
        r.totals.tax = 163;
      },
      ["totals", "tax"],
    ],
    [
      "zero discount listed",
      (r) => {
        r.lines[1]!.discounts.push({ promotionId: "q", amount: 0 });
      },
      ["lines", 1, "discounts", 0, "amount"],
    ],
    [
      "fractional fen",
      (r) => {
        r.lines[1]!.gross = 500.5;
      },
      ["lines", 1, "gross"],
    ],
  ];
  test.each(cases)("rejects %s", (_, mutate, path) => {
    const r = structuredClone(ok);
    mutate(r);
    const parsed = PriceResultSchema.safeParse(r);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(path);
  });
});

describe("instantMs and field paths", () => {
  test("instants with offsets; anything else is NaN", () => {
    expect(instantMs("2025-06-15T10:00:00+08:00")).toBe(Date.UTC(2025, 5, 15, 2));
    expect(instantMs("2025-06-15T02:00:00.250Z")).toBe(Date.UTC(2025, 5, 15, 2, 0, 0, 250));
    for (const bad of ["2025-06-15T10:00:00", "2025-06-15", "2025-02-30T00:00:00Z", "soon", ""]) {
      expect(instantMs(bad)).toBeNaN();
    }
  });

  test("formatFieldPath", () => {
    expect(formatFieldPath(["lines", 2, "qty"])).toBe("lines[2].qty");
    expect(formatFieldPath(["promotions", 0, "skus", 1])).toBe("promotions[0].skus[1]");
    expect(formatFieldPath(["at"])).toBe("at");
    expect(formatFieldPath([])).toBe("request");
    expect(formatFieldPath([3, "a"], "line")).toBe("[3].a");
  });
});
