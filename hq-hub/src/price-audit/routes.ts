// The price audit list for the console: GET /api/v1/price-audit (any role; a regional manager
// sees its region's stores only, and another region's store is 403).
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { createPriceAudit, PriceAuditQuery } from "./reads.ts";

const PriceAuditRow = z
  .object({
    id: z.number().int(),
    storeId: z.string(),
    storeName: z.string().nullable(),
    saleId: z.string(),
    receiptNo: z.string().nullable(),
    businessDay: z.string().nullable(),
    catalogVersion: z.number().int(),
    lineId: z.string().nullable(),
    sku: z.string().nullable(),
    productName: z.string().nullable(),
    field: z.string(),
    kind: z.enum(["money", "promotions", "version", "text"]),
    expected: z.string(),
    actual: z.string(),
    expectedFen: z.number().int().nullable(),
    actualFen: z.number().int().nullable(),
    diffFen: z.number().int().nullable(),
    foundAt: z.string(),
  })
  .openapi("PriceAuditRow");
const PriceAuditPage = z
  .object({
    rows: z.array(PriceAuditRow),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("PriceAuditPage");

export const priceAuditRoutes: RouteModule = (r, hub, s) => {
  let audit: ReturnType<typeof createPriceAudit> | undefined;
  r.route(
    {
      method: "get",
      path: "/api/v1/price-audit",
      summary:
        "The re-pricing audit's findings, newest first, paged (limit 1-200): store and product names, receipt number, amounts in fen with the difference the till made (actual - expected); ?store= ?field=",
      access: "read",
      tag: "ingest",
      query: PriceAuditQuery,
      response: PriceAuditPage,
    },
    ({ query, principal }) => {
      if (query.store) s.authorizeStoreRead(principal, query.store);
      audit ??= createPriceAudit(hub.db);
      return audit.list(query, principal.role === "regional_manager" ? principal.region : undefined);
    },
  );
};
