// Properties of priceBasket over random baskets, and a check against a deliberately naive
// oracle: PRICING.md transcribed literally, expanding every unit and re-evaluating every
// promotion every round. The engine counts units instead of expanding them and caches
// evaluations; the oracle is the reading of the text it must agree with.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { allocateLargestRemainder, mulDivRoundHalfUp, roundHalfUp } from "../money.ts";
import { checkPromotions, priceBasket, priceBasketChecked } from "./engine.ts";
import {
  type PriceLine,
  type PriceRequest,
  type PriceResult,
  PriceResultSchema,
  type Promotion,
} from "./schema.ts";

// ---------------------------------------------------------------------------------------------
// The oracle

interface OUnit {
  line: number;
  price: number;
  /** Position in the basket: line order, then unit order within the line. */
  pos: number;
  weighed: boolean;
  used: boolean;
}

function oracle(req: PriceRequest): PriceResult {
  const at = Date.parse(req.at);
  const active = req.promotions.filter((p) => {
    if (p.stores && !p.stores.includes(req.storeId)) return false;
    if (p.startsAt && !(Date.parse(p.startsAt) <= at)) return false;
    if (p.endsAt && !(at < Date.parse(p.endsAt))) return false;
    if (p.couponCode && !(req.coupons ?? []).includes(p.couponCode)) return false;
    if (p.kind === "member_price" && (!req.member || (p.tiers && !p.tiers.includes(req.member.tier))))
      return false;
    return true;
  });
  const matches = (p: Promotion, l: PriceLine) =>
    (!p.skus && !p.categories) || !!p.skus?.includes(l.sku) || !!p.categories?.includes(l.category);

  const gross = req.lines.map((l) =>
    l.weighed ? roundHalfUp(l.unitPrice * l.qty, 1000) : l.unitPrice * l.qty,
  );
  const net = gross.slice();
  const disc: { promotionId: string; amount: number }[][] = req.lines.map(() => []);
  const applied: string[] = [];

  const units: OUnit[] = [];
  req.lines.forEach((l, i) => {
    if (l.weighed) units.push({ line: i, price: gross[i]!, pos: units.length, weighed: true, used: false });
    else
      for (let k = 0; k < l.qty; k++)
        units.push({ line: i, price: l.unitPrice, pos: units.length, weighed: false, used: false });
  });

  const itemKinds = ["percent_off", "special_price", "member_price", "multi_buy", "buy_x_get_y"];
  const done = new Set<string>();
  for (;;) {
    let best: {
      p: Promotion;
      total: number;
      perUnit: Map<OUnit, number>;
      perLine: Map<number, number>;
      used: OUnit[];
    } | null = null;
    for (const p of active) {
      if (!itemKinds.includes(p.kind) || done.has(p.id)) continue;
      const unitOnly = p.kind === "multi_buy" || p.kind === "buy_x_get_y";
      const free = units.filter((u) => !u.used && matches(p, req.lines[u.line]!) && !(unitOnly && u.weighed));
      const perUnit = new Map<OUnit, number>();
      const perLine = new Map<number, number>();
      const used: OUnit[] = [];
      if (p.kind === "percent_off") {
        used.push(...free);
        const sums = new Map<number, number>();
        for (const u of free) sums.set(u.line, (sums.get(u.line) ?? 0) + u.price);
        for (const [ln, sum] of sums) perLine.set(ln, mulDivRoundHalfUp(sum, p.percent, 100));
      } else if (p.kind === "special_price" || p.kind === "member_price") {
        for (const u of free) {
          const l = req.lines[u.line]!;
          const off = u.weighed ? u.price - roundHalfUp(p.price * l.qty, 1000) : u.price - p.price;
          if (off > 0) {
            used.push(u);
            perUnit.set(u, off);
          }
        }
      } else if (p.kind === "multi_buy" || p.kind === "buy_x_get_y") {
        const sorted = free.slice().sort((a, b) => b.price - a.price || a.pos - b.pos);
        const size = p.kind === "multi_buy" ? p.count : p.buy + p.get;
        for (let g = 0; g + size <= sorted.length; g += size) {
          const group = sorted.slice(g, g + size);
          used.push(...group);
          if (p.kind === "multi_buy") {
            const d = Math.max(0, group.reduce((a, u) => a + u.price, 0) - p.price);
            // largest remainder with ties to the unit earlier in the basket: allocate in basket order
            const inBasketOrder = group.slice().sort((a, b) => a.pos - b.pos);
            const shares = allocateLargestRemainder(
              d,
              inBasketOrder.map((u) => u.price),
            );
            inBasketOrder.forEach((u, i) => {
              perUnit.set(u, shares[i]!);
            });
          } else {
            for (const u of group.slice(size - p.get))
              perUnit.set(u, mulDivRoundHalfUp(u.price, p.percent ?? 100, 100));
          }
        }
      }
      for (const [u, a] of perUnit) perLine.set(u.line, (perLine.get(u.line) ?? 0) + a);
      const total = [...perLine.values()].reduce((a, b) => a + b, 0);
      const prio = (x: Promotion) => x.priority ?? 100;
      if (
        !best ||
        total > best.total ||
        (total === best.total && (prio(p) < prio(best.p) || (prio(p) === prio(best.p) && p.id < best.p.id)))
      ) {
        best = { p, total, perUnit, perLine, used };
      }
    }
    if (!best || best.total <= 0) break;
    done.add(best.p.id);
    applied.push(best.p.id);
    for (const u of best.used) u.used = true;
    for (const [ln, a] of [...best.perLine].sort((x, y) => x[0] - y[0])) {
      if (a > 0) {
        disc[ln]!.push({ promotionId: best.p.id, amount: a });
        net[ln]! -= a;
      }
    }
  }

  const basket = active
    .filter((p) => p.kind === "threshold" || p.kind === "threshold_percent")
    .sort((a, b) => (a.priority ?? 100) - (b.priority ?? 100) || (a.id < b.id ? -1 : 1));
  for (const p of basket) {
    const idx = req.lines.map((_, i) => i).filter((i) => matches(p, req.lines[i]!));
    const e = idx.reduce((a, i) => a + net[i]!, 0);
    if (e < p.min) continue;
    let d: number;
    if (p.kind === "threshold") {
      d = p.repeat ? p.off * Math.floor(e / p.min) : p.off;
      if (p.cap !== undefined) d = Math.min(d, p.cap);
      d = Math.min(d, e);
    } else {
      d = roundHalfUp(e * p.percent, 100);
    }
    if (d <= 0) continue;
    const shares = allocateLargestRemainder(
      d,
      idx.map((i) => net[i]!),
    );
    idx.forEach((i, k) => {
      if (shares[k]! > 0) {
        disc[i]!.push({ promotionId: p.id, amount: shares[k]! });
        net[i]! -= shares[k]!;
      }
    });
    applied.push(p.id);
  }

  const lines = req.lines.map((l, i) => ({
    lineId: l.lineId,
    gross: gross[i]!,
    discounts: disc[i]!,
    net: net[i]!,
    tax: roundHalfUp(net[i]! * l.taxRate, 100 + l.taxRate),
  }));
  const sum = (f: (x: (typeof lines)[number]) => number) => lines.reduce((a, x) => a + f(x), 0);
  return {
    lines,
    totals: {
      gross: sum((x) => x.gross),
      discount: sum((x) => x.gross - x.net),
      net: sum((x) => x.net),
      tax: sum((x) => x.tax),
    },
    applied,
  };
}

