// The reports API: sales by day, store or category and money by tender method over business
// days; a regional manager reads only its region's stores (http/scope.ts readScope).
import { z } from "@hono/zod-openapi";
import type { RouteModule } from "../http/route.ts";
import { MarginQuery } from "./margin-report.ts";
import { ReportQuery, TenderQuery } from "./reports.ts";

const Totals = z
  .object({
    saleCount: z.number().int(),
    returnCount: z.number().int(),
    grossFen: z.number().int(),
    discountFen: z.number().int(),
    netFen: z.number().int(),
    taxFen: z.number().int(),
    refundFen: z.number().int(),
  })
  .openapi("Totals");
/** Stores left out because their figures are beyond exact integers (the money caps). */
export const ExcludedStore = z.object({ storeId: z.string(), reason: z.string() }).openapi("ExcludedStore");
const SalesReport = z
  .object({
    from: z.string(),
    to: z.string(),
    by: z.enum(["day", "store", "category"]),
    rows: z.array(Totals.extend({ key: z.string(), label: z.string() })),
    totals: Totals,
    excluded: z.array(ExcludedStore),
  })
  .openapi("SalesReport");
const TenderReport = z
  .object({
    rows: z.array(z.object({ method: z.string(), count: z.number().int(), amountFen: z.number().int() })),
    totalFen: z.number().int(),
    excluded: z.array(ExcludedStore),
  })
  .openapi("TenderReport");
const MarginFigures = z
  .object({
    soldQty: z.number().int(),
    returnedQty: z.number().int(),
    revenueFen: z.number().int(),
    costFen: z.number().int(),
    marginFen: z.number().int(),
    marginBp: z.number().int().nullable(),
    discountFen: z.number().int().optional(),
  })
  .openapi("MarginFigures");
const MarginReport = z
  .object({
    from: z.string(),
    to: z.string(),
    by: z.enum(["store", "region", "category", "sku", "promotion"]),
    rows: z.array(MarginFigures.extend({ key: z.string(), label: z.string() })),
    totals: MarginFigures,
    excluded: z.array(ExcludedStore),
  })
  .openapi("MarginReport");
const CategoryNameInput = z.strictObject({ name: z.string().min(1).max(40) });

const tag = "reports";

export const reportRoutes: RouteModule = (r, hub, s) => {
  r.route(
    {
      method: "get",
      path: "/api/v1/reports/sales",
      summary: "Sales by day, store or top-level category over business days from..to (training excluded)",
      access: "read",
      tag,
      query: ReportQuery,
      response: SalesReport,
    },
    ({ query, principal }) => hub.reports.sales(query, s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reports/tenders",
      summary: "Money by tender method over business days from..to (net of change and refunds)",
      access: "read",
      tag,
      query: TenderQuery,
      response: TenderReport,
    },
    ({ query, principal }) => hub.reports.tenders(query, s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "get",
      path: "/api/v1/reports/margin",
      summary:
        "Revenue net of VAT and returns, cost (the costing ledger's cost of the units sold, less what returns put back) and gross margin by store, region, category, SKU or promotion over business days from..to",
      access: "read",
      tag,
      query: MarginQuery,
      response: MarginReport,
    },
    ({ query, principal }) => hub.margin.margin(query, s.readScope(principal, query.store)),
  );
  r.route(
    {
      method: "put",
      path: "/api/v1/reports/categories/{code}",
      summary: "Name a top-level category code for the reports (zh-CN)",
      access: "admin",
      tag,
      body: CategoryNameInput,
      response: z.object({ code: z.string(), name: z.string() }),
    },
    ({ params, body }) => hub.reports.nameCategory(params.code, body.name),
  );
};
