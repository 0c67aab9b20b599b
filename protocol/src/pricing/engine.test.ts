// Worked examples for priceBasket, each computed by hand from PRICING.md in the comments.
import { describe, expect, test } from "bun:test";
import { checkPromotions, priceBasket, priceBasketChecked } from "./engine.ts";
import { PricingError } from "./errors.ts";
import {
  type PriceLine,
  type PriceRequest,
  type PriceResult,
  PriceResultSchema,
  type Promotion,
} from "./schema.ts";

const AT = "2025-06-15T10:00:00+08:00";

function line(
  lineId: string,
  sku: string,
  unitPrice: number,
  qty: number,
  extra: Partial<PriceLine> = {},
): PriceLine {
  return { lineId, sku, category: "grocery", unitPrice, qty, taxRate: 13, ...extra };
}

function price(lines: PriceLine[], promotions: Promotion[], extra: Partial<PriceRequest> = {}): PriceResult {
  const result = priceBasket({ at: AT, storeId: "S1", lines, promotions, ...extra });
  // Every result must pass the receipt schema, arithmetic refinements included.
  PriceResultSchema.parse(result);
  return result;
}

/** lineId -> [promotionId, amount][] for compact assertions. */
function discounts(r: PriceResult): Record<string, [string, number][]> {
  return Object.fromEntries(
    r.lines.map((l) => [l.lineId, l.discounts.map((d) => [d.promotionId, d.amount])]),
  );
}

function pricingError(fn: () => unknown): PricingError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PricingError);
    return e as PricingError;
  }
  throw new Error("expected a PricingError");
}

describe("no promotions: gross, tax, totals", () => {
  test("unit and weighed lines, every tax rate", () => {
    const r = price(
      [
        // 1999 x 3 = 5997; tax 5997*13/113 = 689.97 -> 690
        line("1", "A", 1999, 3),
        // 1990 fen/kg x 250 g = 497.5 -> 498 (.5 up); tax 498*9/109 = 41.12 -> 41
        line("2", "APPLE", 1990, 250, { weighed: true, taxRate: 9 }),
        // 1234 fen/kg x 125 g = 154.25 -> 154; tax 154*6/106 = 8.72 -> 9
        line("3", "PEAR", 1234, 125, { weighed: true, taxRate: 6 }),
        // 1000 x 1, 0%: tax 0
        line("4", "BOOK", 1000, 1, { taxRate: 0 }),
      ],
      [],
    );
    expect(r.lines.map((l) => [l.gross, l.net, l.tax])).toEqual([
      [5997, 5997, 690],
      [498, 498, 41],
      [154, 154, 9],
      [1000, 1000, 0],
    ]);
    expect(r.totals).toEqual({ gross: 7649, discount: 0, net: 7649, tax: 740 });
    expect(r.applied).toEqual([]);
    expect(r.lines.every((l) => l.discounts.length === 0)).toBe(true);
  });

  test("empty basket", () => {
    expect(price([], [{ id: "t", kind: "threshold", min: 1, off: 1 }])).toEqual({
      lines: [],
      totals: { gross: 0, discount: 0, net: 0, tax: 0 },
      applied: [],
    });
  });

  test("lines come back in request order with their ids", () => {
    const r = price([line("z", "A", 100, 1), line("a", "B", 200, 1), line("m", "C", 300, 1)], []);
    expect(r.lines.map((l) => l.lineId)).toEqual(["z", "a", "m"]);
  });
});

describe("percent_off", () => {
  test("one rounding per line on the sum of its consumed units", () => {
    // A: 1999 x 3 = 5997 * 15% = 899.55 -> 900; net 5097; tax 5097*13/113 = 586.38 -> 586
    // B: 333 x 1 * 15% = 49.95 -> 50 (per-unit rounding would not matter here, but the rule is per line)
    // C: 10 x 3 = 30 * 15% = 4.5 -> 5 (.5 up); per unit it would be 3 x round(1.5) = 6
    const r = price(
      [line("1", "A", 1999, 3), line("2", "B", 333, 1), line("3", "C", 10, 3)],
      [{ id: "p15", kind: "percent_off", percent: 15 }],
    );
    expect(discounts(r)).toEqual({ "1": [["p15", 900]], "2": [["p15", 50]], "3": [["p15", 5]] });
    expect(r.lines[0]).toEqual({
      lineId: "1",
      gross: 5997,
      discounts: [{ promotionId: "p15", amount: 900 }],
      net: 5097,
      tax: 586,
    });
    expect(r.totals.discount).toBe(955);
    expect(r.applied).toEqual(["p15"]);
  });

  test("weighed line is one unit at its gross", () => {
    // 2980 fen/kg x 333 g = 992.34 -> 992; 10% = 99.2 -> 99
    const r = price(
      [line("1", "BEEF", 2980, 333, { weighed: true })],
      [{ id: "p", kind: "percent_off", percent: 10 }],
    );
    expect(r.lines[0]!.gross).toBe(992);
    expect(discounts(r)).toEqual({ "1": [["p", 99]] });
  });

  test("a line whose share rounds to 0 lists no discount", () => {
    // A: 1000 * 10% = 100; B: 4 * 10% = 0.4 -> 0, so no entry for B
    const r = price(
      [line("1", "A", 1000, 1), line("2", "B", 4, 1)],
      [{ id: "p", kind: "percent_off", percent: 10 }],
    );
    expect(discounts(r)).toEqual({ "1": [["p", 100]], "2": [] });
  });
});