// ---------------------------------------------------------------------------------------------
// Generators: small pools of skus, categories, prices and priorities so that overlaps, ties and
// equal remainders are common rather than rare.

const SKUS = ["A", "B", "C", "D", "E"];
const CATS = ["x", "y", "z"];
const AT = "2025-06-15T10:00:00+08:00";

const lineArb = fc.record({
  sku: fc.constantFrom(...SKUS),
  category: fc.constantFrom(...CATS),
  weighed: fc.boolean(),
  unitPrice: fc.oneof(
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 0, max: 5000 }),
    fc.constantFrom(100, 200, 300, 400, 500, 1000),
  ),
  qtyUnits: fc.integer({ min: 1, max: 7 }),
  grams: fc.integer({ min: 1, max: 3000 }),
  taxRate: fc.constantFrom(0, 6, 9, 13),
});

const targetArb = fc.record(
  {
    skus: fc.uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: 3 }),
    categories: fc.uniqueArray(fc.constantFrom(...CATS), { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);

// Mostly no filter at all, so that several promotions are live together.
const filterArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: fc.record({ priority: fc.constantFrom(10, 100) }, { requiredKeys: [] }) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        stores: fc.constantFrom(["S1"], ["S2"], ["S1", "S2"]),
        startsAt: fc.constantFrom(
          "2025-06-15T10:00:00+08:00",
          "2025-06-15T10:00:00.001+08:00",
          "2025-01-01T00:00:00Z",
        ),
        endsAt: fc.constantFrom(
          "2025-06-15T10:00:00.001+08:00",
          "2025-06-15T02:00:00Z",
          "2026-01-01T00:00:00Z",
        ),
        couponCode: fc.constantFrom("C1", "C2"),
        priority: fc.constantFrom(10, 100, 100),
      },
      { requiredKeys: [] },
    ),
  },
);

