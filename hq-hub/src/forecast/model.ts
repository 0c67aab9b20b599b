// Over 400 lines because it is one model: the category fit (one estimation pass over the series) and the forecast it feeds, kept together.
// Daily demand per store and SKU, pure and explainable: demand = level x yearly x day-of-week
// x calendar event x promotion. Factors are ratios of sums (units sold / units expected without
// the factor) estimated per series and pooled by category (a series with few sales stays near
// its category's factor); the level is exponentially smoothed. Stock-out days are censored:
// what sold that day is less than the demand, so they are left out of every estimate (they are
// missing, not zero).
import { dayNumber, dayOfWeek, eventsOn, isoDay, yearDay } from "./calendar.ts";

export interface DemandHistory {
  /** The series, e.g. "store/sku". */
  id: string;
  /** Series of one category share their yearly curve and pool their other factors. */
  category: string;
  /** The first day of `units`, YYYY-MM-DD. */
  start: string;
  /** Units sold per day (net of returns, never negative). */
  units: readonly number[];
  /** The day ran out of stock: its sales are a lower bound of demand. */
  stockout?: readonly boolean[];
  /** A promotion ran that day. */
  promo?: readonly boolean[];
}

export interface DemandModel {
  id: string;
  category: string;
  /** The last history day, YYYY-MM-DD. */
  lastDay: string;
  /** Deseasonalised daily demand at the end of the history. */
  level: number;
  /** The smoothing weight chosen for the level. */
  alpha: number;
  /** Monday..Sunday, mean 1. */
  dow: number[];
  /** By day of the year (0..364), the category's, mean 1. */
  yearly: number[];
  /** Calendar event key ("spring_festival:-3") -> factor. */
  events: Record<string, number>;
  promoUplift: number;
  /** Standard deviation of the one-day-ahead error over the last year, in units (safety stock). */
  errorSd: number;
  observedDays: number;
  censoredDays: number;
}

export interface FitOptions {
  /** Pooling strength of the per-series factors toward the category's, in expected units. */
  poolUnits?: number;
  /** Passes of the back-fitting (each factor re-estimated with the others fixed). */
  passes?: number;
}

export interface ForecastDay {
  day: string;
  units: number;
  level: number;
  yearly: number;
  dow: number;
  event: number;
  promo: number;
  /** The calendar keys that moved the day. */
  events: readonly string[];
}

const YEAR = 365;
const ALPHAS = [0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.25];

interface Series {
  h: DemandHistory;
  n: number;
  y: Float64Array;
  ok: Uint8Array;
  promo: Uint8Array;
  dow: Uint8Array;
  yd: Uint16Array;
  /** Event key indexes per day (empty for most days). */
  ev: (readonly number[])[];
  D: Float64Array;
  E: Float64Array;
  P: number;
  m: Float64Array;
  lloc: Float64Array;
}

/** Centered mean of `v` over `ok` days within +-w (fewer at the edges). */
function centeredMean(v: Float64Array, ok: Uint8Array, w: number, out: Float64Array): void {
  const n = v.length;
  const sum = new Float64Array(n + 1);
  const cnt = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    sum[i + 1] = sum[i]! + (ok[i] ? v[i]! : 0);
    cnt[i + 1] = cnt[i]! + (ok[i] ? 1 : 0);
  }
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - w);
    const b = Math.min(n, i + w + 1);
    const c = cnt[b]! - cnt[a]!;
    out[i] = c > 0 ? (sum[b]! - sum[a]!) / c : 0;
  }
}

function add(a: Float64Array, i: number, v: number): void {
  a[i] = a[i]! + v;
}

function pooled(num: number, den: number, prior: number, strength: number): number {
  return den + strength > 0 ? (num + strength * prior) / (den + strength) : prior;
}

function normaliseMean(a: Float64Array | number[]): void {
  let s = 0;
  for (const x of a) s += x;
  const mean = s / a.length;
  if (mean > 0) for (let i = 0; i < a.length; i++) a[i] = a[i]! / mean;
}

/** Fits one model per history; histories of a category are fitted together. */
export function fitDemand(histories: readonly DemandHistory[], opts: FitOptions = {}): DemandModel[] {
  const byCat = new Map<string, DemandHistory[]>();
  for (const h of histories) {
    const list = byCat.get(h.category) ?? [];
    list.push(h);
    byCat.set(h.category, list);
  }
  const out = new Map<string, DemandModel>();
  for (const group of byCat.values()) for (const m of fitCategory(group, opts)) out.set(m.id, m);
  return histories.map((h) => out.get(h.id)!);
}

