// A generated sales history with known structure, for the bench and the tests: per category a
// day-of-week profile, a yearly curve and calendar effects (planted below, so a fit can be
// checked against them), per series a drifting level, promotions with their uplift,
// over-dispersed daily demand and stock-outs that cut what sells (flagged, as a store's stock
// ledger would show them). Seeded: the same seed gives the same history.
import { prng } from "@retail/protocol";
import { dayNumber, dayOfWeek, eventsOn, yearDay } from "./calendar.ts";
import type { DemandHistory } from "./model.ts";

export interface PlantedCategory {
  name: string;
  /** Monday..Sunday, mean 1. */
  dow: readonly number[];
  /** Yearly curve 1 + amp x cos(2 pi (dayOfYear - peak) / 365). */
  yearlyAmp: number;
  yearlyPeak: number;
  /** The planted factor of a calendar key ("spring_festival:-3"), 1 when the key does nothing. */
  event: (name: string, offset: number) => number;
}

const ramp = (k: number, from: number, to: number, peak: number) =>
  k >= from && k <= to ? 1 + (peak - 1) * ((k - from + 1) / (to - from + 1)) : 1;

/** Spring Festival in a supermarket: 年货 buying builds up, the first days are quiet. */
function springFestival(k: number, peak: number): number {
  if (k < 0) return ramp(k, -21, -1, peak);
  if (k <= 3) return 0.45;
  if (k <= 8) return 0.8;
  return 0.95;
}

export const PLANTED: readonly PlantedCategory[] = [
  {
    name: "grocery",
    dow: [0.92, 0.9, 0.92, 0.95, 1.05, 1.15, 1.11],
    yearlyAmp: 0.05,
    yearlyPeak: 20,
    event: (n, k) =>
      n === "spring_festival"
        ? springFestival(k, 2.2)
        : n === "dragon_boat" && k < 0
          ? 1.3
          : n === "national_day" && k >= 0 && k <= 6
            ? 1.15
            : n === "new_year" && k <= 0
              ? 1.2
              : n === "makeup_workday"
                ? 0.9
                : 1,
  },
  {
    name: "beverage",
    dow: [0.88, 0.86, 0.9, 0.95, 1.08, 1.2, 1.13],
    yearlyAmp: 0.35,
    yearlyPeak: 200,
    event: (n, k) =>
      n === "spring_festival"
        ? springFestival(k, 1.6)
        : n === "national_day" && k >= 0 && k <= 6
          ? 1.35
          : n === "labour_day" && k >= 0 && k <= 4
            ? 1.3
            : n === "shopping_618" && k >= -3 && k <= 0
              ? 0.9
              : 1,
  },
  {
    name: "snack",
    dow: [0.9, 0.88, 0.9, 0.96, 1.06, 1.18, 1.12],
    yearlyAmp: 0.1,
    yearlyPeak: 350,
    event: (n, k) =>
      n === "spring_festival"
        ? springFestival(k, 2.0)
        : n === "shopping_1111" && k >= -2 && k <= 0
          ? 0.8
          : n === "shopping_618" && k >= -3 && k <= 0
            ? 0.85
            : n === "national_day" && k >= 0 && k <= 6
              ? 1.2
              : 1,
  },
  {
    name: "dairy",
    dow: [0.97, 0.96, 0.97, 0.98, 1.02, 1.06, 1.04],
    yearlyAmp: 0.08,
    yearlyPeak: 30,
    event: (n, k) =>
      n === "spring_festival"
        ? springFestival(k, 1.8)
        : n === "mid_autumn" && k >= -10 && k < 0
          ? 1.3
          : n === "qingming" && k === 0
            ? 0.9
            : 1,
  },
  {
    name: "bakery",
    dow: [0.95, 0.93, 0.95, 0.97, 1.03, 1.1, 1.07],
    yearlyAmp: 0.06,
    yearlyPeak: 270,
    event: (n, k) =>
      n === "mid_autumn"
        ? ramp(k, -21, -1, 4)
        : n === "spring_festival"
          ? springFestival(k, 1.3)
          : n === "dragon_boat" && k < 0
            ? 1.4
            : 1,
  },
];

