// Tier rules, pure: each tier has a rank and a threshold on spend (fen) or points earned over a
// window of days; a member gets the highest-ranked tier whose threshold it meets. The lowest
// rank must have threshold 0 (every member has a tier).
import { z } from "zod";
import { ValidationError } from "../errors.ts";

export const TierRule = z.strictObject({
  tier: z.string().regex(/^[a-z][a-z0-9_]{0,19}$/, "1-20 lower-case letters, digits or '_'"),
  rank: z.int().min(0).max(100),
  metric: z.enum(["spend", "points"]),
  windowDays: z.int().min(1).max(3660),
  /** Fen for spend, points for points. */
  minValue: z.int().min(0).max(1_000_000_000_000),
});
export type TierRule = z.infer<typeof TierRule>;
export const TierRules = z.array(TierRule).min(1).max(20);

/** Checks a rule set as a whole; returns it sorted by rank, highest first. */
export function checkTierRules(rules: TierRule[]): TierRule[] {
  const tiers = new Set<string>();
  const ranks = new Set<number>();
  rules.forEach((r, i) => {
    if (tiers.has(r.tier)) throw new ValidationError(`${i}.tier`, `tier ${r.tier} is given twice`);
    if (ranks.has(r.rank)) throw new ValidationError(`${i}.rank`, `rank ${r.rank} is given twice`);
    tiers.add(r.tier);
    ranks.add(r.rank);
  });
  const sorted = [...rules].sort((a, b) => b.rank - a.rank);
  const base = sorted[sorted.length - 1]!;
  if (base.minValue !== 0)
    throw new ValidationError(
      `${rules.indexOf(base)}.minValue`,
      `the lowest tier (${base.tier}) must have threshold 0 so every member has a tier`,
    );
  return sorted;
}

/** What a member earned over each (metric, window) the rules ask about. */
export type WindowTotals = (metric: TierRule["metric"], windowDays: number) => number;

/** The tier a member's totals earn (rules sorted highest rank first, as checkTierRules returns). */
export function tierFor(sortedRules: TierRule[], totals: WindowTotals): string {
  for (const r of sortedRules) if (totals(r.metric, r.windowDays) >= r.minValue) return r.tier;
  return sortedRules[sortedRules.length - 1]!.tier;
}

/** The start of a window ending at `now` (ISO, UTC). */
export function windowStart(now: Date, windowDays: number): string {
  return new Date(now.getTime() - windowDays * 86_400_000).toISOString();
}
