import { describe, expect, test } from "bun:test";
import { dayNumber } from "./calendar.ts";
import { type DemandHistory, fitDemand, forecastDemand } from "./model.ts";
import { PLANTED, syntheticHistory } from "./synthetic.ts";

// Three years of 4 stores x 4 SKUs per category, with promotions and stock-outs.
const histories = syntheticHistory({
  seed: 7,
  start: "2022-01-01",
  days: 3 * 365,
  stores: 4,
  skusPerCategory: 4,
});
const models = fitDemand(histories);
const planted = (name: string) => PLANTED.find((c) => c.name === name)!;

/** The volume-weighted mean of a factor over a category's series. */
function categoryMean(category: string, f: (m: (typeof models)[number]) => number): number {
  let a = 0;
  let w = 0;
  models.forEach((m) => {
    if (m.category !== category) return;
    a += f(m) * m.level;
    w += m.level;
  });
  return a / w;
}

describe("fitDemand recovers the planted structure", () => {
  test("day-of-week factors: the category's within 0.03 of the planted ones, each series' within 0.15", () => {
    for (const cat of PLANTED) {
      const series = histories
        .map((h, i) => [h, models[i]!] as const)
        .filter(([h]) => h.category === cat.name);
      for (let d = 0; d < 7; d++) {
        const want = series.reduce((a, [h]) => a + h.plantedDow[d]!, 0) / series.length;
        const got = series.reduce((a, [, m]) => a + m.dow[d]!, 0) / series.length;
        expect(Math.abs(got - want)).toBeLessThan(0.03);
        // A single series is noisy (over-dispersed daily demand); pooling keeps it near.
        for (const [h, m] of series) expect(Math.abs(m.dow[d]! - h.plantedDow[d]!)).toBeLessThan(0.15);
      }
    }
    // Saturday sells more than Tuesday in every category but dairy, as planted.
    for (const m of models) if (m.category !== "dairy") expect(m.dow[5]!).toBeGreaterThan(m.dow[1]!);
  });

  test("holiday factors: Spring Festival's eve and first days, Mid-Autumn's mooncakes, 11.11", () => {
    const ev = (cat: string, key: string) => categoryMean(cat, (m) => m.events[key] ?? 1);
    const near = (got: number, want: number, rel: number) =>
      expect(Math.abs(got / want - 1)).toBeLessThan(rel);
    near(ev("grocery", "spring_festival:-1"), planted("grocery").event("spring_festival", -1), 0.12);
    near(ev("grocery", "spring_festival:-11"), planted("grocery").event("spring_festival", -11), 0.12);
    near(ev("grocery", "spring_festival:1"), 0.45, 0.15);
    near(ev("bakery", "mid_autumn:-1"), 4, 0.12);
    near(ev("bakery", "mid_autumn:-15"), planted("bakery").event("mid_autumn", -15), 0.15);
    near(ev("snack", "shopping_1111:0"), 0.8, 0.12);
    // A key the category does not react to stays near 1.
    near(ev("dairy", "national_day:3"), 1, 0.12);
  });

  test("promotion uplift per series within 15% of the planted one", () => {
    models.forEach((m, i) => {
      expect(Math.abs(m.promoUplift / histories[i]!.plantedUplift - 1)).toBeLessThan(0.15);
    });
  });

  test("the forecast is near the planted mean demand and explains itself", () => {
    // Fit on the first two years and a half, forecast the 28 days that include no stock-out.
    const cut = dayNumber("2024-06-01") - dayNumber("2022-01-01");
    const head = histories.map((h) => ({
      ...h,
      units: h.units.slice(0, cut),
      stockout: h.stockout.slice(0, cut),
      promo: h.promo.slice(0, cut),
    }));
    const fitted = fitDemand(head);
    let err = 0;
    let sum = 0;
    fitted.forEach((m, i) => {
      const f = forecastDemand(m, 28, { promo: histories[i]!.promo.slice(cut, cut + 28) });
      expect(f[0]!.day).toBe("2024-06-01");
      for (const [k, d] of f.entries()) {
        expect(d.units).toBeCloseTo(d.level * d.yearly * d.dow * d.event * d.promo, 6);
        err += Math.abs(d.units - histories[i]!.expected[cut + k]!);
        sum += histories[i]!.expected[cut + k]!;
      }
    });
    // Within 15% of the planted mean over all series (the level drifts at random).
    expect(err / sum).toBeLessThan(0.15);
  });
});

describe("censored demand", () => {
  // One series without stock-outs, and the same series whose last 10 days ran out of stock.
  const base = syntheticHistory({
    seed: 11,
    start: "2023-01-01",
    days: 730,
    stores: 1,
    skusPerCategory: 1,
    stockoutRate: 0,
  })[0]!;
  const n = base.units.length;
  const withOut: DemandHistory = {
    ...base,
    units: [...base.units.slice(0, n - 10), ...Array(10).fill(0)],
    stockout: [...base.stockout.slice(0, n - 10), ...Array(10).fill(true)],
  };
  const before: DemandHistory = {
    ...base,
    units: base.units.slice(0, n - 10),
    stockout: base.stockout.slice(0, n - 10),
    promo: base.promo.slice(0, n - 10),
  };
  const mean14 = (h: DemandHistory) => {
    const m = fitDemand([h])[0]!;
    return forecastDemand(m, 14, { from: "2025-01-05" }).reduce((a, d) => a + d.units, 0);
  };

  test("stock-out days do not drag the forecast down", () => {
    const censored = mean14(withOut);
    const clean = mean14(before);
    expect(Math.abs(censored / clean - 1)).toBeLessThan(0.05);
    // The same zeros read as real demand pull the forecast well down: the flag is what matters.
    const asZeroDemand = mean14({ ...withOut, stockout: base.stockout });
    expect(asZeroDemand / clean).toBeLessThan(0.85);
  });

  test("a series that sold nothing forecasts nothing; garbage is refused naming the series", () => {
    const zero: DemandHistory = {
      id: "S1/none",
      category: "x",
      start: "2025-01-01",
      units: Array(60).fill(0),
    };
    const [m] = fitDemand([zero]);
    expect(forecastDemand(m!, 7).every((d) => d.units === 0)).toBe(true);
    const bad =
      (units: number[], extra: Partial<DemandHistory> = {}) =>
      () =>
        fitDemand([{ id: "S1/bad", category: "x", start: "2025-01-01", units, ...extra }]);
    expect(bad([1, -2, 3])).toThrow(/S1\/bad: units\[1\]/);
    expect(bad([1, Number.NaN])).toThrow(/S1\/bad/);
    expect(bad([1, 2], { stockout: [true] })).toThrow(/S1\/bad: stockout length/);
    expect(bad([1, 2], { start: "2025-02-30" })).toThrow(RangeError);
    expect(() => forecastDemand(m!, 3, { from: "2024-12-01" })).toThrow(/not after/);
  });
});
