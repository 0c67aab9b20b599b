// The catalog's lists at chain scale (issue 19 item 2): server-paged, filtered and searched,
// answering `{rows, total}`. Mounted before catalog/routes.ts so `/changesets/page` is not
// taken for a change set's id.
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { ChangesetListQuery, pageChangesets } from "./changeset-list.ts";
import { Changeset } from "./routes.ts";

const tag = "catalog";

export const catalogListRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/changesets/page",
      summary:
        "Change sets newest first, by kind (member-balance syncs only with kind=members|all), state and words (description, creator, #number), paged with the total; a regional manager: those whose target concerns its region",
      access: "read",
      tag,
      query: ChangesetListQuery,
      response: z.object({ rows: z.array(Changeset), total: z.number().int() }).openapi("ChangesetPage"),
    },
    ({ principal, query }) =>
      pageChangesets(hub.catalog.changesets(), query, (cs) => s.targetConcerns(principal, cs.target)),
  );
};