function fitCategory(group: readonly DemandHistory[], opts: FitOptions): DemandModel[] {
  const kappa = opts.poolUnits ?? 200;
  const passes = opts.passes ?? 4;
  const keyIndex = new Map<string, number>();
  const keys: string[] = [];
  const series: Series[] = group.map((h) => {
    const n = h.units.length;
    if (h.stockout && h.stockout.length !== n)
      throw new RangeError(`${h.id}: stockout length ${h.stockout.length} != ${n}`);
    if (h.promo && h.promo.length !== n)
      throw new RangeError(`${h.id}: promo length ${h.promo.length} != ${n}`);
    const start = dayNumber(h.start);
    const s: Series = {
      h,
      n,
      y: new Float64Array(n),
      ok: new Uint8Array(n),
      promo: new Uint8Array(n),
      dow: new Uint8Array(n),
      yd: new Uint16Array(n),
      ev: new Array(n),
      D: new Float64Array(7).fill(1),
      E: new Float64Array(0),
      P: 1,
      m: new Float64Array(n).fill(1),
      lloc: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const u = h.units[i]!;
      if (!Number.isFinite(u) || u < 0) throw new RangeError(`${h.id}: units[${i}] = ${u} is not a count`);
      s.y[i] = u;
      s.ok[i] = h.stockout?.[i] ? 0 : 1;
      s.promo[i] = h.promo?.[i] ? 1 : 0;
      const day = start + i;
      s.dow[i] = dayOfWeek(day);
      s.yd[i] = yearDay(day);
      const ks = eventsOn(day);
      s.ev[i] = ks.map((k) => {
        let j = keyIndex.get(k);
        if (j === undefined) {
          j = keys.length;
          keyIndex.set(k, j);
          keys.push(k);
        }
        return j;
      });
    }
    return s;
  });
  const K = keys.length;
  for (const s of series) s.E = new Float64Array(K).fill(1);
  const S = new Float64Array(YEAR).fill(1);
  const Dcat = new Float64Array(7).fill(1);
  const Ecat = new Float64Array(K).fill(1);
  let Pcat = 1;

  const eventFactor = (s: Series, i: number, skip = -1) => {
    let f = 1;
    for (const k of s.ev[i]!) if (k !== skip) f *= s.E[k]!;
    return f;
  };
  const refreshLevels = () => {
    for (const s of series) {
      const z = new Float64Array(s.n);
      for (let i = 0; i < s.n; i++) {
        s.m[i] = S[s.yd[i]!]! * s.D[s.dow[i]!]! * eventFactor(s, i) * (s.promo[i] ? s.P : 1);
        z[i] = s.m[i]! > 0 ? s.y[i]! / s.m[i]! : 0;
      }
      centeredMean(z, s.ok, 28, s.lloc);
    }
  };

  for (let pass = 0; pass < passes; pass++) {
    // Yearly curve of the category: sales over a year-wide mean, away from events and promotions.
    const num = new Float64Array(YEAR);
    const den = new Float64Array(YEAR);
    for (const s of series) {
      const zs = new Float64Array(s.n);
      for (let i = 0; i < s.n; i++) {
        const f = s.D[s.dow[i]!]! * eventFactor(s, i) * (s.promo[i] ? s.P : 1);
        zs[i] = s.y[i]! / f;
      }
      const lann = new Float64Array(s.n);
      centeredMean(zs, s.ok, 182, lann);
      const full = s.n >= 2 * YEAR;
      for (let i = 0; i < s.n; i++) {
        if (!s.ok[i] || s.promo[i] || s.ev[i]!.length) continue;
        if (full && (i < 182 || i >= s.n - 182)) continue;
        add(num, s.yd[i]!, s.y[i]!);
        add(den, s.yd[i]!, lann[i]! * s.D[s.dow[i]!]!);
      }
    }
    for (let d = 0; d < YEAR; d++) {
      // A triangular kernel of +-15 days keeps the curve smooth where days are few.
      let a = 0;
      let b = 0;
      for (let k = -15; k <= 15; k++) {
        const w = 16 - Math.abs(k);
        const j = (d + k + YEAR) % YEAR;
        a += w * num[j]!;
        b += w * den[j]!;
      }
      S[d] = b > 0 && a > 0 ? a / b : 1;
    }
    normaliseMean(S);
    refreshLevels();

    // Day of week, away from events.
    const dn = series.map(() => new Float64Array(7));
    const dd = series.map(() => new Float64Array(7));
    series.forEach((s, si) => {
      for (let i = 0; i < s.n; i++) {
        if (!s.ok[i] || s.ev[i]!.length) continue;
        add(dn[si]!, s.dow[i]!, s.y[i]!);
        add(dd[si]!, s.dow[i]!, s.lloc[i]! * S[s.yd[i]!]! * (s.promo[i] ? s.P : 1));
      }
    });
    for (let w = 0; w < 7; w++) {
      let a = 0;
      let b = 0;
      for (let si = 0; si < series.length; si++) {
        a += dn[si]![w]!;
        b += dd[si]![w]!;
      }
      Dcat[w] = pooled(a, b, 1, 5);
    }
    normaliseMean(Dcat);
    series.forEach((s, si) => {
      for (let w = 0; w < 7; w++) s.D[w] = pooled(dn[si]![w]!, dd[si]![w]!, Dcat[w]!, kappa);
      normaliseMean(s.D);
    });
    refreshLevels();

    // Calendar events, each with the others fixed.
    const en = series.map(() => new Float64Array(K));
    const ed = series.map(() => new Float64Array(K));
    series.forEach((s, si) => {
      for (let i = 0; i < s.n; i++) {
        const ev = s.ev[i]!;
        if (!s.ok[i] || ev.length === 0) continue;
        const base = s.lloc[i]! * S[s.yd[i]!]! * s.D[s.dow[i]!]! * (s.promo[i] ? s.P : 1);
        for (const k of ev) {
          add(en[si]!, k, s.y[i]!);
          add(ed[si]!, k, base * eventFactor(s, i, k));
        }
      }
    });
    for (let k = 0; k < K; k++) {
      let a = 0;
      let b = 0;
      for (let si = 0; si < series.length; si++) {
        a += en[si]![k]!;
        b += ed[si]![k]!;
      }
      Ecat[k] = pooled(a, b, 1, 5);
    }
    series.forEach((s, si) => {
      for (let k = 0; k < K; k++) s.E[k] = pooled(en[si]![k]!, ed[si]![k]!, Ecat[k]!, kappa);
    });
    refreshLevels();

    // Promotion uplift.
    let pa = 0;
    let pb = 0;
    const pn = new Float64Array(series.length);
    const pd = new Float64Array(series.length);
    series.forEach((s, si) => {
      for (let i = 0; i < s.n; i++) {
        if (!s.ok[i] || !s.promo[i]) continue;
        add(pn, si, s.y[i]!);
        add(pd, si, s.lloc[i]! * S[s.yd[i]!]! * s.D[s.dow[i]!]! * eventFactor(s, i));
      }
      pa += pn[si]!;
      pb += pd[si]!;
    });
    Pcat = pooled(pa, pb, 1, 5);
    series.forEach((s, si) => {
      s.P = pooled(pn[si]!, pd[si]!, Pcat, kappa);
    });
    refreshLevels();
  }

  return series.map((s) => {
    const { level, alpha, errorSd } = smoothLevel(s);
    const events: Record<string, number> = {};
    for (let k = 0; k < K; k++) events[keys[k]!] = round4(s.E[k]!);
    let observed = 0;
    for (let i = 0; i < s.n; i++) observed += s.ok[i]!;
    return {
      id: s.h.id,
      category: s.h.category,
      lastDay: isoDay(dayNumber(s.h.start) + s.n - 1),
      level,
      alpha,
      dow: Array.from(s.D, round4),
      yearly: Array.from(S, round4),
      events,
      promoUplift: round4(s.P),
      errorSd: round4(errorSd),
      observedDays: observed,
      censoredDays: s.n - observed,
    };
  });
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/**
 * Simple exponential smoothing of the deseasonalised sales over observed days; the weight is
 * the one of a small grid whose one-day-ahead errors (in units) over the last year are least.
 */
function smoothLevel(s: Series): { level: number; alpha: number; errorSd: number } {
  const z: number[] = [];
  const m: number[] = [];
  for (let i = 0; i < s.n; i++) {
    if (!s.ok[i] || !(s.m[i]! > 0)) continue;
    z.push(s.y[i]! / s.m[i]!);
    m.push(s.m[i]!);
  }
  if (z.length === 0) return { level: 0, alpha: ALPHAS[0]!, errorSd: 0 };
  const init = z.slice(0, 28).reduce((a, b) => a + b, 0) / Math.min(28, z.length);
  const scoreFrom = Math.max(1, z.length - YEAR);
  let best = { level: init, alpha: ALPHAS[0]!, err: Number.POSITIVE_INFINITY, sq: 0, n: 0 };
  for (const alpha of ALPHAS) {
    let level = init;
    let err = 0;
    let sq = 0;
    let n = 0;
    for (let i = 0; i < z.length; i++) {
      if (i >= scoreFrom) {
        const e = (z[i]! - level) * m[i]!;
        err += Math.abs(e);
        sq += e * e;
        n++;
      }
      level += alpha * (z[i]! - level);
    }
    if (err < best.err) best = { level, alpha, err, sq, n };
  }
  return { level: best.level, alpha: best.alpha, errorSd: best.n > 0 ? Math.sqrt(best.sq / best.n) : 0 };
}

/**
 * Demand of the `days` days after the model's last day (or from `from`, which must be after
 * it), each with the factors that make it. `promo[i]` says a promotion is planned on day i.
 */
export function forecastDemand(
  model: DemandModel,
  days: number,
  opts: { from?: string; promo?: readonly boolean[] } = {},
): ForecastDay[] {
  const last = dayNumber(model.lastDay);
  const first = opts.from ? dayNumber(opts.from) : last + 1;
  if (first <= last) throw new RangeError(`forecast from ${opts.from} is not after ${model.lastDay}`);
  const out: ForecastDay[] = [];
  for (let i = 0; i < days; i++) {
    const day = first + i;
    const keys = eventsOn(day);
    let event = 1;
    for (const k of keys) event *= model.events[k] ?? 1;
    const yearly = model.yearly[yearDay(day)] ?? 1;
    const dow = model.dow[dayOfWeek(day)] ?? 1;
    const promo = opts.promo?.[i] ? model.promoUplift : 1;
    out.push({
      day: isoDay(day),
      units: model.level * yearly * dow * event * promo,
      level: model.level,
      yearly,
      dow,
      event,
      promo,
      events: keys,
    });
  }
  return out;
}