describe("special_price and member_price", () => {
  test("only units priced above the special price, each gets unitPrice - price off", () => {
    // A 1000 x 2 -> 2 x (1000 - 800) = 400; B 500 is not above 800: untouched
    const r = price(
      [line("1", "A", 1000, 2), line("2", "B", 500, 1)],
      [{ id: "sp", kind: "special_price", price: 800, skus: ["A", "B"] }],
    );
    expect(discounts(r)).toEqual({ "1": [["sp", 400]], "2": [] });
    expect(r.lines[0]!.net).toBe(1600);
  });

  test("units not consumed by special_price stay free for other promotions", () => {
    // sp: A 1000 -> 200 off; B 500 not above 800, so not consumed; pct 10% then takes B: 50
    // round 1: sp = 200, pct = 100 + 50 = 150 -> sp; round 2: pct on B only = 50
    const r = price(
      [line("1", "A", 1000, 1), line("2", "B", 500, 1)],
      [
        { id: "sp", kind: "special_price", price: 800 },
        { id: "pct", kind: "percent_off", percent: 10 },
      ],
    );
    expect(discounts(r)).toEqual({ "1": [["sp", 200]], "2": [["pct", 50]] });
    expect(r.applied).toEqual(["sp", "pct"]);
  });

  test("weighed: gross - roundHalfUp(price * grams / 1000) when positive", () => {
    // gross 1990/kg x 250 g = 497.5 -> 498; at 1590/kg: 397.5 -> 398; off 100
    // second line: 1500/kg special is above 1400/kg shelf: no discount
    const r = price(
      [line("1", "APPLE", 1990, 250, { weighed: true }), line("2", "APPLE", 1400, 500, { weighed: true })],
      [
        { id: "sp", kind: "special_price", price: 1590, skus: ["APPLE"] },
        { id: "sp2", kind: "special_price", price: 1500, skus: ["APPLE"] },
      ],
    );
    // sp gives 100 on line 1, 0 on line 2; sp2 would give 498 - 375 = 123 on line 1 and also 0 on line 2
    // so sp2 (123) wins, consuming line 1; sp then finds nothing
    expect(discounts(r)).toEqual({ "1": [["sp2", 123]], "2": [] });
    expect(r.applied).toEqual(["sp2"]);
  });

  test("member_price needs a member of a listed tier; no tiers means any member", () => {
    const lines = [line("1", "A", 1000, 1)];
    const gold: Promotion = { id: "mp", kind: "member_price", price: 900, tiers: ["gold", "platinum"] };
    const anyMember: Promotion = { id: "mp", kind: "member_price", price: 900 };
    expect(price(lines, [gold]).applied).toEqual([]);
    expect(price(lines, [gold], { member: { id: "m1", tier: "silver" } }).applied).toEqual([]);
    expect(discounts(price(lines, [gold], { member: { id: "m1", tier: "gold" } }))).toEqual({
      "1": [["mp", 100]],
    });
    expect(price(lines, [anyMember]).applied).toEqual([]);
    expect(price(lines, [anyMember], { member: { id: "m1", tier: "basic" } }).applied).toEqual(["mp"]);
  });
});