// Parameters mostly from small pools: equal discounts (ties on priority and id) and equal
// remainders must be frequent, not one-in-a-million.
const percentArb = fc.oneof(fc.constantFrom(10, 20, 50, 100), fc.integer({ min: 1, max: 100 }));
const setPriceArb = fc.oneof(
  fc.constantFrom(0, 1, 2, 100, 150, 200, 300, 350),
  fc.integer({ min: 0, max: 3000 }),
);

const kindArb = fc.oneof(
  fc.record({ kind: fc.constant("percent_off" as const), percent: percentArb }),
  fc.record({ kind: fc.constant("special_price" as const), price: setPriceArb }),
  fc.record(
    {
      kind: fc.constant("member_price" as const),
      price: setPriceArb,
      tiers: fc.constantFrom(["gold"], ["silver", "gold"], ["basic"]),
    },
    { requiredKeys: ["kind", "price"] },
  ),
  fc.record({
    kind: fc.constant("multi_buy" as const),
    count: fc.integer({ min: 1, max: 4 }),
    price: setPriceArb,
  }),
  fc.record(
    {
      kind: fc.constant("buy_x_get_y" as const),
      buy: fc.integer({ min: 1, max: 3 }),
      get: fc.integer({ min: 1, max: 2 }),
      percent: percentArb,
    },
    { requiredKeys: ["kind", "buy", "get"] },
  ),
  fc.record(
    {
      kind: fc.constant("threshold" as const),
      min: fc.integer({ min: 1, max: 5000 }),
      off: fc.integer({ min: 1, max: 3000 }),
      repeat: fc.boolean(),
      cap: fc.integer({ min: 0, max: 4000 }),
    },
    { requiredKeys: ["kind", "min", "off"] },
  ),
  fc.record({
    kind: fc.constant("threshold_percent" as const),
    min: fc.integer({ min: 0, max: 5000 }),
    percent: fc.integer({ min: 1, max: 100 }),
  }),
);

const requestArb: fc.Arbitrary<PriceRequest> = fc
  .record({
    lines: fc.array(lineArb, { maxLength: 7 }),
    promos: fc.array(fc.tuple(kindArb, targetArb, filterArb), { maxLength: 7 }),
    // Copies of generated promotions under another id (and maybe priority): guaranteed ties.
    clones: fc.array(fc.tuple(fc.nat(), fc.option(fc.constantFrom(10, 100, 200), { nil: undefined })), {
      maxLength: 3,
    }),
    ids: fc.shuffledSubarray(["p0", "p1", "p2", "p3", "p4", "p5", "p6", "P7", "a", "b"], {
      minLength: 10,
      maxLength: 10,
    }),
    member: fc.option(
      fc.record({ id: fc.constant("m1"), tier: fc.constantFrom("gold", "silver", "basic") }),
      {
        nil: undefined,
      },
    ),
    coupons: fc.option(fc.subarray(["C1", "C2", "C9"]), { nil: undefined }),
  })
  .map(({ lines, promos, clones, ids, member, coupons }) => {
    const req: PriceRequest = {
      at: AT,
      storeId: "S1",
      lines: lines.map((l, i) => ({
        lineId: `L${i}`,
        sku: l.sku,
        category: l.category,
        unitPrice: l.weighed ? l.unitPrice * 3 : l.unitPrice,
        qty: l.weighed ? l.grams : l.qtyUnits,
        ...(l.weighed ? { weighed: true } : {}),
        taxRate: l.taxRate,
      })),
      promotions: promos.map(([k, t, f], i) => {
        const p = { id: ids[i]!, ...k, ...t, ...f } as Promotion;
        // An inverted window is invalid input; keep the generated ones valid.
        if (p.startsAt && p.endsAt && !(Date.parse(p.startsAt) < Date.parse(p.endsAt))) delete p.endsAt;
        return p;
      }),
    };
    for (const [from, priority] of clones) {
      const src = req.promotions[from % Math.max(1, req.promotions.length)];
      if (!src) break;
      const id = ids[req.promotions.length]!;
      req.promotions.push(priority === undefined ? { ...src, id } : { ...src, id, priority });
    }
    if (member) req.member = member;
    if (coupons) req.coupons = coupons;
    return req;
  });

// Thousands of generated baskets per property: seconds of CPU, and more on a shared machine
// under load (the oracle case took 4.7 s of bun's 5 s default in CI). A bound, not a timing check.
setDefaultTimeout(60_000);

const runs = { numRuns: 400 };

