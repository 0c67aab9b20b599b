// Member points redemption (积分抵现), pure: the chain's rule (set at HQ, sent to every store as
// the catalog entity `points_rule`, key "chain") and the arithmetic the till and HQ's ingest both
// use, so a points tender the till accepted is one HQ's audit agrees with. Points pay as a
// tender: prices, discounts and tax are untouched (PRICING.md is not extended), the tender says
// how many points paid how many fen.
import { z } from "zod";

/** The key of the chain's one points rule in change sets. */
export const POINTS_RULE_KEY = "chain";

/** Largest number of points one tender may spend (protects every sum HQ keeps). */
export const MAX_TENDER_POINTS = 1_000_000_000;

export const PointsRuleV1 = z.strictObject({
  id: z.literal(POINTS_RULE_KEY),
  /** Redemption allowed at all. */
  enabled: z.boolean(),
  /** How many points make one yuan (100 points = 1 yuan: 100). */
  pointsPerYuan: z.int("whole points").min(1).max(100_000),
  /** Points may pay at most this percent of the sale's amount due. */
  maxSharePercent: z.int("a whole percent").min(1).max(100),
  /** A member below this balance cannot redeem (the balance before the sale). */
  minBalance: z.int("whole points").nonnegative().max(MAX_TENDER_POINTS),
  /** Whether the part of the sale paid with points earns points too. */
  earnOnRedeemed: z.boolean(),
});
export type PointsRule = z.infer<typeof PointsRuleV1>;

/** The rule a store without one from HQ works by: no redemption, earning as before. */
export const NO_POINTS_RULE: PointsRule = {
  id: POINTS_RULE_KEY,
  enabled: false,
  pointsPerYuan: 100,
  maxSharePercent: 100,
  minBalance: 0,
  earnOnRedeemed: true,
};

/** The points that pay `fen` under the rule (whole points, rounded up: never less than worth). */
export function pointsForFen(fen: number, rule: PointsRule): number {
  return Math.ceil((fen * rule.pointsPerYuan) / 100);
}

/** What `points` are worth in whole fen (rounded down). */
export function fenForPoints(points: number, rule: PointsRule): number {
  return Math.floor((points * 100) / rule.pointsPerYuan);
}

/**
 * The most fen points may pay on a sale whose amount due is `due` fen, for a member holding
 * `balance` points, tenders of `alreadyPaidByPoints` fen already counted: 0 when redemption is
 * off or the balance is below the minimum; otherwise the least of the share cap, what the
 * balance is worth and what is due.
 */
export function maxRedeemFen(
  due: number,
  balance: number,
  rule: PointsRule,
  alreadyPaidByPoints = 0,
): number {
  if (!rule.enabled || balance < rule.minBalance || balance <= 0) return 0;
  const share = Math.floor((due * rule.maxSharePercent) / 100) - alreadyPaidByPoints;
  return Math.max(0, Math.min(share, fenForPoints(balance, rule), due - alreadyPaidByPoints));
}

/** Points earned: one per whole yuan of net spend (the chain's earning rule). */
export function pointsEarned(fen: number): number {
  return Math.floor(fen / 100);
}

export interface PointsTenderLike {
  kind: string;
  amount: number;
  points?: number | undefined;
}

/** Points and fen a sale's (or a return's) points tenders carry. */
export function pointsPaid(tenders: readonly PointsTenderLike[]): { points: number; fen: number } {
  let points = 0;
  let fen = 0;
  for (const t of tenders) {
    if (t.kind !== "points") continue;
    points += t.points ?? 0;
    fen += t.amount;
  }
  return { points, fen };
}

/** Points a sale earns: on its net, less what points paid unless the rule earns on it. */
export function pointsEarnedBySale(
  net: number,
  tenders: readonly PointsTenderLike[],
  rule: PointsRule,
): number {
  const redeemedFen = rule.earnOnRedeemed ? 0 : pointsPaid(tenders).fen;
  return pointsEarned(Math.max(0, net - redeemedFen));
}

/**
 * Why a sale's points tenders break the rule the store had, or undefined: the field at fault
 * and what it should have been. Balances are not checked here (an offline store may not know
 * the member's latest balance: HQ flags an overdraw separately).
 */
export function pointsTenderProblem(
  sale: {
    totals: { net: number };
    member?: { id: string } | undefined;
    tenders: readonly PointsTenderLike[];
  },
  rule: PointsRule,
): { field: string; expected: string; actual: string } | undefined {
  const tenders = sale.tenders.filter((t) => t.kind === "points");
  if (tenders.length === 0) return undefined;
  if (!sale.member) return { field: "tenders.points", expected: "a member on the sale", actual: "no member" };
  if (!rule.enabled)
    return {
      field: "tenders.points",
      expected: "redemption off by the chain's rule",
      actual: "points tender",
    };
  for (const t of tenders) {
    const points = t.points ?? 0;
    const expected = pointsForFen(t.amount, rule);
    if (points !== expected)
      return {
        field: "tenders.points.points",
        expected: `${expected} points for ${t.amount} fen at ${rule.pointsPerYuan} points per yuan`,
        actual: String(points),
      };
  }
  const fen = pointsPaid(tenders).fen;
  const cap = Math.floor((sale.totals.net * rule.maxSharePercent) / 100);
  if (fen > cap)
    return {
      field: "tenders.points.amount",
      expected: `at most ${cap} fen (${rule.maxSharePercent}% of ${sale.totals.net})`,
      actual: String(fen),
    };
  return undefined;
}