describe("multi_buy", () => {
  test("pro rata by price, largest remainder; trailing incomplete group not consumed", () => {
    // "3 for 1000". Units sorted price desc, ties earlier line: A500 (l1), B400, B400 (l2), C400 (l3)
    // Group 1 = A, B, B: sum 1300, discount 300.
    //   A: 300*500/1300 = 115.38 -> 115 rem 500; each B: 300*400/1300 = 92.31 -> 92 rem 400
    //   floors 115 + 92 + 92 = 299, 1 fen left -> largest remainder A -> A 116, B 184
    // C is a trailing incomplete group: free, so pct (10%) gets it: 40.
    // Round 1: mb 300 vs pct 170 -> mb. Round 2: pct on C = 40.
    const r = price(
      [line("1", "A", 500, 1), line("2", "B", 400, 2), line("3", "C", 400, 1)],
      [
        { id: "mb", kind: "multi_buy", count: 3, price: 1000 },
        { id: "pct", kind: "percent_off", percent: 10 },
      ],
    );
    expect(discounts(r)).toEqual({ "1": [["mb", 116]], "2": [["mb", 184]], "3": [["pct", 40]] });
    expect(r.applied).toEqual(["mb", "pct"]);
    expect(r.totals).toEqual({ gross: 1700, discount: 340, net: 1360, tax: 44 + 71 + 41 });
  });

  test("equal remainders: the spare fen go to the units earlier in the basket", () => {
    // "3 for 1000" on 400 (l1), 400 (l2), 400 (l3): discount 200, each 66.67 -> 66, 2 fen left,
    // all remainders equal -> lines 1 and 2 get one each: 67, 67, 66
    const r = price(
      [line("1", "A", 400, 1), line("2", "B", 400, 1), line("3", "C", 400, 1)],
      [{ id: "mb", kind: "multi_buy", count: 3, price: 1000 }],
    );
    expect(discounts(r)).toEqual({ "1": [["mb", 67]], "2": [["mb", 67]], "3": [["mb", 66]] });
  });

  test("remainders decide the spare fen; equal remainders go to the unit earlier in the basket", () => {
    // "2 for 500" on A 200 (line 1) and B 400 (line 2). Sorted B, A. Sum 600, discount 100.
    // B: 100*400 = 40000 = 66*600 + 400; A: 100*200 = 20000 = 33*600 + 200.
    // Floors 99, 1 left -> larger remainder B: A 33, B 67
    const r1 = price(
      [line("1", "A", 200, 1), line("2", "B", 400, 1)],
      [{ id: "mb", kind: "multi_buy", count: 2, price: 500 }],
    );
    expect(discounts(r1)).toEqual({ "1": [["mb", 33]], "2": [["mb", 67]] });
    // "2 for 2" on A 1 (line 1) and B 3 (line 2). Sorted B, A. Sum 4, discount 2.
    // B: 2*3 = 6 = 1*4 + 2; A: 2*1 = 2 = 0*4 + 2. Floors 1, 1 left, remainders tie ->
    // the unit earlier in the basket (A, line 1), although B comes first in price order: A 1, B 1
    const r2 = price(
      [line("1", "A", 1, 1), line("2", "B", 3, 1)],
      [{ id: "mb", kind: "multi_buy", count: 2, price: 2 }],
    );
    expect(discounts(r2)).toEqual({ "1": [["mb", 1]], "2": [["mb", 1]] });
    // "3 for 3" on A 2 (l1), B 5 (l2), C 5 (l3): sum 12, discount 9.
    // B, C: 45 = 3*12 + 9 each; A: 18 = 1*12 + 6. Floors 7, 2 left -> B and C: A 1, B 4, C 4
    const r3 = price(
      [line("1", "A", 2, 1), line("2", "B", 5, 1), line("3", "C", 5, 1)],
      [{ id: "mb", kind: "multi_buy", count: 3, price: 3 }],
    );
    expect(discounts(r3)).toEqual({ "1": [["mb", 1]], "2": [["mb", 4]], "3": [["mb", 4]] });
  });

  test("whole groups inside one line, then a group spanning lines", () => {
    // "2 for 1500" on A 1000 x 5 (l1) and B 900 x 1 (l2). Sorted: A A A A A B.
    // Groups [A A] [A A] [A B]: 500 + 500 + (1900 - 1500 = 400)
    // Group 3 shares: A 400*1000/1900 = 210.53 -> 210 rem 10000 mod 1900 = 500... exactly:
    //   400000 = 210*1900 + 1000 -> rem 1000; B 360000 = 189*1900 + 900 -> rem 900; 1 left -> A
    //   A 211, B 189. Line A: 500 + 500 + 211 = 1211; line B: 189
    const r = price(
      [line("1", "A", 1000, 5), line("2", "B", 900, 1)],
      [{ id: "mb", kind: "multi_buy", count: 2, price: 1500 }],
    );
    expect(discounts(r)).toEqual({ "1": [["mb", 1211]], "2": [["mb", 189]] });
  });

  test("groups cheaper than the deal price: discount 0, still consumed (complete groups are consumed)", () => {
    // "2 for 1500": [1000 1000] -> 500; [300 300] -> max(0, 600 - 1500) = 0, yet consumed,
    // so pct (10%) gets nothing from C. Round 1: mb 500 vs pct 260 -> mb.
    const r = price(
      [line("1", "A", 1000, 2), line("2", "C", 300, 2)],
      [
        { id: "mb", kind: "multi_buy", count: 2, price: 1500 },
        { id: "pct", kind: "percent_off", percent: 10 },
      ],
    );
    expect(discounts(r)).toEqual({ "1": [["mb", 500]], "2": [] });
    expect(r.applied).toEqual(["mb"]);
  });

  test("weighed lines never take part", () => {
    const r = price(
      [line("1", "A", 1000, 2000, { weighed: true }), line("2", "B", 1000, 1)],
      [{ id: "mb", kind: "multi_buy", count: 2, price: 1000 }],
    );
    // only one unit item matches: no complete group
    expect(r.applied).toEqual([]);
  });

  test("large quantities are counted, not expanded", () => {
    // "3 for 1000" on 400 x 3_000_000: 1_000_000 groups x 200
    const r = price(
      [line("1", "A", 400, 3_000_000)],
      [{ id: "mb", kind: "multi_buy", count: 3, price: 1000 }],
    );
    expect(discounts(r)).toEqual({ "1": [["mb", 200_000_000]] });
  });
});

