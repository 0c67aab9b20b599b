import { describe, expect, test } from "bun:test";
import { checkTierRules, type TierRule, tierFor, windowStart } from "./tiers.ts";

const rules: TierRule[] = [
  { tier: "regular", rank: 0, metric: "spend", windowDays: 365, minValue: 0 },
  { tier: "gold", rank: 2, metric: "spend", windowDays: 365, minValue: 500_000 },
  { tier: "silver", rank: 1, metric: "points", windowDays: 90, minValue: 1000 },
];

describe("tier rules", () => {
  test("the highest-ranked tier whose threshold is met over its window", () => {
    const sorted = checkTierRules(rules);
    expect(sorted.map((r) => r.tier)).toEqual(["gold", "silver", "regular"]);
    const totals = (spend: number, points: number) => (m: "spend" | "points") =>
      m === "spend" ? spend : points;
    expect(tierFor(sorted, totals(500_000, 0))).toBe("gold");
    expect(tierFor(sorted, totals(499_999, 1000))).toBe("silver");
    expect(tierFor(sorted, totals(499_999, 999))).toBe("regular");
    expect(tierFor(sorted, totals(-100, -5))).toBe("regular");
  });

  test("rule sets that cannot give every member one tier are refused, naming the rule", () => {
    expect(() => checkTierRules([{ ...rules[0]!, minValue: 1 }])).toThrow("threshold 0");
    expect(() => checkTierRules([rules[0]!, { ...rules[1]!, tier: "regular" }])).toThrow(
      "tier regular is given twice",
    );
    expect(() => checkTierRules([rules[0]!, { ...rules[1]!, rank: 0 }])).toThrow("rank 0 is given twice");
  });

  test("a window ends at the clock passed in", () => {
    expect(windowStart(new Date("2026-12-07T00:00:00Z"), 7)).toBe("2026-11-30T00:00:00.000Z");
  });
});