describe("priceBasket properties", () => {
  test("agrees with the naive unit-by-unit oracle", () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        expect(priceBasket(req)).toEqual(oracle(req));
      }),
      { numRuns: 1500 },
    );
  });

  test("pricing against promotions checked once gives exactly priceBasket's result", () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const { promotions, ...basket } = req;
        const checked = checkPromotions(promotions);
        expect(priceBasketChecked(basket, checked)).toEqual(priceBasket(req));
        // Checked once, priced many times: the list is not changed by pricing.
        expect(priceBasketChecked(basket, checked)).toEqual(priceBasket(req));
        expect(checked.list).toEqual(promotions);
      }),
      runs,
    );
  });

  test("multi_buy with tiny prices (equal remainders everywhere) agrees with the oracle", () => {
    const tiny = fc
      .record({
        prices: fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 4 })), {
          minLength: 2,
          maxLength: 6,
        }),
        count: fc.integer({ min: 2, max: 5 }),
        price: fc.integer({ min: 0, max: 12 }),
      })
      .map(
        ({ prices, count, price }): PriceRequest => ({
          at: AT,
          storeId: "S1",
          lines: prices.map(([unitPrice, qty], i) => ({
            lineId: `L${i}`,
            sku: "A",
            category: "x",
            unitPrice,
            qty,
            taxRate: 13,
          })),
          promotions: [{ id: "mb", kind: "multi_buy", count, price }],
        }),
      );
    fc.assert(
      fc.property(tiny, (req) => {
        expect(priceBasket(req)).toEqual(oracle(req));
      }),
      { numRuns: 1000 },
    );
  });

  test("arithmetic: nets >= 0, gross - discounts = net, totals are sums, 0 <= tax <= net", () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const r = priceBasket(req);
        let discount = 0;
        for (const l of r.lines) {
          const d = l.discounts.reduce((a, x) => a + x.amount, 0);
          expect(l.net).toBeGreaterThanOrEqual(0);
          expect(l.gross - d).toBe(l.net);
          expect(l.tax).toBeGreaterThanOrEqual(0);
          expect(l.tax).toBeLessThanOrEqual(l.net);
          for (const x of l.discounts) expect(x.amount).toBeGreaterThan(0);
          discount += d;
        }
        expect(r.totals.discount).toBe(discount);
        expect(r.totals.gross - r.totals.discount).toBe(r.totals.net);
        expect(r.totals.net).toBe(r.lines.reduce((a, l) => a + l.net, 0));
        expect(r.totals.tax).toBe(r.lines.reduce((a, l) => a + l.tax, 0));
        expect(r.lines.map((l) => l.lineId)).toEqual(req.lines.map((l) => l.lineId));
        PriceResultSchema.parse(r);
      }),
      runs,
    );
  });

  test("applied lists each promotion once, each line's discounts follow that order", () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const r = priceBasket(req);
        expect(new Set(r.applied).size).toBe(r.applied.length);
        const given = new Set(r.lines.flatMap((l) => l.discounts.map((d) => d.promotionId)));
        expect(new Set(r.applied)).toEqual(given);
        for (const l of r.lines) {
          const order = l.discounts.map((d) => r.applied.indexOf(d.promotionId));
          expect(order).toEqual([...order].sort((a, b) => a - b));
        }
      }),
      runs,
    );
  });

  test("independent of the order of the promotions array", () => {
    fc.assert(
      fc.property(requestArb, fc.integer(), (req, seed) => {
        const shuffled = req.promotions
          .map((p, i) => ({ p, k: Math.imul(seed ^ (i * 0x9e3779b1), 0x85ebca6b) >>> 0 }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.p);
        expect(priceBasket({ ...req, promotions: shuffled })).toEqual(priceBasket(req));
        expect(priceBasket({ ...req, promotions: [...req.promotions].reverse() })).toEqual(priceBasket(req));
      }),
      runs,
    );
  });

  test("deterministic: same input, same output, input untouched", () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const copy = structuredClone(req);
        const a = priceBasket(req);
        const b = priceBasket(copy);
        expect(a).toEqual(b);
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        expect(req).toEqual(copy);
        // and it survives the wire
        expect(priceBasket(JSON.parse(JSON.stringify(req)))).toEqual(a);
      }),
      runs,
    );
  });

  test("adding an inactive promotion changes nothing", () => {
    fc.assert(
      fc.property(requestArb, kindArb, (req, kind) => {
        const extra = { id: "zz-elsewhere", ...kind, stores: ["S9"] } as Promotion;
        expect(priceBasket({ ...req, promotions: [...req.promotions, extra] })).toEqual(priceBasket(req));
      }),
      runs,
    );
  });
});
