// The dashboard API: one read answering the home screen (KPIs of a day and a period with the
// period before, the series for the charts, fleet state, open exceptions) for the chain, a
// region or a store. A regional manager sees its own region only (another region or another
// region's store is 403).
import { z } from "@hono/zod-openapi";
import { ForbiddenError } from "../errors.ts";
import type { Principal } from "../http/auth.ts";
import type { RouteModule } from "../http/route.ts";
import { ExcludedStore } from "../reports/routes.ts";
import { DashboardQuery } from "./dashboard.ts";

const Kpis = z
  .object({
    saleCount: z.number().int(),
    netFen: z.number().int(),
    discountFen: z.number().int(),
    averageBasketFen: z.number().int().nullable(),
    returnCount: z.number().int(),
    refundFen: z.number().int(),
    sellingStores: z.number().int(),
  })
  .openapi("DashboardKpis");
const Ranked = z
  .object({ key: z.string(), label: z.string(), saleCount: z.number().int(), netFen: z.number().int() })
  .openapi("DashboardRanked");
const Dashboard = z
  .object({
    scope: z.object({ kind: z.enum(["chain", "region", "store"]), key: z.string(), label: z.string() }),
    day: z.string(),
    from: z.string(),
    to: z.string(),
    today: Kpis,
    period: Kpis,
    previous: Kpis.extend({ from: z.string(), to: z.string() }),
    hours: z.array(
      z.object({ hour: z.number().int(), saleCount: z.number().int(), netFen: z.number().int() }),
    ),
    days: z.array(
      z.object({
        day: z.string(),
        saleCount: z.number().int(),
        netFen: z.number().int(),
        refundFen: z.number().int(),
      }),
    ),
    topStores: z.array(Ranked),
    regions: z.array(Ranked),
    fleet: z.object({
      stores: z.number().int(),
      online: z.number().int(),
      offline: z.number().int(),
      neverSeen: z.number().int(),
      offlineStores: z.array(
        z.object({ storeId: z.string(), name: z.string(), lastSeenAt: z.string().nullable() }),
      ),
      backlogEvents: z.number().int(),
      storesWithBacklog: z.number().int(),
      oldestUnackedAgeSec: z.number().int(),
    }),
    exceptions: z.object({
      deadLetters: z.number().int(),
      conflicts: z.number().int(),
      fleetAlerts: z.number().int(),
      resyncs: z.number().int(),
    }),
    excluded: z.array(ExcludedStore),
  })
  .openapi("Dashboard");

const DashboardMix = z
  .object({
    from: z.string(),
    to: z.string(),
    margin: z.object({
      revenueFen: z.number().int(),
      costFen: z.number().int(),
      marginFen: z.number().int(),
      marginBp: z.number().int().nullable(),
    }),
    tenders: z.array(z.object({ method: z.string(), count: z.number().int(), amountFen: z.number().int() })),
    excluded: z.array(ExcludedStore),
  })
  .openapi("DashboardMix");

export const dashboardRoutes: RouteModule = (r, hub, s) => {
  const confine = (query: DashboardQuery, principal: Principal): DashboardQuery => {
    const scope = s.readScope(principal, query.store);
    if (scope.region !== undefined && query.region !== undefined && query.region !== scope.region)
      throw new ForbiddenError(`regional manager of ${scope.region} may not see region ${query.region}`);
    const region = scope.region ?? query.region;
    return { ...query, ...(region !== undefined ? { region } : {}) };
  };
  r.route(
    {
      method: "get",
      path: "/api/v1/dashboard",
      summary:
        "Today's and a period's KPIs (sales, baskets, average basket, refunds, margin) against the period before, sales per hour and per day, top stores and regions, tenders, stores offline, backlogs and open exceptions; for the chain, ?region= or ?store=",
      access: "read",
      tag: "dashboard",
      query: DashboardQuery,
      response: Dashboard,
    },
    ({ query, principal }) => hub.dashboard.dashboard(confine(query, principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/dashboard/mix",
      summary:
        "The dashboard's period tender mix and gross margin (the margin report's totals, cost as last caught up), same query and scoping as /dashboard",
      access: "read",
      tag: "dashboard",
      query: DashboardQuery,
      response: DashboardMix,
    },
    ({ query, principal }) => hub.dashboard.mix(confine(query, principal)),
  );
};
