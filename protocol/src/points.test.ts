import { describe, expect, test } from "bun:test";
import { TenderV1 } from "./messages/sale.ts";
import {
  fenForPoints,
  maxRedeemFen,
  NO_POINTS_RULE,
  type PointsRule,
  PointsRuleV1,
  pointsEarnedBySale,
  pointsForFen,
  pointsTenderProblem,
} from "./points.ts";

const rule: PointsRule = {
  id: "chain",
  enabled: true,
  pointsPerYuan: 100,
  maxSharePercent: 50,
  minBalance: 200,
  earnOnRedeemed: false,
};

describe("points redemption rule", () => {
  test("points and fen convert exactly, never in the member's favour", () => {
    expect(pointsForFen(123, rule)).toBe(123);
    expect(fenForPoints(123, rule)).toBe(123);
    const coarse = { ...rule, pointsPerYuan: 30 }; // 0.3 points a fen
    expect(pointsForFen(10, coarse)).toBe(3);
    expect(pointsForFen(11, coarse)).toBe(4); // rounded up
    expect(fenForPoints(4, coarse)).toBe(13); // rounded down
  });

  test("the most points may pay: share cap, balance, minimum balance, off", () => {
    expect(maxRedeemFen(2000, 5000, rule)).toBe(1000); // 50% of 2,000
    expect(maxRedeemFen(2000, 300, rule)).toBe(300); // what 300 points are worth
    expect(maxRedeemFen(2000, 199, rule)).toBe(0); // below the minimum balance
    expect(maxRedeemFen(2000, 5000, rule, 400)).toBe(600); // 400 already paid by points
    expect(maxRedeemFen(2000, 5000, NO_POINTS_RULE)).toBe(0);
  });

  test("earning on the part paid by points follows the rule", () => {
    const tenders = [
      { kind: "points", amount: 500, points: 500 },
      { kind: "cash", amount: 1500 },
    ];
    expect(pointsEarnedBySale(2000, tenders, rule)).toBe(15);
    expect(pointsEarnedBySale(2000, tenders, { ...rule, earnOnRedeemed: true })).toBe(20);
  });

  test("a sale's points tenders against the rule: forged points, above the cap, no member, off", () => {
    const sale = (tenders: { kind: string; amount: number; points?: number }[], member = true) => ({
      totals: { net: 2000 },
      ...(member ? { member: { id: "M1" } } : {}),
      tenders,
    });
    expect(pointsTenderProblem(sale([{ kind: "points", amount: 500, points: 500 }]), rule)).toBeUndefined();
    expect(pointsTenderProblem(sale([{ kind: "points", amount: 500, points: 5 }]), rule)?.field).toBe(
      "tenders.points.points",
    );
    expect(pointsTenderProblem(sale([{ kind: "points", amount: 1001, points: 1001 }]), rule)?.field).toBe(
      "tenders.points.amount",
    );
    expect(pointsTenderProblem(sale([{ kind: "points", amount: 5, points: 5 }], false), rule)?.actual).toBe(
      "no member",
    );
    expect(pointsTenderProblem(sale([{ kind: "points", amount: 5, points: 5 }]), NO_POINTS_RULE)?.field).toBe(
      "tenders.points",
    );
  });

  test("schemas refuse garbage: fractional or huge points, a points tender without its points", () => {
    expect(PointsRuleV1.safeParse({ ...rule, pointsPerYuan: 0.5 }).success).toBe(false);
    expect(PointsRuleV1.safeParse({ ...rule, maxSharePercent: 101 }).success).toBe(false);
    expect(PointsRuleV1.safeParse({ ...rule, id: "other" }).success).toBe(false);
    expect(TenderV1.safeParse({ kind: "points", amount: 100 }).success).toBe(false);
    expect(TenderV1.safeParse({ kind: "cash", amount: 100, points: 100 }).success).toBe(false);
    expect(TenderV1.safeParse({ kind: "points", amount: 100, points: 1e12 }).success).toBe(false);
    expect(TenderV1.safeParse({ kind: "points", amount: 100, points: 100 }).success).toBe(true);
  });
});