export interface SyntheticSeries extends DemandHistory {
  /** True demand per day (what sold, were there stock). */
  demand: number[];
  /** The planted mean of each day's demand (what a perfect forecast says). */
  expected: number[];
  stockout: boolean[];
  promo: boolean[];
  /** The series' planted day-of-week profile and promotion uplift. */
  plantedDow: number[];
  plantedUplift: number;
}

/** The planted calendar factor of a day for a category (product of its keys' factors). */
export function plantedEventFactor(cat: PlantedCategory, day: number): number {
  let f = 1;
  for (const key of eventsOn(day)) {
    const i = key.lastIndexOf(":");
    f *= cat.event(key.slice(0, i), Number(key.slice(i + 1)));
  }
  return f;
}

export function syntheticHistory(opts: {
  seed: number;
  start: string;
  days: number;
  stores: number;
  skusPerCategory: number;
  /** Daily chance that a stock-out starts (default 1/120). */
  stockoutRate?: number;
  /** Daily chance that a 7-day promotion starts (default 1/60). */
  promoRate?: number;
}): SyntheticSeries[] {
  const rnd = prng(opts.seed);
  const normal = () => {
    const u = Math.max(rnd(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const gamma = (shape: number): number => {
    // Marsaglia-Tsang, shape >= 1.
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = rnd();
      if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / shape;
    }
  };
  const poisson = (lambda: number): number => {
    if (lambda <= 0) return 0;
    if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = rnd();
    while (p > l) {
      k++;
      p *= rnd();
    }
    return k;
  };
  const stockoutRate = opts.stockoutRate ?? 1 / 120;
  const promoRate = opts.promoRate ?? 1 / 60;
  const start = dayNumber(opts.start);
  const out: SyntheticSeries[] = [];
  for (const cat of PLANTED) {
    const yearly = (day: number) =>
      1 + cat.yearlyAmp * Math.cos((2 * Math.PI * (yearDay(day) - cat.yearlyPeak)) / 365);
    const calendar = new Float64Array(opts.days);
    for (let i = 0; i < opts.days; i++) calendar[i] = plantedEventFactor(cat, start + i) * yearly(start + i);
    for (let sku = 0; sku < opts.skusPerCategory; sku++) {
      const dowRaw = cat.dow.map((d) => d * (1 + 0.04 * normal()));
      const mean = dowRaw.reduce((a, b) => a + b, 0) / 7;
      const plantedDow = dowRaw.map((d) => d / mean);
      const plantedUplift = 1.3 + 0.7 * rnd();
      const skuLevel = Math.exp(Math.log(6) + 0.9 * normal());
      for (let store = 0; store < opts.stores; store++) {
        let logLevel = Math.log(Math.min(80, Math.max(0.3, skuLevel * (0.6 + 0.8 * rnd()))));
        const drift = 0.0002 * normal();
        const units: number[] = [];
        const demand: number[] = [];
        const expected: number[] = [];
        const stockout: boolean[] = [];
        const promo: boolean[] = [];
        let promoLeft = 0;
        let outLeft = 0;
        for (let i = 0; i < opts.days; i++) {
          const day = start + i;
          logLevel += drift + 0.004 * normal();
          if (promoLeft === 0 && rnd() < promoRate) promoLeft = 7;
          const onPromo = promoLeft > 0;
          if (promoLeft > 0) promoLeft--;
          const lambda =
            Math.exp(logLevel) * plantedDow[dayOfWeek(day)]! * calendar[i]! * (onPromo ? plantedUplift : 1);
          const d = poisson(lambda * gamma(10));
          let sold = d;
          let out = false;
          if (outLeft > 0) {
            outLeft--;
            sold = 0;
            out = true;
          } else if (rnd() < stockoutRate) {
            outLeft = Math.floor(rnd() * 5);
            // The shelf emptied during the day: part of the demand was served.
            sold = Math.floor(d * rnd() * 0.6);
            out = true;
          }
          units.push(sold);
          demand.push(d);
          expected.push(lambda);
          stockout.push(out);
          promo.push(onPromo);
        }
        out.push({
          id: `S${String(store + 1).padStart(3, "0")}/${cat.name}-${sku + 1}`,
          category: cat.name,
          start: opts.start,
          units,
          demand,
          expected,
          stockout,
          promo,
          plantedDow,
          plantedUplift,
        });
      }
    }
  }
  return out;
}
