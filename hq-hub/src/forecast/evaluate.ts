// Rolling-origin evaluation: at each origin the model is fitted on the days before it and
// forecasts the next `horizon` days; the seasonal-naive peer repeats the last observed same
// weekday. Both are scored on the days that did not stock out (there, what sold is the demand)
// by WAPE (sum |error| / sum actual) and MASE (mean |error| over the in-sample mean |y_t - y_t-7|,
// per series and origin, averaged).
import { dayNumber, isoDay } from "./calendar.ts";
import { type DemandHistory, fitDemand, forecastDemand } from "./model.ts";

export interface Scores {
  wape: number;
  mase: number;
}

export interface Evaluation {
  model: Scores;
  seasonalNaive: Scores;
  /** The same day a year (52 weeks) before, also a seasonal-naive peer. */
  yearAgo: Scores;
  origins: number;
  scoredDays: number;
}

/** The seasonal-naive forecast of day index t from history before `origin`: the latest same weekday not stocked out. */
export function seasonalNaive(h: DemandHistory, origin: number, t: number, period = 7): number {
  let j = t - period * Math.ceil((t - origin + 1) / period);
  for (let back = 0; back < 4 && j >= 0; back++, j -= period) if (!h.stockout?.[j]) return h.units[j]!;
  return Math.max(0, h.units[Math.max(0, t - period * Math.ceil((t - origin + 1) / period))] ?? 0);
}

function mase7Scale(h: DemandHistory, end: number): number {
  let s = 0;
  let n = 0;
  for (let i = 7; i < end; i++) {
    if (h.stockout?.[i] || h.stockout?.[i - 7]) continue;
    s += Math.abs(h.units[i]! - h.units[i - 7]!);
    n++;
  }
  return n > 0 ? s / n : 0;
}

function slice(h: DemandHistory, end: number): DemandHistory {
  return {
    id: h.id,
    category: h.category,
    start: h.start,
    units: h.units.slice(0, end),
    ...(h.stockout ? { stockout: h.stockout.slice(0, end) } : {}),
    ...(h.promo ? { promo: h.promo.slice(0, end) } : {}),
  };
}

export function rollingOrigin(
  histories: readonly DemandHistory[],
  opts: { firstOrigin: string; step: number; horizon: number; origins: number },
): Evaluation {
  const start = dayNumber(histories[0]!.start);
  if (histories.some((h) => h.start !== histories[0]!.start))
    throw new RangeError("histories must share a start day");
  const acc = {
    model: { abs: 0, mase: 0 },
    naive: { abs: 0, mase: 0 },
    year: { abs: 0, mase: 0 },
    actual: 0,
    maseN: 0,
    days: 0,
  };
  let origins = 0;
  for (let o = 0; o < opts.origins; o++) {
    const origin = dayNumber(opts.firstOrigin) + o * opts.step - start;
    if (origin + opts.horizon > histories[0]!.units.length) break;
    origins++;
    const models = fitDemand(histories.map((h) => slice(h, origin)));
    histories.forEach((h, si) => {
      const f = forecastDemand(models[si]!, opts.horizon, {
        promo: (h.promo ?? []).slice(origin, origin + opts.horizon),
      });
      const scale = mase7Scale(h, origin);
      let em = 0;
      let en = 0;
      let ey = 0;
      let n = 0;
      for (let k = 0; k < opts.horizon; k++) {
        const t = origin + k;
        if (h.stockout?.[t]) continue;
        const y = h.units[t]!;
        em += Math.abs(y - f[k]!.units);
        en += Math.abs(y - seasonalNaive(h, origin, t));
        ey += Math.abs(y - (t >= 364 ? h.units[t - 364]! : 0));
        acc.actual += y;
        n++;
      }
      acc.model.abs += em;
      acc.naive.abs += en;
      acc.year.abs += ey;
      acc.days += n;
      if (scale > 0 && n > 0) {
        acc.model.mase += em / n / scale;
        acc.naive.mase += en / n / scale;
        acc.year.mase += ey / n / scale;
        acc.maseN++;
      }
    });
  }
  const scores = (a: { abs: number; mase: number }): Scores => ({
    wape: acc.actual > 0 ? a.abs / acc.actual : 0,
    mase: acc.maseN > 0 ? a.mase / acc.maseN : 0,
  });
  return {
    model: scores(acc.model),
    seasonalNaive: scores(acc.naive),
    yearAgo: scores(acc.year),
    origins,
    scoredDays: acc.days,
  };
}

export { isoDay };
