// The fleet list at chain scale (issue 19 item 2): searched, filtered and paged by the hub,
// answering `{rows, total, regions, online, offline, alerting}`. Mounted before fleet/routes.ts
// (its paths do not overlap; kept apart so routes.ts stays the store-status API).
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { FleetListQuery, pageFleet } from "./fleet-list.ts";
import { FleetRow } from "./routes.ts";

export const fleetListRoutes: RouteModule = (r, hub) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/fleet/page",
      summary:
        "Stores' status ordered by code, searched (q: code, name or region) and filtered (region, state, alerts=1), paged with the total, the regions there are and the online/offline/alerting counts of the hits; a regional manager: its region only",
      access: "read",
      tag: "fleet",
      query: FleetListQuery,
      response: z
        .object({
          rows: z.array(FleetRow),
          total: z.number().int(),
          regions: z.array(z.string()),
          online: z.number().int(),
          offline: z.number().int(),
          alerting: z.number().int(),
        })
        .openapi("FleetPage"),
    },
    ({ principal, query }) => pageFleet(hub.fleet.list(principal.region), query),
  );
};
