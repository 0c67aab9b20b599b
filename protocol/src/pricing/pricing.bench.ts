// Benchmark of priceBasket on a realistic supermarket basket: 60 lines (some weighed) against
// 300 candidate promotions of every kind, most of them filtered out by store, time window or
// coupon, some overlapping on the same items. The peer, measured in the same run, is the same
// basket with no promotions: validation, gross and tax only, i.e. the floor under any pricing.
// Run standalone: bun protocol/src/pricing/pricing.bench.ts
import type { BenchRow } from "../bench-row.ts";
import { prng } from "../prng.ts";
import { isPromotionActive, priceBasket } from "./engine.ts";
import type { PriceLine, PriceRequest, Promotion } from "./schema.ts";

const CATEGORIES = ["drinks", "snacks", "dairy", "produce", "meat", "bakery", "household", "frozen"];
const WEIGHED_CATEGORIES = new Set(["produce", "meat"]);
const STORE = "S001";
const AT = "2025-06-15T10:30:00+08:00";

/** The benchmark basket and promotions, fixed by `seed`. Exported for tests and profiling. */
export function benchRequest(seed = 20250615): PriceRequest {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

  const lines: PriceLine[] = [];
  for (let i = 0; i < 60; i++) {
    const category = pick(CATEGORIES);
    const weighed = WEIGHED_CATEGORIES.has(category) && r() < 0.6;
    lines.push({
      lineId: `L${i + 1}`,
      // A few repeated SKUs, as when a cashier scans the same item on two lines.
      sku: `SKU${String(int(1, 45)).padStart(4, "0")}`,
      category,
      unitPrice: weighed ? int(600, 16800) : int(150, 12900),
      qty: weighed ? int(120, 2600) : r() < 0.7 ? 1 : int(2, 6),
      weighed,
      taxRate: pick([13, 13, 9, 9, 6, 0]),
    });
  }
  const basketSkus = lines.map((l) => l.sku);

  const promotions: Promotion[] = [];
  for (let i = 0; i < 300; i++) {
    const id = `P${String(i).padStart(3, "0")}`;
    const kind = pick([
      "percent_off",
      "percent_off",
      "special_price",
      "special_price",
      "special_price",
      "member_price",
      "member_price",
      "multi_buy",
      "buy_x_get_y",
      "threshold",
      "threshold_percent",
    ] as const);
    // Prices of price-setting kinds follow an anchor item, as a buyer would set them.
    const anchor = pick(lines.filter((l) => !l.weighed));
    // Targets: mostly basket SKUs (overlaps), some catalog SKUs not in this basket, some categories.
    // Set prices and N-for-X deals are per item (or a few); other kinds may target widely.
    const setsPrice =
      kind === "special_price" || kind === "member_price" || kind === "multi_buy" || kind === "buy_x_get_y";
    const t = r();
    const target = setsPrice
      ? { skus: r() < 0.7 ? [anchor.sku] : [anchor.sku, `SKU${int(100, 999)}`] }
      : t < 0.6
        ? {
            skus: [
              anchor.sku,
              ...Array.from({ length: int(0, 3) }, () =>
                r() < 0.5 ? pick(basketSkus) : `SKU${int(100, 999)}`,
              ),
            ],
          }
        : t < 0.85
          ? { categories: [pick(CATEGORIES)] }
          : t < 0.95
            ? { skus: [anchor.sku], categories: [pick(CATEGORIES)] }
            : {};
    // Filters: most of a chain's promotions are for other stores, other weeks or other customers.
    // Basket-level deals are rarer still, so fewer of them are live.
    const f = r() + (kind === "threshold" || kind === "threshold_percent" ? 0.1 : 0);
    const filter =
      f < 0.35
        ? { stores: [`S${String(int(2, 400)).padStart(3, "0")}`, `S${String(int(2, 400)).padStart(3, "0")}`] }
        : f < 0.6
          ? { startsAt: "2025-05-01T00:00:00+08:00", endsAt: "2025-06-01T00:00:00+08:00" }
          : f < 0.7
            ? { startsAt: "2025-07-01T00:00:00+08:00" }
            : f < 0.8 || f >= 1
              ? { couponCode: `C${int(100, 999)}` }
              : {
                  stores: [STORE, "S002"],
                  startsAt: "2025-06-01T00:00:00+08:00",
                  endsAt: "2025-07-01T00:00:00+08:00",
                };
    const common = { id, priority: pick([10, 50, 100, 100, 100, 200]), ...target, ...filter };
    const below = (fraction: number) => Math.round(anchor.unitPrice * fraction);
    switch (kind) {
      case "percent_off":
        promotions.push({ ...common, kind, percent: pick([5, 10, 12, 15, 20, 30]) });
        break;
      case "special_price":
        promotions.push({ ...common, kind, price: below(0.7 + r() * 0.25) });
        break;
      case "member_price":
        promotions.push({
          ...common,
          kind,
          price: below(0.8 + r() * 0.15),
          ...(r() < 0.5 ? { tiers: ["gold", "silver"] } : {}),
        });
        break;
      case "multi_buy": {
        const count = int(2, 4);
        promotions.push({ ...common, kind, count, price: below(count * (0.7 + r() * 0.2)) });
        break;
      }
      case "buy_x_get_y":
        promotions.push({ ...common, kind, buy: int(1, 3), get: 1, ...(r() < 0.5 ? { percent: 50 } : {}) });
        break;
      case "threshold":
        promotions.push({
          ...common,
          kind,
          min: pick([5000, 10000, 20000]),
          off: pick([500, 1000, 3000]),
          ...(r() < 0.5 ? { repeat: true, cap: 6000 } : {}),
        });
        break;
      case "threshold_percent":
        promotions.push({ ...common, kind, min: pick([10000, 30000]), percent: pick([5, 10]) });
        break;
    }
  }
  return {
    at: AT,
    storeId: STORE,
    member: { id: "M1", tier: "gold" },
    coupons: ["C123", "C456"],
    lines,
    promotions,
  };
}

