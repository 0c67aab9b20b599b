// The uplift estimate against planted truths: generated members whose spend has a known
// treatment effect; the 95% interval must contain it about 95% of the time, and 0 must fall
// outside it when the effect is large.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { prng } from "@retail/protocol";
import { assignGroups, groupStats, statsFromSums, uplift } from "./uplift.ts";

// Hundreds of generated cases: seconds of CPU, more on a shared machine (one timed out at bun's
// 5 s default at load 22). A bound, not a timing check.
setDefaultTimeout(60_000);

/** Skewed spend like a supermarket's: many small, some big baskets, some members never come. */
function memberSpend(random: () => number): number {
  if (random() < 0.3) return 0;
  const visits = 1 + Math.floor(random() * 6);
  let fen = 0;
  for (let v = 0; v < visits; v++) fen += Math.round(2000 * Math.exp(1.2 * (random() + random() - 1)));
  return fen;
}

/** One experiment: n members, holdout h%, each treated member gains `effect` fen on average. */
function experiment(seed: number, n: number, holdout: number, effect: number) {
  const random = prng(seed);
  const groups = assignGroups(n, holdout, random);
  const t: number[] = [];
  const c: number[] = [];
  for (const treated of groups) {
    const base = memberSpend(random);
    // The planted effect: a third of the treated make one extra purchase of 3 × effect fen.
    if (treated) t.push(base + (random() < 1 / 3 ? 3 * effect : 0));
    else c.push(base);
  }
  return uplift(t, c);
}

describe("uplift (Welch difference in means, normal 95% CI)", () => {
  test("a planted effect of 1,500 fen per member is inside the interval, and 0 is not", () => {
    const r = experiment(42, 20_000, 20, 1500);
    expect(r.ci95.lowFen).toBeLessThanOrEqual(1500);
    expect(r.ci95.highFen).toBeGreaterThanOrEqual(1500);
    expect(r.ci95.lowFen).toBeGreaterThan(0);
    expect(Math.abs(r.incrementalSpendFen - r.upliftFen * r.treated.n)).toBeLessThanOrEqual(r.treated.n);
    expect(r.treated.n + r.control.n).toBe(20_000);
    expect(r.method).toContain("Welch");
  });

  test("over 400 generated campaigns the interval covers the true effect 92-98% of the time", () => {
    let covered = 0;
    let zeroCovered = 0;
    for (let i = 0; i < 400; i++) {
      const r = experiment(1000 + i, 2000, 30, 800);
      if (r.ci95.lowFen <= 800 && 800 <= r.ci95.highFen) covered++;
      const z = experiment(5000 + i, 2000, 30, 0);
      if (z.ci95.lowFen <= 0 && 0 <= z.ci95.highFen) zeroCovered++;
    }
    expect(covered / 400).toBeGreaterThanOrEqual(0.92);
    expect(covered / 400).toBeLessThanOrEqual(0.98);
    expect(zeroCovered / 400).toBeGreaterThanOrEqual(0.92);
    expect(zeroCovered / 400).toBeLessThanOrEqual(0.98);
  });

  test("the holdout draw is reproducible from its seed and near its percent", () => {
    const a = assignGroups(10_000, 10, prng(7));
    expect(assignGroups(10_000, 10, prng(7))).toEqual(a);
    const control = a.filter((t) => !t).length;
    expect(control).toBeGreaterThan(900);
    expect(control).toBeLessThan(1100);
  });

  test("statistics of big fen amounts stay exact in their totals; too small groups are refused", () => {
    const g = groupStats([9_000_000_000_000, 9_000_000_000_002]);
    expect(g.totalFen).toBe(18_000_000_000_002);
    expect(g.meanFen).toBe(9_000_000_000_001);
    expect(() => uplift([1], [1, 2])).toThrow("treated");
    expect(() => uplift([1, 2], [])).toThrow("control");
  });

  test("the sums SQL gives (n, Σx, Σx²) make the same statistics as the values", () => {
    const random = prng(5);
    const xs = Array.from({ length: 5000 }, () => Math.round(100_000 * random() * random()));
    const a = groupStats(xs);
    const b = statsFromSums(
      xs.length,
      xs.reduce((s, x) => s + x, 0),
      xs.reduce((s, x) => s + x * x, 0),
    );
    expect(b.totalFen).toBe(a.totalFen);
    expect(b.meanFen).toBe(a.meanFen);
    expect(Math.abs(b.variance - a.variance) / a.variance).toBeLessThan(1e-9);
  });
});
