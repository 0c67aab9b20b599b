// A campaign's uplift against its holdout, pure. Method: Welch's difference in means of spend
// per member over the campaign window (treated minus control), with a normal-approximation 95%
// confidence interval: diff ± 1.96 * sqrt(s_t²/n_t + s_c²/n_c), sample variances (n - 1).
// Groups are hundreds or more members, so the normal quantile stands in for Student's t (at
// n = 100 per group the t quantile is 1.97). The statistics are estimates, not money: the
// answer is rounded to whole fen.
import { ValidationError } from "../errors.ts";

export const Z_95 = 1.959963984540054;

export interface GroupStats {
  n: number;
  /** Sum of the group's spend (exact integer fen). */
  totalFen: number;
  meanFen: number;
  sdFen: number;
}

export interface Uplift {
  method: string;
  treated: GroupStats;
  control: GroupStats;
  /** Mean spend per treated member minus per control member, fen. */
  upliftFen: number;
  ci95: { lowFen: number; highFen: number };
  /** uplift × treated members: the spend the campaign added, fen, with its interval. */
  incrementalSpendFen: number;
  incrementalCi95: { lowFen: number; highFen: number };
  /** Uplift over the control mean, percent (null when the control spent nothing). */
  relativePercent: number | null;
}

export const UPLIFT_METHOD =
  "Welch difference in means of spend per member (treated - control), normal 95% CI: diff ± 1.96·sqrt(s_t²/n_t + s_c²/n_c)";

/** Mean and sample standard deviation in two passes (no sum of squares of big fen amounts). */
export function groupStats(values: ArrayLike<number>): GroupStats & { variance: number } {
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i]!;
  const mean = n ? total / n : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
  }
  const variance = n > 1 ? ss / (n - 1) : 0;
  return { n, totalFen: total, meanFen: Math.round(mean), sdFen: Math.round(Math.sqrt(variance)), variance };
}

export function uplift(treated: ArrayLike<number>, control: ArrayLike<number>): Uplift {
  return upliftOf(groupStats(treated), groupStats(control));
}

/** A group's statistics from its sums (what one SQL pass gives: n, Σx, Σx²). */
export function statsFromSums(
  n: number,
  totalFen: number,
  sumSquares: number,
): GroupStats & { variance: number } {
  const mean = n ? totalFen / n : 0;
  // One-pass variance: spend is never near-constant at a large mean, so the cancellation in
  // Σx² - n·mean² stays far below a fen.
  const variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
  return { n, totalFen, meanFen: Math.round(mean), sdFen: Math.round(Math.sqrt(variance)), variance };
}

export function upliftOf(t: GroupStats & { variance: number }, c: GroupStats & { variance: number }): Uplift {
  if (t.n < 2) throw new ValidationError("treated", "fewer than 2 treated members");
  if (c.n < 2) throw new ValidationError("control", "fewer than 2 control members");
  const diff = t.totalFen / t.n - c.totalFen / c.n;
  const se = Math.sqrt(t.variance / t.n + c.variance / c.n);
  const lo = diff - Z_95 * se;
  const hi = diff + Z_95 * se;
  const strip = ({ variance: _v, ...g }: GroupStats & { variance: number }) => g;
  const controlMean = c.totalFen / c.n;
  return {
    method: UPLIFT_METHOD,
    treated: strip(t),
    control: strip(c),
    upliftFen: Math.round(diff),
    ci95: { lowFen: Math.floor(lo), highFen: Math.ceil(hi) },
    incrementalSpendFen: Math.round(diff * t.n),
    incrementalCi95: { lowFen: Math.floor(lo * t.n), highFen: Math.ceil(hi * t.n) },
    relativePercent: controlMean > 0 ? Math.round((1000 * diff) / controlMean) / 10 : null,
  };
}

/**
 * The holdout draw, seeded and reproducible: each member (in the order given) is control with
 * probability holdoutPercent / 100. Returns true for the treated.
 */
export function assignGroups(count: number, holdoutPercent: number, random: () => number): boolean[] {
  const out = new Array<boolean>(count);
  for (let i = 0; i < count; i++) out[i] = random() * 100 >= holdoutPercent;
  return out;
}