/** Same basket, every promotion active: the worst case the filters normally spare us. */
export function benchRequestAllActive(seed = 20250615): PriceRequest {
  const req = benchRequest(seed);
  const promotions = req.promotions.map((p) => {
    const { stores: _s, startsAt: _a, endsAt: _e, couponCode: _c, ...rest } = p;
    return rest as Promotion;
  });
  return { ...req, promotions };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Times `a` and `b` alternately (so drift and GC hit both alike); returns sorted samples in ms. */
function timePair(a: () => unknown, b: () => unknown, runs: number, warmup: number): [number[], number[]] {
  let sink = 0;
  for (let i = 0; i < warmup; i++) {
    sink ^= a() === null ? 1 : 0;
    sink ^= b() === null ? 1 : 0;
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    sink ^= a() === null ? 1 : 0;
    ta.push(performance.now() - t0);
    t0 = performance.now();
    sink ^= b() === null ? 1 : 0;
    tb.push(performance.now() - t0);
  }
  if (sink === 42) console.log("unreachable");
  return [ta.sort((x, y) => x - y), tb.sort((x, y) => x - y)];
}

const round = (n: number) => Math.round(n * 10000) / 10000;

/** One row: `request` against the bare basket, timed interleaved; passes when its median is under `limitMs`. */
function pricingRow(
  figure: string,
  request: PriceRequest,
  bare: PriceRequest,
  runs: number,
  warmup: number,
  limitMs: number,
): BenchRow {
  const [full, base] = timePair(
    () => priceBasket(request),
    () => priceBasket(bare),
    runs,
    warmup,
  );
  const median = quantile(full, 0.5);
  const peerMedian = quantile(base, 0.5);
  return {
    figure,
    unit: "ms",
    median: round(median),
    p99: round(quantile(full, 0.99)),
    peer: "priceBasket, same 60 lines, 0 promotions (validation + gross + tax)",
    peerMedian: round(peerMedian),
    ratio: round(median / peerMedian),
    target: `median < ${limitMs} ms`,
    pass: median < limitMs,
  };
}

export async function benchPricing(): Promise<BenchRow[]> {
  const req = benchRequest();
  const bare: PriceRequest = { ...req, promotions: [] };
  return [
    pricingRow(
      "priceBasket, 60 lines (some weighed) x 300 candidate promotions, most filtered out",
      req,
      bare,
      3000,
      500,
      1,
    ),
    pricingRow(
      "priceBasket, same basket x 300 promotions all active (worst case)",
      benchRequestAllActive(),
      bare,
      1000,
      200,
      5,
    ),
  ];
}

if (import.meta.main) {
  const rows = await benchPricing();
  for (const row of rows) console.log(JSON.stringify(row));
  const req = benchRequest();
  const res = priceBasket(req);
  console.log(
    `basket: ${req.lines.length} lines, ${req.lines.filter((l) => l.weighed).length} weighed, ` +
      `${req.promotions.length} promotions, ${res.applied.length} applied, ` +
      `${req.promotions.filter((p) => isPromotionActive(p, req)).length} active, ` +
      `gross ${res.totals.gross} discount ${res.totals.discount} fen`,
  );
}