describe("buy_x_get_y", () => {
  test("groups of buy+get in price order; the last get units get percent off", () => {
    // buy 2 get 1 at 50%. Units sorted: A1000 A1000 B600 C300 C300 C300
    // [A A B]: B gets round(600 * 50%) = 300; [C C C]: last C gets 150. Total 450.
    const r = price(
      [line("1", "A", 1000, 2), line("2", "B", 600, 1), line("3", "C", 300, 3)],
      [{ id: "b2g1", kind: "buy_x_get_y", buy: 2, get: 1, percent: 50 }],
    );
    expect(discounts(r)).toEqual({ "1": [], "2": [["b2g1", 300]], "3": [["b2g1", 150]] });
  });

  test("percent defaults to 100 (free); rounding of the percent is half up per unit", () => {
    // buy 1 get 1 free: [A999 A999] -> 999 free; [B299 B299] -> 299 free
    const free = price(
      [line("1", "A", 999, 2), line("2", "B", 299, 2)],
      [{ id: "b1g1", kind: "buy_x_get_y", buy: 1, get: 1 }],
    );
    expect(discounts(free)).toEqual({ "1": [["b1g1", 999]], "2": [["b1g1", 299]] });
    // at 50%: 999 -> 499.5 -> 500; 299 -> 149.5 -> 150
    const half = price(
      [line("1", "A", 999, 2), line("2", "B", 299, 2)],
      [{ id: "b1g1", kind: "buy_x_get_y", buy: 1, get: 1, percent: 50 }],
    );
    expect(discounts(half)).toEqual({ "1": [["b1g1", 500]], "2": [["b1g1", 150]] });
  });

  test("get several: the cheapest units of a mixed group, across lines; trailing units stay free", () => {
    // buy 1 get 2 free. Sorted: A800 B500 B500 C200 C200 (then trailing C200 x 1... none)
    // lines: A x1, B x2, C x3 -> units A B B C C C; groups [A B B] [C C C]
    // [A B B]: the two B get 500 each -> 1000; [C C C]: two C free -> 400
    const r = price(
      [line("1", "A", 800, 1), line("2", "B", 500, 2), line("3", "C", 200, 3)],
      [{ id: "b1g2", kind: "buy_x_get_y", buy: 1, get: 2 }],
    );
    expect(discounts(r)).toEqual({ "1": [], "2": [["b1g2", 1000]], "3": [["b1g2", 400]] });
    // With one C fewer the second group is incomplete and C stays free for pct:
    const r2 = price(
      [line("1", "A", 800, 1), line("2", "B", 500, 2), line("3", "C", 200, 2)],
      [
        { id: "b1g2", kind: "buy_x_get_y", buy: 1, get: 2 },
        { id: "pct", kind: "percent_off", percent: 10 },
      ],
    );
    // round 1: b1g2 1000 vs pct 80+100+40 = 220 -> b1g2; round 2: pct on C (400) = 40
    expect(discounts(r2)).toEqual({ "1": [], "2": [["b1g2", 1000]], "3": [["pct", 40]] });
  });

  test("a mixed group whose free unit straddles lines", () => {
    // buy 2 get 2 free. Units: A700 A700 A700 (l1), B600 (l2), B600? no: B x1, C100 x1
    // Sorted: A A A B C -> group [A A A B] (complete), C trailing
    // last 2 of the group: A (third) and B -> 700 + 600
    const r = price(
      [line("1", "A", 700, 3), line("2", "B", 600, 1), line("3", "C", 100, 1)],
      [{ id: "b2g2", kind: "buy_x_get_y", buy: 2, get: 2 }],
    );
    expect(discounts(r)).toEqual({ "1": [["b2g2", 700]], "2": [["b2g2", 600]], "3": [] });
  });
});

