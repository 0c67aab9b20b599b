// Sales history's API (issue 17: the forecast on day one): import the old POS's daily sales by
// CSV (all or nothing, every bad row named), and what each store holds. Writes: hq_admin.
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { STORE_ID } from "./history-csv.ts";

const tag = "replenishment";

const HistorySummary = z
  .object({
    storeId: z.string(),
    skus: z.number().int(),
    rows: z.number().int(),
    from: z.string().nullable(),
    to: z.string().nullable(),
  })
  .openapi("SalesHistorySummary");

export const salesHistoryRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "post",
      path: "/api/v1/sales-history/import",
      summary:
        "Daily sales from before the stores ran on this system, by CSV (store,sku,day,units[,stockout]; days before today, two years at most): all or nothing, a bad row refuses the file naming every bad row; a day imported again is replaced. The forecast reads it for the days before a store's first stock movement of the SKU",
      access: "admin",
      tag,
      textBody: true,
      response: z
        .object({ imported: z.number().int(), stores: z.array(HistorySummary) })
        .openapi("SalesHistoryImportResult"),
    },
    ({ body, principal }) => hub.salesHistory.importCsv(body, s.actor(principal)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/sales-history",
      summary: "The imported sales history per store: SKUs, rows, first and last day",
      access: "read",
      tag,
      query: z.object({ store: z.string().regex(STORE_ID).optional() }),
      response: z.array(HistorySummary),
    },
    ({ query, principal }) => {
      if (query.store) s.authorizeStoreRead(principal, query.store);
      const all = hub.salesHistory.summary(query.store ? [query.store] : undefined);
      // A regional manager sees the stores of the region.
      return principal.role === "regional_manager"
        ? all.filter((h) => s.regionOfStore(h.storeId) === principal.region)
        : all;
    },
  );
};
