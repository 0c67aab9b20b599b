// The points redemption API: the chain's rule (read by everyone, set by hq_admin: released to
// every store as a change set) and the overdrawn redemptions HQ flagged.
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";

const tag = "members";
const int = z.number().int();

const Rule = z
  .object({
    id: z.literal("chain"),
    enabled: z.boolean(),
    pointsPerYuan: int,
    maxSharePercent: int,
    minBalance: int,
    earnOnRedeemed: z.boolean(),
  })
  .openapi("PointsRule");
const Overdraw = z
  .object({
    storeId: z.string(),
    saleId: z.string(),
    memberId: z.string(),
    points: int,
    amountFen: int,
    overdrawn: int,
    balanceAfter: int,
    at: z.string(),
  })
  .openapi("PointsOverdraw");
const RuleInput = z.object({
  enabled: z.boolean(),
  pointsPerYuan: z.unknown(),
  maxSharePercent: z.unknown(),
  minBalance: z.unknown(),
  earnOnRedeemed: z.boolean(),
});

export const pointsRoutes: RouteModule = (r, hub, s) => {
  const points = () => hub.members.points;
  r.route(
    {
      method: "get",
      path: "/api/v1/members/points-rule",
      summary: "The chain's points redemption rule (set: false when HQ never set one: no redemption)",
      access: "read",
      tag,
      response: z.object({ rule: Rule, set: z.boolean() }),
    },
    () => points().rule(),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/members/points-rule",
      summary:
        "Set the chain's points rule (points per yuan, max share of the basket in %, minimum balance, earn on the redeemed part); released to every store as one change set",
      access: "admin",
      tag,
      body: RuleInput,
      response: z.object({ rule: Rule, changesetId: int, version: int }),
    },
    ({ body, principal }) => points().setRule(s.actor(principal), body),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/members/points-overdraws",
      summary:
        "Sales whose points tender took more points than the member had (offline stores spending the same points): newest first",
      access: "read",
      tag,
      response: z.object({ overdraws: z.array(Overdraw) }),
    },
    () => ({ overdraws: points().overdraws() }),
  );
};