describe("greedy choice among item-level promotions", () => {
  const lines = [line("1", "A", 1000, 1)];

  test("the largest total discount wins", () => {
    // pct 10% -> 100; sp 850 -> 150: sp wins and consumes A, pct finds nothing
    const r = price(lines, [
      { id: "pct", kind: "percent_off", percent: 10 },
      { id: "sp", kind: "special_price", price: 850 },
    ]);
    expect(r.applied).toEqual(["sp"]);
    expect(discounts(r)).toEqual({ "1": [["sp", 150]] });
  });

  test("ties: lower priority first", () => {
    // both 100 off; sp has priority 50 < default 100
    const r = price(lines, [
      { id: "a-pct", kind: "percent_off", percent: 10 },
      { id: "z-sp", kind: "special_price", price: 900, priority: 50 },
    ]);
    expect(r.applied).toEqual(["z-sp"]);
  });

  test("ties: then smaller id (plain code-unit order)", () => {
    const r = price(lines, [
      { id: "b", kind: "special_price", price: 900 },
      { id: "a", kind: "percent_off", percent: 10 },
      { id: "B", kind: "percent_off", percent: 10, priority: 100 },
    ]);
    // "B" < "a" < "b" in code units
    expect(r.applied).toEqual(["B"]);
  });

  test("at most one item-level promotion per unit; the loop goes on with what is left", () => {
    // "2 for 1500" on A 1000 x 3 -> [A A] 500, A left; pct 10% on 3 units would be 300.
    // Round 1: mb 500 > pct 300 -> mb. Round 2: pct on the free A -> 100.
    const r = price(
      [line("1", "A", 1000, 3)],
      [
        { id: "pct", kind: "percent_off", percent: 10 },
        { id: "mb", kind: "multi_buy", count: 2, price: 1500 },
      ],
    );
    expect(r.applied).toEqual(["mb", "pct"]);
    expect(discounts(r)).toEqual({
      "1": [
        ["mb", 500],
        ["pct", 100],
      ],
    });
    expect(r.lines[0]!.net).toBe(2400);
  });

  test("a promotion with no discount is not applied", () => {
    const r = price(lines, [{ id: "sp", kind: "special_price", price: 1000 }]);
    expect(r.applied).toEqual([]);
    expect(r.totals.discount).toBe(0);
  });
});

describe("basket level: threshold and threshold_percent", () => {
  const three = [line("1", "A", 10000, 1), line("2", "B", 5000, 1), line("3", "C", 10000, 1)]; // E = 25000

  test("threshold: off once, repeated, capped", () => {
    // E 25000 >= 10000: off 1000, shared 10000:5000:10000 -> 400, 200, 400
    const once = price(three, [{ id: "t", kind: "threshold", min: 10000, off: 1000 }]);
    expect(discounts(once)).toEqual({ "1": [["t", 400]], "2": [["t", 200]], "3": [["t", 400]] });
    // repeat: 1000 x floor(25000 / 10000) = 2000 -> 800, 400, 800
    const rep = price(three, [{ id: "t", kind: "threshold", min: 10000, off: 1000, repeat: true }]);
    expect(rep.totals.discount).toBe(2000);
    expect(discounts(rep)).toEqual({ "1": [["t", 800]], "2": [["t", 400]], "3": [["t", 800]] });
    // cap 1500: 2000 -> 1500 -> 600, 300, 600
    const capped = price(three, [
      { id: "t", kind: "threshold", min: 10000, off: 1000, repeat: true, cap: 1500 },
    ]);
    expect(discounts(capped)).toEqual({ "1": [["t", 600]], "2": [["t", 300]], "3": [["t", 600]] });
  });

  test("threshold below min does nothing; exactly min qualifies", () => {
    expect(price(three, [{ id: "t", kind: "threshold", min: 25001, off: 1000 }]).applied).toEqual([]);
    expect(price(three, [{ id: "t", kind: "threshold", min: 25000, off: 1000 }]).applied).toEqual(["t"]);
  });

  test("never above E", () => {
    // E = 300: off 500 -> 300; repeat 500 x 3 = 1500 -> 300
    const small = [line("1", "A", 100, 1), line("2", "B", 200, 1)];
    const r = price(small, [{ id: "t", kind: "threshold", min: 100, off: 500 }]);
    expect(discounts(r)).toEqual({ "1": [["t", 100]], "2": [["t", 200]] });
    expect(r.totals.net).toBe(0);
    expect(r.totals.tax).toBe(0);
    const rr = price(small, [{ id: "t", kind: "threshold", min: 100, off: 500, repeat: true }]);
    expect(rr.totals.discount).toBe(300);
  });

  test("largest remainder by current net, ties to the earlier line", () => {
    // off 100 over nets 100, 100, 100: 33.33 each, 1 left -> line 1: 34, 33, 33
    const eq = price(
      [line("1", "A", 100, 1), line("2", "B", 100, 1), line("3", "C", 100, 1)],
      [{ id: "t", kind: "threshold", min: 300, off: 100 }],
    );
    expect(discounts(eq)).toEqual({ "1": [["t", 34]], "2": [["t", 33]], "3": [["t", 33]] });
    // off 1000 over 3333, 3333, 3334 (E 10000): 333.3, 333.3, 333.4 -> 1 left to line 3
    const uneven = price(
      [line("1", "A", 3333, 1), line("2", "B", 3333, 1), line("3", "C", 3334, 1)],
      [{ id: "t", kind: "threshold", min: 10000, off: 1000 }],
    );
    expect(discounts(uneven)).toEqual({ "1": [["t", 333]], "2": [["t", 333]], "3": [["t", 334]] });
  });

  test("threshold_percent: roundHalfUp(E * percent / 100)", () => {
    // E = 12345 >= 10000: 12345 * 10% = 1234.5 -> 1235, shared 10000:2345 ->
    // 1235*10000/12345 = 1000.41 -> 1000 (rem 5000); 1235*2345/12345 = 234.59 -> 234 (rem 7300)
    // 1 left -> line 2: 1000, 235
    const r = price(
      [line("1", "A", 10000, 1), line("2", "B", 2345, 1)],
      [{ id: "tp", kind: "threshold_percent", min: 10000, percent: 10 }],
    );
    expect(discounts(r)).toEqual({ "1": [["tp", 1000]], "2": [["tp", 235]] });
    // E = 9999 < 10000: nothing
    const below = price(
      [line("1", "A", 9999, 1)],
      [{ id: "tp", kind: "threshold_percent", min: 10000, percent: 10 }],
    );
    expect(below.applied).toEqual([]);
  });

  test("basket level runs after item level, on current nets, in priority then id order", () => {
    // Item level: pct 10% on A (10000 -> 1000 off) -> nets 9000, 1500 (E 10500)
    // t-b (priority 10) first: E 10500 >= 5000 -> 1000 off, shared 9000:1500 ->
    //   1000*9000/10500 = 857.14 -> 857 (rem 1500), 1000*1500/10500 = 142.86 -> 142 (rem 9000) -> B 143
    //   nets 8143, 1357 (E 9500)
    // t-a (priority 100) next: E 9500 < 10000 -> not applied. (In id order it would have applied.)
    const r = price(
      [line("1", "A", 10000, 1), line("2", "B", 1500, 1)],
      [
        { id: "t-a", kind: "threshold", min: 10000, off: 500 },
        { id: "t-b", kind: "threshold", min: 5000, off: 1000, priority: 10 },
        { id: "pct", kind: "percent_off", percent: 10, skus: ["A"] },
      ],
    );
    expect(r.applied).toEqual(["pct", "t-b"]);
    expect(discounts(r)).toEqual({
      "1": [
        ["pct", 1000],
        ["t-b", 857],
      ],
      "2": [["t-b", 143]],
    });
    // same priority: id order, "t-a" before "t-b"
    const r2 = price(
      [line("1", "A", 10000, 1), line("2", "B", 1500, 1)],
      [
        { id: "t-b", kind: "threshold", min: 5000, off: 1000 },
        { id: "t-a", kind: "threshold", min: 10000, off: 500 },
      ],
    );
    expect(r2.applied).toEqual(["t-a", "t-b"]);
  });

  test("only matching lines count toward E and share the discount", () => {
    // categories ["dairy"]: lines 1 and 3, E = 3000 + 2000 = 5000 >= 5000 -> 500 off 300:200
    const r = price(
      [
        line("1", "MILK", 3000, 1, { category: "dairy" }),
        line("2", "BREAD", 9000, 1, { category: "bakery" }),
        line("3", "CHEESE", 2000, 1, { category: "dairy" }),
      ],
      [{ id: "t", kind: "threshold", min: 5000, off: 500, categories: ["dairy"] }],
    );
    expect(discounts(r)).toEqual({ "1": [["t", 300]], "2": [], "3": [["t", 200]] });
  });
});

describe("activity filter", () => {
  const lines = [line("1", "A", 1000, 1)];
  const pct = (extra: Partial<Promotion>): Promotion =>
    ({ id: "p", kind: "percent_off", percent: 10, ...extra }) as Promotion;

  test("stores: absent = every store", () => {
    expect(price(lines, [pct({})]).applied).toEqual(["p"]);
    expect(price(lines, [pct({ stores: ["S1", "S2"] })]).applied).toEqual(["p"]);
    expect(price(lines, [pct({ stores: ["S2"] })]).applied).toEqual([]);
  });

  test("window: startsAt inclusive, endsAt exclusive, compared as instants", () => {
    const window = { startsAt: "2025-06-15T10:00:00+08:00", endsAt: "2025-06-15T12:00:00+08:00" };
    const at = (t: string) => price(lines, [pct(window)], { at: t }).applied.length;
    expect(at("2025-06-15T10:00:00+08:00")).toBe(1); // at == startsAt: active
    expect(at("2025-06-15T09:59:59.999+08:00")).toBe(0);
    expect(at("2025-06-15T11:59:59.999+08:00")).toBe(1);
    expect(at("2025-06-15T12:00:00+08:00")).toBe(0); // at == endsAt: over
    // the same instants in UTC
    expect(at("2025-06-15T02:00:00Z")).toBe(1);
    expect(at("2025-06-15T04:00:00Z")).toBe(0);
    expect(at("2025-06-15T03:59:59.999Z")).toBe(1);
    // open-ended windows
    expect(price(lines, [pct({ startsAt: "2025-06-15T10:00:00+08:00" })]).applied).toEqual(["p"]);
    expect(price(lines, [pct({ endsAt: "2025-06-15T10:00:00+08:00" })]).applied).toEqual([]);
  });

  test("coupon-gated promotions need the code presented", () => {
    const p = pct({ couponCode: "SAVE10" });
    expect(price(lines, [p]).applied).toEqual([]);
    expect(price(lines, [p], { coupons: ["OTHER"] }).applied).toEqual([]);
    expect(price(lines, [p], { coupons: ["OTHER", "SAVE10"] }).applied).toEqual(["p"]);
  });

  test("skus and categories: neither = all, both = either", () => {
    const basket = [
      line("1", "A", 1000, 1, { category: "snacks" }),
      line("2", "B", 1000, 1, { category: "dairy" }),
      line("3", "C", 1000, 1, { category: "drinks" }),
    ];
    const both = price(basket, [pct({ skus: ["A"], categories: ["dairy"] })]);
    expect(discounts(both)).toEqual({ "1": [["p", 100]], "2": [["p", 100]], "3": [] });
    const skus = price(basket, [pct({ skus: ["C", "X"] })]);
    expect(discounts(skus)).toEqual({ "1": [], "2": [], "3": [["p", 100]] });
    const cats = price(basket, [pct({ categories: ["snacks", "drinks"] })]);
    expect(discounts(cats)).toEqual({ "1": [["p", 100]], "2": [], "3": [["p", 100]] });
    const all = price(basket, [pct({})]);
    expect(all.totals.discount).toBe(300);
  });
});

describe("validation: PricingError names the field", () => {
  const good = (): PriceRequest => ({
    at: AT,
    storeId: "S1",
    lines: [line("1", "A", 100, 1), line("2", "B", 200, 2), line("3", "C", 300, 3)],
    promotions: [{ id: "p", kind: "percent_off", percent: 10 }],
  });
  const cases: [string, (r: Record<string, unknown> & PriceRequest) => unknown, string][] = [
    ["negative qty", (r) => Object.assign(r.lines[2]!, { qty: -1 }), "lines[2].qty"],
    ["zero qty", (r) => Object.assign(r.lines[0]!, { qty: 0 }), "lines[0].qty"],
    ["fractional qty", (r) => Object.assign(r.lines[1]!, { qty: 1.5 }), "lines[1].qty"],
    ["fractional fen", (r) => Object.assign(r.lines[0]!, { unitPrice: 12.5 }), "lines[0].unitPrice"],
    ["negative price", (r) => Object.assign(r.lines[0]!, { unitPrice: -1 }), "lines[0].unitPrice"],
    ["NaN price", (r) => Object.assign(r.lines[0]!, { unitPrice: Number.NaN }), "lines[0].unitPrice"],
    ["price as string", (r) => Object.assign(r.lines[0]!, { unitPrice: "12.34" }), "lines[0].unitPrice"],
    ["unsafe integer", (r) => Object.assign(r.lines[0]!, { unitPrice: 2 ** 53 }), "lines[0].unitPrice"],
    ["tax rate out of range", (r) => Object.assign(r.lines[1]!, { taxRate: 113 }), "lines[1].taxRate"],
    ["missing sku", (r) => delete (r.lines[1] as Partial<PriceLine>).sku, "lines[1].sku"],
    ["unknown line key", (r) => Object.assign(r.lines[1]!, { discount: 5 }), "lines[1].discount"],
    ["duplicate lineId", (r) => Object.assign(r.lines[2]!, { lineId: "1" }), "lines[2].lineId"],
    ["gross past 2^53", (r) => Object.assign(r.lines[0]!, { unitPrice: 2 ** 52, qty: 4 }), "lines[0].qty"],
    ["unknown kind", (r) => Object.assign(r.promotions[0]!, { kind: "bogo" }), "promotions[0].kind"],
    ["no kind", (r) => delete (r.promotions[0] as Partial<Promotion>).kind, "promotions[0].kind"],
    ["promotion not an object", (r) => r.promotions.push(null as unknown as Promotion), "promotions[1]"],
    ["line not an object", (r) => r.lines.push(7 as unknown as PriceLine), "lines[3]"],
    [
      "missing kind field",
      (r) => delete (r.promotions[0] as Partial<{ percent: number }>).percent,
      "promotions[0].percent",
    ],
    ["percent above 100", (r) => Object.assign(r.promotions[0]!, { percent: 101 }), "promotions[0].percent"],
    ["field of another kind", (r) => Object.assign(r.promotions[0]!, { price: 5 }), "promotions[0].price"],
    [
      "tiers on a non-member kind",
      (r) => Object.assign(r.promotions[0]!, { tiers: ["gold"] }),
      "promotions[0].tiers",
    ],
    ["empty skus list", (r) => Object.assign(r.promotions[0]!, { skus: [] }), "promotions[0].skus"],
    [
      "bad window",
      (r) => Object.assign(r.promotions[0]!, { startsAt: AT, endsAt: AT }),
      "promotions[0].endsAt",
    ],
    [
      "window without offset",
      (r) => Object.assign(r.promotions[0]!, { startsAt: "2025-06-15T10:00:00" }),
      "promotions[0].startsAt",
    ],
    [
      "impossible date",
      (r) => Object.assign(r.promotions[0]!, { endsAt: "2025-02-30T10:00:00Z" }),
      "promotions[0].endsAt",
    ],
    [
      "fractional priority",
      (r) => Object.assign(r.promotions[0]!, { priority: 1.5 }),
      "promotions[0].priority",
    ],
    [
      "duplicate promotion id",
      (r) => r.promotions.push({ id: "p", kind: "percent_off", percent: 5 }),
      "promotions[1].id",
    ],
    [
      "threshold min 0",
      (r) => r.promotions.push({ id: "t", kind: "threshold", min: 0, off: 1 }),
      "promotions[1].min",
    ],
    [
      "multi_buy count 0",
      (r) => r.promotions.push({ id: "m", kind: "multi_buy", count: 0, price: 1 }),
      "promotions[1].count",
    ],
    ["at missing", (r) => delete (r as Partial<PriceRequest>).at, "at"],
    ["at not ISO", (r) => Object.assign(r, { at: "yesterday" }), "at"],
    ["unknown top-level key", (r) => Object.assign(r, { cashier: "c1" }), "cashier"],
    ["member without tier", (r) => Object.assign(r, { member: { id: "m1" } }), "member.tier"],
    ["lines not an array", (r) => Object.assign(r, { lines: {} }), "lines"],
  ];
  test.each(cases)("%s", (_, mutate, field) => {
    const r = good() as Record<string, unknown> & PriceRequest;
    mutate(r);
    const e = pricingError(() => priceBasket(r));
    expect(e.field).toBe(field);
    expect(e.message).toStartWith(`${field}: `);
  });

  test.each(cases)("checked once, then priced: %s names the same field", (_, mutate, field) => {
    const r = good() as Record<string, unknown> & PriceRequest;
    mutate(r);
    const { promotions, ...basket } = r;
    const e = pricingError(() => priceBasketChecked(basket, checkPromotions(promotions)));
    expect(e.field).toBe(field);
    expect(e.message).toStartWith(`${field}: `);
  });

  test("not an object at all", () => {
    expect(pricingError(() => priceBasket(null as unknown as PriceRequest)).field).toBe("request");
    expect(pricingError(() => priceBasket("basket" as unknown as PriceRequest)).field).toBe("request");
  });

  test("an invalid promotion is an error even when it could never be active", () => {
    const r = good();
    r.promotions.push({ id: "q", kind: "percent_off", percent: 0, stores: ["elsewhere"] } as Promotion);
    expect(pricingError(() => priceBasket(r)).field).toBe("promotions[1].percent");
  });

  test("the input is not modified", () => {
    const r = good();
    const before = structuredClone(r);
    priceBasket(r);
    expect(r).toEqual(before);
  });
});
